import json
import re

import pytest
from django.urls import reverse

from replies.models import ReplyTemplate
from tests.factories import CustomerFactory, OrderFactory, TicketFactory, tier
from tests.replies.factories import MacroFactory, ReplyTemplateFactory
from tickets.models import Direction, Message, Status, Ticket

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ticket(db):
    customer = CustomerFactory(name="林伟", language="zh-hans", tier=tier("Gold"))
    return TicketFactory(customer=customer, order=OrderFactory(customer=customer, number="1042"))


def _urls(ticket, template, macro):
    return [
        ("get", reverse("replies:search", args=[ticket.pk]) + "?q=x"),
        ("get", reverse("replies:template_preview", args=[ticket.pk, template.pk])),
        ("post", reverse("replies:template_insert", args=[ticket.pk, template.pk])),
        ("get", reverse("replies:macro_preview", args=[ticket.pk, macro.pk])),
        ("post", reverse("replies:macro_apply", args=[ticket.pk, macro.pk])),
        ("post", reverse("replies:check", args=[ticket.pk])),
        ("get", reverse("replies:my_templates")),
        ("get", reverse("replies:new_template")),
    ]


def test_anonymous_users_are_sent_to_the_login_page(client, ticket):
    for method, url in _urls(ticket, ReplyTemplateFactory(), MacroFactory()):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))


def test_users_without_a_staff_role_are_refused(client, ticket, outsider):
    client.force_login(outsider)
    for method, url in _urls(ticket, ReplyTemplateFactory(), MacroFactory()):
        assert getattr(client, method)(url).status_code == 403, url


@pytest.mark.parametrize("who", ["agent", "manager", "admin_user"])
def test_every_staff_role_may_use_templates(client, ticket, who, request):
    client.force_login(request.getfixturevalue(who))
    template = ReplyTemplateFactory()
    assert client.get(reverse("replies:template_preview",
                              args=[ticket.pk, template.pk])).status_code == 200


def test_search_finds_by_name_tag_or_text_most_used_first(client, agent, ticket):
    ReplyTemplateFactory(name="Parcel late", usage_count=3)
    ReplyTemplateFactory(name="Refund done", tags="money back", usage_count=9)
    ReplyTemplateFactory(name="Hello", body_en="We ship within 24 hours", usage_count=1)
    client.force_login(agent)
    url = reverse("replies:search", args=[ticket.pk])
    html = client.get(url, {"q": "refund"}, **HX).content.decode()
    assert "Refund done" in html and "Parcel late" not in html
    assert "Refund done" in client.get(url, {"q": "MONEY"}, **HX).content.decode()
    assert "Hello" in client.get(url, {"q": "24 hours"}, **HX).content.decode()
    everything = client.get(url, {"q": ""}, **HX).content.decode()
    names = re.findall(r'class="replies-option-name">([^<]+)<', everything)
    assert names[:3] == ["Refund done", "Parcel late", "Hello"]  # then the unused seeds


def test_among_equally_used_templates_a_name_match_comes_first(client, agent, ticket):
    ReplyTemplateFactory(name="Apology", body_en="Sorry about the shipping delay.")
    ReplyTemplateFactory(name="Shipping costs", body_en="Free over ¥199.")
    client.force_login(agent)
    html = client.get(reverse("replies:search", args=[ticket.pk]), {"q": "shipping"}).content
    names = re.findall(r'class="replies-option-name">([^<]+)<', html.decode())
    assert names.index("Shipping costs") < names.index("Apology")


def test_search_hides_other_agents_personal_templates(client, agent, other_agent, ticket):
    ReplyTemplateFactory(name="Bo's secret opener", owner=other_agent)
    ReplyTemplateFactory(name="Ann's opener", owner=agent)
    client.force_login(agent)
    html = client.get(reverse("replies:search", args=[ticket.pk]), {"q": "opener"}).content
    assert b"Ann&#x27;s opener" in html and b"secret" not in html


def test_another_agents_personal_template_cannot_be_previewed(client, agent, other_agent,
                                                               ticket):
    theirs = ReplyTemplateFactory(owner=other_agent)
    client.force_login(agent)
    url = reverse("replies:template_preview", args=[ticket.pk, theirs.pk])
    assert client.get(url).status_code == 404


def test_search_query_count_does_not_grow_with_templates(client, agent, ticket,
                                                         django_assert_max_num_queries):
    client.force_login(agent)
    url = reverse("replies:search", args=[ticket.pk])
    client.get(url, {"q": ""})
    ReplyTemplateFactory.create_batch(60)
    MacroFactory.create_batch(20)
    with django_assert_max_num_queries(8):
        response = client.get(url, {"q": ""})
    assert response.content.decode().count('role="option"') == 20


def test_the_preview_is_filled_in_the_customers_language(client, agent, ticket):
    template = ReplyTemplate.objects.get(name="Tier-up congratulations")
    client.force_login(agent)
    html = client.get(reverse("replies:template_preview", args=[ticket.pk, template.pk]),
                      **HX).content.decode()
    assert '<mark class="ph ph-value" title="customer_name">林伟</mark>您好！好消息！' in html
    assert "您已升级为我们的<mark class=\"ph ph-value\" title=\"tier_name\">金卡会员</mark>" in html
    assert "ph-missing" in html and "{{coupon_code}}" in html  # no coupon yet: shown, not blank
    assert "中文" in html


def test_the_coupon_code_fills_its_placeholder(client, agent, ticket):
    template = ReplyTemplate.objects.get(name="Tier-up congratulations")
    client.force_login(agent)
    html = client.get(reverse("replies:template_preview", args=[ticket.pk, template.pk]),
                      {"coupon_code": "GOLD15"}).content.decode()
    assert "GOLD15" in html and "{{coupon_code}}" not in html


def test_inserting_returns_the_text_for_the_composer_and_counts_a_use(client, agent, ticket):
    template = ReplyTemplateFactory(body_zh_hans="{{customer_name}}您好，<b>[具体问题]</b>")
    client.force_login(agent)
    response = client.post(reverse("replies:template_insert", args=[ticket.pk, template.pk]),
                           **HX)
    html = response.content.decode()
    data = re.search(r'<script id="replies-insert-text" type="application/json">(.*?)</script>',
                     html).group(1)
    assert json.loads(data) == "林伟您好，<b>[具体问题]</b>"
    assert "&lt;b&gt;" in html  # escaped in the preview
    template.refresh_from_db()
    assert template.usage_count == 1
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_macro_preview_then_apply(client, agent, ticket):
    macro = MacroFactory(set_status=Status.PENDING, add_tags="vip")
    client.force_login(agent)
    preview = client.get(reverse("replies:macro_preview", args=[ticket.pk, macro.pk]), **HX)
    assert "Apply macro" in preview.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW
    applied = client.post(reverse("replies:macro_apply", args=[ticket.pk, macro.pk]), **HX)
    assert applied["HX-Trigger"] == "kefu:ticket-changed"
    assert "replies-insert-text" in applied.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING


def test_apply_needs_a_post(client, agent, ticket):
    client.force_login(agent)
    macro = MacroFactory(set_status=Status.PENDING)
    assert client.get(reverse("replies:macro_apply", args=[ticket.pk, macro.pk])).status_code \
        == 405


def test_the_check_highlights_what_is_left(client, agent, ticket):
    client.force_login(agent)
    url = reverse("replies:check", args=[ticket.pk])
    html = client.post(url, {"body": "Hi, it fits [size]."}, **HX).content.decode()
    assert "ph-fill" in html and "Complete the fill-in [size] before sending." in html
    assert "Nothing left to fill in" in client.post(url, {"body": "All good."}).content.decode()


def test_the_workspace_refuses_a_reply_with_a_fill_in_and_keeps_the_text(client, agent,
                                                                          ticket):
    client.force_login(agent)
    url = reverse("tickets:send", args=[ticket.pk])
    response = client.post(url, {"body": "It fits [size] well.", "send": "reply"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Complete the fill-in [size] before sending." in html
    assert "It fits [size] well." in html
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_the_workspace_sends_a_finished_reply(client, agent, ticket):
    client.force_login(agent)
    response = client.post(reverse("tickets:send", args=[ticket.pk]),
                           {"body": "{{customer_name}}，它很合身。", "send": "pending"})
    assert response.status_code == 302
    message = Message.objects.get(direction=Direction.OUTBOUND)
    assert message.body_text == "林伟，它很合身。" and message.author == agent
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING


def test_my_templates_pages(client, agent, other_agent):
    client.force_login(agent)
    response = client.post(reverse("replies:new_template"), {
        "category": "greeting", "name": "Quick hello", "body_en": "Hi {{customer_name}}!",
        "tags": "hi"})
    assert response.status_code == 302
    mine = ReplyTemplate.objects.get(owner=agent)
    assert "Quick hello" in client.get(reverse("replies:my_templates")).content.decode()
    bad = client.post(reverse("replies:edit_template", args=[mine.pk]), {
        "category": "greeting", "name": "Quick hello", "body_en": "Hi {{ customer.__class__ }}"})
    assert bad.status_code == 200
    assert "Unknown placeholder {{ customer.__class__ }}" in bad.content.decode()
    client.force_login(other_agent)
    assert client.get(reverse("replies:edit_template", args=[mine.pk])).status_code == 404
    assert client.post(reverse("replies:delete_template", args=[mine.pk])).status_code == 404
    client.force_login(agent)
    assert client.post(reverse("replies:delete_template", args=[mine.pk])).status_code == 302
    assert not ReplyTemplate.objects.filter(owner=agent).exists()
