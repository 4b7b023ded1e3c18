"""The sandboxed renderer: whitelisted names only, one pass, nothing executed."""

import pytest

from replies.rendering import VARIABLES, render, scan, template_problems

CONTEXT = {"customer_name": "Lin Wei", "order_number": "1042", "shop_name": "Tea House"}


def test_documented_variables_are_filled_with_or_without_spaces():
    rendered = render("Hi {{customer_name}}, order #{{ order_number }}.", CONTEXT)
    assert rendered.text == "Hi Lin Wei, order #1042."
    assert rendered.ready


def test_a_variable_without_a_value_stays_visible_and_is_reported_missing():
    rendered = render("Tracking: {{ tracking_number }}.", CONTEXT)
    assert rendered.text == "Tracking: {{tracking_number}}."
    assert rendered.missing == ["tracking_number"]
    assert not rendered.ready


@pytest.mark.parametrize("value", ["", "   ", None])
def test_an_empty_value_counts_as_missing_never_as_a_blank(value):
    rendered = render("Hello {{customer_name}}!", {"customer_name": value})
    assert rendered.text == "Hello {{customer_name}}!"
    assert rendered.missing == ["customer_name"]


def test_fill_ins_are_kept_for_the_agent_in_both_syntaxes():
    rendered = render("You asked about {{product_name}}. {{answer_to_question}} "
                      "It suits [specific concern].", CONTEXT)
    assert rendered.text == ("You asked about {{product_name}}. {{answer_to_question}} "
                             "It suits [specific concern].")
    assert rendered.fill_ins == ["product_name", "answer_to_question", "[specific concern]"]
    assert rendered.to_complete == ["{{product_name}}", "{{answer_to_question}}",
                                    "[specific concern]"]


@pytest.mark.parametrize("attempt", [
    "{{ customer.__class__ }}",
    "{{ customer_name.__class__.__mro__ }}",
    "{{ customer_name|upper }}",
    "{{ request.user.password }}",
    "{{ settings.SECRET_KEY }}",
    "{{ __import__('os').system('id') }}",
    "{{ CONTEXT }}",
])
def test_attribute_access_filters_and_expressions_are_unknown_not_evaluated(attempt):
    rendered = render(f"Hi {attempt}!", {**CONTEXT, "settings": "leak", "request": "leak"})
    assert rendered.text == f"Hi {attempt}!"
    assert rendered.unknown == [attempt]
    assert "leak" not in rendered.text


@pytest.mark.parametrize("tag", [
    "{% load static %}", "{% include '/etc/passwd' %}", "{% debug %}",
    "{% for x in y %}{{ x }}{% endfor %}", "{# comment #}",
])
def test_template_tags_are_never_run(tag):
    rendered = render(f"Hi {tag} there", CONTEXT)
    assert rendered.text == f"Hi {tag} there"
    assert rendered.unknown
    assert not rendered.ready


def test_values_are_not_rendered_again():
    rendered = render("Dear {{customer_name}}", {"customer_name": "{{shop_name}} {% load x %}",
                                                 "shop_name": "SHOULD NOT APPEAR"})
    assert rendered.text == "Dear {{shop_name}} {% load x %}"
    assert "SHOULD NOT APPEAR" not in rendered.text


def test_values_are_plain_strings_even_for_objects():
    class Sneaky:
        def __str__(self):
            return "plain"

    assert render("{{customer_name}}", {"customer_name": Sneaky()}).text == "plain"


def test_a_stray_brace_is_reported():
    rendered = render("Hello {{customer_name}", CONTEXT)
    assert "{{" in rendered.unknown


def test_pathological_input_is_kept_as_written_and_reported():
    """Every quantifier in the scanner is bounded, so a wall of braces is one linear pass;
    what matters to the agent is that it is shown back unchanged and refused."""
    text = "{{" * 20000 + "[" * 20000 + "{{customer_name}}"
    rendered = render(text, CONTEXT)
    assert rendered.text == "{{" * 20000 + "[" * 20000 + CONTEXT["customer_name"]
    assert rendered.unknown == ["{{"] and not rendered.ready


def test_template_problems_accepts_the_documented_names_and_fill_ins():
    text = " ".join("{{" + name + "}}" for name in VARIABLES) + " {{answer_to_question}} [x]"
    assert template_problems(text) == []


def test_template_problems_names_the_unknown_placeholder_and_suggests_a_fix():
    problems = template_problems("Hi {{customer_nmae}} and {{ customer.__class__ }}")
    assert problems[0] == "Unknown placeholder {{customer_nmae}}. Did you mean {{customer_name}}?"
    assert "Unknown placeholder {{ customer.__class__ }}." in problems[1]
    assert problems[-1].startswith("Available placeholders: {{customer_name}}")


def test_template_problems_refuses_template_tags():
    problems = template_problems("{% load static %}Hi")
    assert problems[0].startswith("{% load static %} is not allowed")


def test_scan_counts_every_variable_as_still_to_fill():
    scanned = scan("Hi {{customer_name}}, [size]")
    assert scanned.missing == ["customer_name"]
    assert scanned.fill_ins == ["[size]"]
    assert scanned.text == "Hi {{customer_name}}, [size]"
