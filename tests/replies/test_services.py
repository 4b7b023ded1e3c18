import pytest

from helpdesk.models import AuditEntry
from replies import services
from replies.models import Macro, ReplyTemplate
from replies.selectors import ticket_for_replies
from replies.validation import ReplyNotReady
from tests.factories import CustomerFactory, OrderFactory, TeamFactory, TicketFactory
from tests.replies.factories import MacroFactory, ReplyTemplateFactory
from tickets import services as ticket_services
from tickets.models import Direction, Message, Priority, Status, Ticket, TicketEvent


@pytest.fixture
def zh_ticket(db):
    customer = CustomerFactory(name="林伟", language="zh-hans")
    return ticket_for_replies(TicketFactory(customer=customer,
                                            order=OrderFactory(customer=customer,
                                                               number="1042")).pk)


def test_the_preview_uses_the_customers_language(zh_ticket, agent, settings):
    settings.SHOP_NAME = "茶舍"
    template = ReplyTemplateFactory()
    preview = services.render_for_ticket(template=template, ticket=zh_ticket, agent=agent)
    assert preview.rendered.text == "林伟您好，感谢您联系茶舍。"
    assert preview.language == "zh-hans"
    assert not preview.fell_back


def test_the_preview_falls_back_to_english_and_says_so(zh_ticket, agent):
    template = ReplyTemplateFactory(body_zh_hans="")
    preview = services.render_for_ticket(template=template, ticket=zh_ticket, agent=agent)
    assert preview.language == "en"
    assert preview.fell_back
    assert preview.rendered.text.startswith("Hi 林伟")


def test_the_preview_shows_missing_values_instead_of_blanks(zh_ticket, agent):
    template = ReplyTemplateFactory(body_zh_hans="运单号：{{tracking_number}}")
    preview = services.render_for_ticket(template=template, ticket=zh_ticket, agent=agent)
    assert preview.rendered.text == "运单号：{{tracking_number}}"
    assert preview.rendered.missing == ["tracking_number"]


def test_inserting_a_template_counts_one_use(zh_ticket, agent):
    template = ReplyTemplateFactory()
    services.insert_template(template=template, ticket=zh_ticket, agent=agent)
    services.insert_template(template=template, ticket=zh_ticket, agent=agent)
    template.refresh_from_db()
    assert template.usage_count == 2
    assert template.last_used_at is not None


def test_previewing_does_not_count_as_a_use(zh_ticket, agent):
    template = ReplyTemplateFactory()
    services.render_for_ticket(template=template, ticket=zh_ticket, agent=agent)
    template.refresh_from_db()
    assert template.usage_count == 0


def test_a_macro_preview_lists_the_changes_and_changes_nothing(agent):
    team = TeamFactory(name="Escalations")
    ticket = ticket_for_replies(TicketFactory(status=Status.OPEN).pk)
    macro = MacroFactory(set_status=Status.PENDING, set_priority=Priority.HIGH, set_team=team,
                         add_tags="damaged, replacement", assign_to_me=True)
    result = services.preview_macro(macro=macro, ticket=ticket, agent=agent)
    assert [(c.label, c.old, c.new) for c in result.changes] == [
        ("Status", "Open", "Pending"), ("Priority", "Normal", "High"),
        ("Team", "—", "Escalations"), ("Tags", "—", "damaged, replacement"),
        ("Assignee", "—", "Ann")]
    assert result.reply.rendered.text.startswith("Hi ")
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.priority, fresh.team_id, fresh.assignee_id) == (
        Status.OPEN, Priority.NORMAL, None, None)
    assert not fresh.tags.exists()


def test_applying_a_macro_changes_the_fields_through_the_ticket_services(agent):
    team = TeamFactory(name="Escalations")
    team.members.add(agent)
    ticket = ticket_for_replies(TicketFactory(status=Status.OPEN).pk)
    macro = MacroFactory(set_status=Status.PENDING, set_priority=Priority.HIGH, set_team=team,
                         add_tags="damaged, replacement", assign_to_me=True)
    result = services.apply_macro(macro=macro, ticket=ticket, agent=agent)
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.priority, fresh.team, fresh.assignee) == (
        Status.PENDING, Priority.HIGH, team, agent)
    assert sorted(fresh.tags.names()) == ["damaged", "replacement"]
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds.count(TicketEvent.Kind.STATUS) == 1 and kinds.count(TicketEvent.Kind.ASSIGNED) == 2
    macro_event = TicketEvent.objects.filter(ticket=ticket, data__macro=macro.name).get()
    assert macro_event.actor == agent
    assert result.reply is not None
    macro.refresh_from_db()
    macro.template.refresh_from_db()
    assert macro.usage_count == 1 and macro.template.usage_count == 1


def test_a_macro_never_sends_its_reply(agent):
    ticket = ticket_for_replies(TicketFactory().pk)
    services.apply_macro(macro=MacroFactory(set_status=Status.PENDING), ticket=ticket,
                         agent=agent)
    assert not Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND).exists()


def test_applying_a_macro_twice_changes_nothing_the_second_time(agent):
    ticket = ticket_for_replies(TicketFactory(status=Status.OPEN).pk)
    macro = MacroFactory(set_status=Status.PENDING, add_tags="refund")
    services.apply_macro(macro=macro, ticket=ticket, agent=agent)
    events = TicketEvent.objects.filter(ticket=ticket).count()
    result = services.apply_macro(macro=macro, ticket=ticket_for_replies(ticket.pk), agent=agent)
    assert result.changes == []
    # Only the "macro applied" event is new: no status change, no duplicate tag event.
    assert TicketEvent.objects.filter(ticket=ticket).count() == events + 1


def test_sending_a_reply_with_a_fill_in_left_is_refused(agent):
    ticket = TicketFactory()
    with pytest.raises(ReplyNotReady) as refused:
        services.send_reply(ticket=ticket, author=agent, body_text="It fits [size] well.")
    assert refused.value.problems == ["Complete the fill-in [size] before sending."]
    assert not Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND).exists()


def test_even_a_direct_reply_through_the_ticket_service_is_refused_unfinished(agent):
    ticket = TicketFactory()
    with pytest.raises(ReplyNotReady) as refused:
        ticket_services.reply(ticket=ticket, author=agent, body_text="Order {{order_number}}")
    assert refused.value.problems == [
        "{{order_number}} has no value for this ticket: type the value in or remove it."]
    assert not Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND).exists()


def test_placeholders_the_agent_typed_are_filled_when_sending(agent):
    customer = CustomerFactory(name="Lin Wei")
    ticket = TicketFactory(customer=customer,
                           order=OrderFactory(customer=customer, number="10042"))
    message = services.send_reply(ticket=ticket, author=agent,
                                  body_text="Hi {{customer_name}}, #{{ order_number }} is packed.")
    assert message.body_text == "Hi Lin Wei, #10042 is packed."


def test_a_finished_reply_is_sent(agent):
    ticket = TicketFactory()
    message = services.send_reply(ticket=ticket, author=agent, body_text="All done, thanks!",
                                  set_status=Status.SOLVED)
    assert message.direction == Direction.OUTBOUND
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SOLVED


VALUES = {"category": "greeting", "name": "My hello", "name_zh_hans": "",
          "body_en": "Hi {{customer_name}}!", "body_zh_hans": "", "tags": "Hello, hello ,hi"}


def test_an_agent_saves_a_personal_template_and_it_is_audited(agent):
    template = services.save_personal_template(owner=agent, values=VALUES)
    assert template.owner == agent and template.tags == "hello, hi"
    services.save_personal_template(owner=agent, values={**VALUES, "body_en": "Hello!"},
                                    template=template)
    entries = list(AuditEntry.objects.filter(target_id=str(template.pk)).order_by("id"))
    assert [e.action for e in entries] == ["replies.template.created", "replies.template.saved"]
    assert entries[1].before == {"body_en": "Hi {{customer_name}}!"}
    assert entries[1].after == {"body_en": "Hello!"}
    assert entries[1].actor == agent


def test_a_personal_template_with_an_unknown_placeholder_is_refused(agent):
    with pytest.raises(services.InvalidTemplate) as refused:
        services.save_personal_template(owner=agent, values={**VALUES,
                                                             "body_en": "{{ customer.email }}"})
    assert refused.value.problems[0].startswith("Unknown placeholder {{ customer.email }}")
    assert not ReplyTemplate.objects.filter(owner=agent).exists()


def test_nobody_edits_another_agents_template(agent, other_agent):
    template = services.save_personal_template(owner=agent, values=VALUES)
    with pytest.raises(PermissionError):
        services.save_personal_template(owner=other_agent, values=VALUES, template=template)
    with pytest.raises(PermissionError):
        services.delete_personal_template(owner=other_agent, template=template)


def test_deleting_a_template_a_macro_uses_archives_it(agent):
    template = services.save_personal_template(owner=agent, values=VALUES)
    Macro.objects.create(name="Mine", template=template, owner=agent, set_status=Status.PENDING)
    services.delete_personal_template(owner=agent, template=template)
    template.refresh_from_db()
    assert template.is_active is False
    assert AuditEntry.objects.filter(action="replies.template.deleted").exists()
