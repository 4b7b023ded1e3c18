import threading

import pytest
from django.db import connection

from tests.factories import CustomerFactory, OrderFactory, UserFactory
from tickets import services
from tickets.models import Direction, Message, Status, Ticket, TicketEvent


@pytest.fixture
def ticket(db):
    return services.open_ticket(customer=CustomerFactory(name="Lin Wei"), subject="Parcel stuck",
                                body_text="Where is my parcel?")


def test_claiming_an_unowned_ticket_makes_the_agent_its_owner(ticket, agent):
    services.claim(ticket=ticket, agent=agent)
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    event = ticket.events.get(kind=TicketEvent.Kind.ASSIGNED)
    assert event.data["claimed"] is True and event.actor == agent


def test_claiming_a_ticket_someone_owns_fails_and_keeps_the_owner(ticket, agent, other_agent):
    services.claim(ticket=ticket, agent=other_agent)
    with pytest.raises(services.AlreadyClaimed):
        services.claim(ticket=ticket, agent=agent)
    ticket.refresh_from_db()
    assert ticket.assignee == other_agent


def test_claiming_twice_by_the_owner_is_harmless(ticket, agent):
    services.claim(ticket=ticket, agent=agent)
    services.claim(ticket=ticket, agent=agent)
    assert ticket.events.filter(kind=TicketEvent.Kind.ASSIGNED).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_agents_claiming_at_once_end_with_exactly_one_owner():
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite serialises writers, so there is no race to test.")
    ticket = services.open_ticket(customer=CustomerFactory(), subject="Race", body_text="Hi")
    agents = [UserFactory(username=f"racer{i}", role="agent") for i in range(6)]
    barrier = threading.Barrier(len(agents))
    outcomes = []

    def take(agent):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.claim(ticket=ticket, agent=agent)
            outcomes.append(("won", agent.pk))
        except services.AlreadyClaimed:
            outcomes.append(("lost", agent.pk))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=take, args=(a,)) for a in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [pk for outcome, pk in outcomes if outcome == "won"]
    assert len(winners) == 1 and len(outcomes) == len(agents)
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == winners[0]
    assert TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ASSIGNED).count() == 1


def test_a_reply_after_a_newer_customer_message_is_refused_and_nothing_is_stored(ticket, agent):
    seen = ticket.messages.get().pk
    newer = services.receive_message(ticket=ticket, body_text="Any news?")
    with pytest.raises(services.StaleReply) as error:
        services.reply(ticket=ticket, author=agent, body_text="It ships today.",
                       seen_message_id=seen)
    assert error.value.newer == [newer]
    assert not ticket.messages.filter(direction=Direction.OUTBOUND).exists()


def test_a_reply_after_another_agents_reply_is_refused(ticket, agent, other_agent):
    seen = ticket.messages.get().pk
    services.reply(ticket=ticket, author=other_agent, body_text="On it.")
    with pytest.raises(services.StaleReply):
        services.reply(ticket=ticket, author=agent, body_text="Me too.", seen_message_id=seen)


def test_notes_and_the_agents_own_replies_do_not_make_a_reply_stale(ticket, agent, other_agent):
    seen = ticket.messages.get().pk
    services.add_note(ticket=ticket, author=other_agent, body_text="Customs hold.")
    services.reply(ticket=ticket, author=agent, body_text="First part.", seen_message_id=seen)
    message = services.reply(ticket=ticket, author=agent, body_text="Second part.",
                             seen_message_id=seen)
    assert message.direction == Direction.OUTBOUND


def test_moving_to_a_team_unassigns_an_agent_outside_it(ticket, agent, other_agent, other_team):
    services.assign(ticket=ticket, agent=agent, by=agent)
    services.assign_team(ticket=ticket, team=other_team, by=agent)
    ticket.refresh_from_db()
    assert ticket.team == other_team and ticket.assignee is None


def test_moving_to_a_team_keeps_an_assignee_who_is_a_member(ticket, agent, team):
    services.assign(ticket=ticket, agent=agent, by=agent)
    services.assign_team(ticket=ticket, team=team, by=agent)
    ticket.refresh_from_db()
    assert ticket.team == team and ticket.assignee == agent


def test_changing_the_priority_is_recorded(ticket, agent):
    services.set_priority(ticket=ticket, priority="urgent", by=agent)
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"
    event = ticket.events.get(kind=TicketEvent.Kind.FIELDS)
    assert event.data == {"field": "priority", "old": "normal", "new": "urgent"}


def test_tags_are_added(ticket, agent):
    services.add_tags(ticket=ticket, tags=["customs", " ", "vip"], by=agent)
    assert sorted(ticket.tags.names()) == ["customs", "vip"]


def test_merging_moves_the_messages_and_closes_the_duplicates(agent):
    customer = CustomerFactory()
    first = services.open_ticket(customer=customer, subject="Parcel", body_text="Where?")
    second = services.open_ticket(customer=customer, subject="Parcel!!", body_text="Hello??")
    target = services.merge(target=first, duplicates=[first, second], by=agent)
    assert target.pk == first.pk
    assert list(Message.objects.filter(ticket=first).values_list("body_text", flat=True)) == [
        "Where?", "Hello??"]
    second.refresh_from_db()
    assert second.status == Status.CLOSED
    assert second.events.get(kind=TicketEvent.Kind.MERGED).data == {"into": first.pk}
    assert first.events.get(kind=TicketEvent.Kind.MERGED).data == {"merged": [second.pk]}


def test_tickets_of_different_customers_are_not_merged(ticket, agent):
    other = services.open_ticket(customer=CustomerFactory(), subject="Other", body_text="Hi")
    with pytest.raises(services.CannotMerge):
        services.merge(target=ticket, duplicates=[ticket, other], by=agent)
    assert other.messages.count() == 1


def test_an_agent_opens_a_ticket_for_a_phone_call_and_takes_it(agent, team):
    order = OrderFactory()
    ticket = services.open_ticket_for_customer(
        opened_by=agent, customer=order.customer, order=order, channel="phone",
        subject="Called about the teapot", body="The lid is chipped.", category="damaged",
        priority="high", team=team, assign_to_me=True)
    assert ticket.channel == "phone" and ticket.order == order and ticket.assignee == agent
    assert ticket.messages.get().body_text == "The lid is chipped."
    assert ticket.events.get(kind=TicketEvent.Kind.CREATED).actor == agent


def test_a_customer_is_found_by_email_or_created_once(db):
    existing = CustomerFactory(email="lin@example.cn")
    assert services.customer_for_email(email="LIN@example.cn") == existing
    new = services.customer_for_email(email="new@example.com", name="New Person")
    assert new.name == "New Person" and new.primary_email == "new@example.com"
    assert services.customer_for_email(email="new@example.com") == new
