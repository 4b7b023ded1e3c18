from django.urls import reverse

from helpdesk.models import AuditEntry
from replies.models import Macro, ReplyTemplate
from tests.admin_forms import change_form
from tests.replies.factories import MacroFactory, ReplyTemplateFactory


def test_an_admin_edits_a_template_and_the_change_is_audited(client, admin_user):
    template = ReplyTemplate.objects.get(name="Shipping time")
    client.force_login(admin_user)
    url = reverse("admin:replies_replytemplate_change", args=[template.pk])
    data = change_form(client, url)
    data["body_zh_hans"] = [data["body_zh_hans"][0] + "\n作为{{tier_name}}，您享有优先发货。"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    template.refresh_from_db()
    assert template.body_zh_hans.endswith("作为{{tier_name}}，您享有优先发货。")
    entry = AuditEntry.objects.get(target_id=str(template.pk))
    assert list(entry.after) == ["body_zh_hans"] and entry.actor == admin_user


def test_an_unknown_placeholder_is_refused_at_save_time_with_a_clear_message(client,
                                                                             admin_user):
    template = ReplyTemplate.objects.get(name="Shipping time")
    client.force_login(admin_user)
    url = reverse("admin:replies_replytemplate_change", args=[template.pk])
    data = change_form(client, url)
    data["body_en"] = ["Hi {{customer_nmae}}, {{ customer.__class__ }} {% load static %}"]
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unknown placeholder {{customer_nmae}}. Did you mean {{customer_name}}?" in html
    assert "Unknown placeholder {{ customer.__class__ }}." in html
    assert "{% load static %} is not allowed" in html
    template.refresh_from_db()
    assert "customer_nmae" not in template.body_en
    assert not AuditEntry.objects.exists()


def test_the_template_admin_previews_both_languages_with_a_sample_ticket(client, admin_user):
    template = ReplyTemplate.objects.get(name="Tier-up congratulations")
    client.force_login(admin_user)
    html = client.get(reverse("admin:replies_replytemplate_change",
                              args=[template.pk])).content.decode()
    assert '<mark class="ph ph-value" title="tier_name">Silver</mark>' in html
    assert '<mark class="ph ph-value" title="tier_name">银卡会员</mark>' in html


def test_the_template_list_filters_and_searches(client, admin_user, agent):
    ReplyTemplateFactory(name="Ann's own", owner=agent)
    client.force_login(admin_user)
    url = reverse("admin:replies_replytemplate_changelist")
    personal = client.get(url, {"ownership": "personal"}).content.decode()
    assert "Ann&#x27;s own" in personal and "Shipping time" not in personal
    found = client.get(url, {"q": "包邮"}).content.decode()
    assert "Shipping time" in found
    by_category = client.get(url, {"category__exact": "objection_handling"}).content.decode()
    assert "It&#x27;s too expensive" in by_category and "Refund processed" not in by_category


def test_a_macro_that_does_nothing_is_refused(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:replies_macro_add"), {
        "name": "Empty", "is_active": "on"})
    assert response.status_code == 200
    assert "A macro needs a reply template or at least one field change." in \
        response.content.decode()
    assert not Macro.objects.filter(name="Empty").exists()


def test_a_shared_macro_cannot_use_a_personal_template(client, admin_user, agent):
    personal = ReplyTemplateFactory(owner=agent)
    client.force_login(admin_user)
    response = client.post(reverse("admin:replies_macro_add"), {
        "name": "Shared", "template": personal.pk, "is_active": "on"})
    assert "A shared macro cannot use someone&#x27;s personal template" in \
        response.content.decode()


def test_an_admin_adds_a_macro_and_it_is_audited(client, admin_user):
    template = ReplyTemplate.objects.get(name="Refund processed")
    client.force_login(admin_user)
    response = client.post(reverse("admin:replies_macro_add"), {
        "name": "Refund and close", "template": template.pk, "set_status": "solved",
        "add_tags": "Refund, refund, closed", "is_active": "on"})
    assert response.status_code == 302
    macro = Macro.objects.get(name="Refund and close")
    assert macro.add_tags == "refund, closed"
    entry = AuditEntry.objects.get(action="admin.add", target_id=str(macro.pk))
    assert entry.after["template"] == f"Refund processed (#{template.pk})"
    assert entry.after["set_status"] == "solved"


def test_agents_cannot_reach_the_template_admin(client, agent):
    client.force_login(agent)
    assert client.get(reverse("admin:replies_replytemplate_changelist")).status_code == 302


def test_changes_take_effect_without_a_restart(client, admin_user, agent):
    """The composer reads templates per request: an admin's edit shows at once."""
    from tests.factories import TicketFactory

    template = ReplyTemplateFactory(name="Fresh", body_en="Version one")
    ticket = TicketFactory()
    client.force_login(agent)
    preview_url = reverse("replies:template_preview", args=[ticket.pk, template.pk])
    assert "Version one" in client.get(preview_url).content.decode()
    client.force_login(admin_user)
    url = reverse("admin:replies_replytemplate_change", args=[template.pk])
    data = change_form(client, url)
    data["body_en"] = ["Version two"]
    assert client.post(url, data).status_code == 302
    client.force_login(agent)
    assert "Version two" in client.get(preview_url).content.decode()


def test_macro_admin_list_query_count_is_bounded(client, admin_user,
                                                  django_assert_max_num_queries):
    client.force_login(admin_user)
    url = reverse("admin:replies_macro_changelist")
    client.get(url)
    MacroFactory.create_batch(30)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
