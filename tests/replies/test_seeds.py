from replies.models import Macro, ReplyTemplate, TemplateCategory
from replies.rendering import scan, template_problems

SEED_EXAMPLES = ["Shipping time", "Discounts", "Late shipping apology", "Damaged product",
                 "Wrong item shipped", "Return options", "Refund processed",
                 "Tier-up congratulations", "Satisfaction check", "Review request",
                 "Escalation to a supervisor"]


def test_the_seeds_real_examples_are_there_in_both_languages(db):
    templates = {t.name: t for t in ReplyTemplate.objects.filter(owner=None)}
    for name in SEED_EXAMPLES:
        assert templates[name].body_en and templates[name].body_zh_hans, name
        assert templates[name].name_zh_hans, name


def test_every_seed_category_has_templates(db):
    categories = set(ReplyTemplate.objects.values_list("category", flat=True))
    assert categories == set(TemplateCategory.values)


def test_every_seeded_body_is_valid_and_both_languages_use_the_same_variables(db):
    for template in ReplyTemplate.objects.all():
        assert template_problems(template.body_en) == [], template.name
        assert template_problems(template.body_zh_hans) == [], template.name
        en, zh = scan(template.body_en), scan(template.body_zh_hans)
        assert set(en.missing) == set(zh.missing), template.name
        assert len(set(en.fill_ins)) == len(set(zh.fill_ins)), template.name


def test_the_seed_texts_are_faithful(db):
    shipping = ReplyTemplate.objects.get(name="Shipping time")
    assert "Free shipping on orders over ¥199!" in shipping.body_en
    assert "订单满¥199包邮！" in shipping.body_zh_hans
    escalation = ReplyTemplate.objects.get(name="Escalation to a supervisor")
    assert "You'll hear back within 2 hours." in escalation.body_en
    assert "2小时内会给您回复" in escalation.body_zh_hans
    greeting = ReplyTemplate.objects.get(name="Greeting and question")
    assert scan(greeting.body_en).fill_ins == ["product_name", "answer_to_question"]


def test_seeded_macros_point_at_seeded_templates(db):
    macro = Macro.objects.get(name="Refund processed and solved")
    assert macro.template.name == "Refund processed" and macro.set_status == "solved"
    assert Macro.objects.count() == 5
