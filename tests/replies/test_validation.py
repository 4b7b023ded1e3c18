from replies.validation import check_reply_ready


def test_a_finished_reply_is_ready():
    assert check_reply_ready("Hi Lin Wei, your parcel SF123 arrives on Friday. 😊") == []


def test_an_unfilled_fill_in_is_refused_with_a_clear_message():
    problems = check_reply_ready("It suits [specific concern] well.")
    assert problems == ["Complete the fill-in [specific concern] before sending."]


def test_an_unfilled_answer_placeholder_is_refused():
    assert check_reply_ready("{{answer_to_question}}") == [
        "Complete the fill-in {{answer_to_question}} before sending."]


def test_a_placeholder_without_a_value_is_refused_not_sent_as_braces():
    problems = check_reply_ready("Tracking: {{tracking_number}}")
    assert problems == ["{{tracking_number}} has no value for this ticket: type the value in "
                        "or remove it."]


def test_unknown_placeholders_and_tags_are_refused():
    problems = check_reply_ready("{{ customer.__class__ }} {% load static %}")
    assert len(problems) == 2
    assert all(p.startswith("Remove ") for p in problems)


def test_the_messages_are_translated(settings):
    from django.utils import translation

    with translation.override("zh-hans"):
        problems = check_reply_ready("[具体问题]")
    assert problems == ["发送前请填写 [具体问题]。"]
