from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CustomerFactory,
    MessageFactory,
    OrderFactory,
    ShipmentFactory,
    TicketFactory,
    UserFactory,
    delayed_shipment,
    tier,
)
from tickets import presence, services
from tickets.models import Direction, Message, SavedView, Status, Ticket

GET_PAGES = ["tickets:inbox", "tickets:inbox_rows", "tickets:inbox_counts", "tickets:new",
             "tickets:new_customers", "tickets:new_orders"]


@pytest.fixture
def ticket(db):
    order = OrderFactory(number="10042", customer__name="Lin Wei",
                         customer__email="lin.wei@example.cn")
    ShipmentFactory(order=order, tracking_number="SF123456")
    return services.open_ticket(customer=order.customer, order=order, subject="Parcel stuck",
                                body_text="Where is my parcel?")


# --- Who may ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", GET_PAGES)
def test_pages_send_anonymous_visitors_to_log_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", GET_PAGES)
def test_pages_refuse_users_without_a_role(client, outsider, name):
    client.force_login(outsider)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name,method", [
    ("tickets:detail", "get"), ("tickets:timeline", "get"), ("tickets:send", "post"),
    ("tickets:preview", "post"), ("tickets:presence", "post"), ("tickets:claim", "post"),
    ("tickets:update_fields", "post"),
])
def test_ticket_pages_refuse_users_without_a_role(client, outsider, ticket, name, method):
    client.force_login(outsider)
    response = getattr(client, method)(reverse(name, args=[ticket.pk]))
    assert response.status_code == 403
    client.logout()
    assert getattr(client, method)(reverse(name, args=[ticket.pk])).status_code == 302


def test_posting_actions_refuse_users_without_a_role(client, outsider, ticket):
    client.force_login(outsider)
    assert client.post(reverse("tickets:bulk"), {"action": "status", "ids": [ticket.pk],
                                                 "status": "solved"}).status_code == 403
    assert client.post(reverse("tickets:save_view"), {"name": "x"}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


@pytest.mark.parametrize("user", ["agent", "manager", "admin_user"])
def test_every_staff_role_works_in_the_inbox(client, request, ticket, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(reverse("tickets:inbox")).status_code == 200
    assert client.get(reverse("tickets:detail", args=[ticket.pk])).status_code == 200


# --- The inbox ----------------------------------------------------------------------------

def test_the_inbox_lists_open_tickets_with_customer_tier_channel_and_sla(client, agent):
    customer = CustomerFactory(name="Lin Wei", tier=tier("Gold"))
    TicketFactory(customer=customer, subject="Parcel stuck", channel="chat",
                  sla_due_at=timezone.now() - timedelta(minutes=12), assignee=agent)
    TicketFactory(subject="Already solved", status="solved")
    client.force_login(agent)
    html = client.get(reverse("tickets:inbox")).content.decode()
    assert "Parcel stuck" in html and "Lin Wei" in html and "Gold" in html
    assert "bi-chat-dots" in html and "sla-breached" in html and "-0:1" in html
    assert "Already solved" not in html


def test_inbox_rows_show_the_tier_in_the_agents_language_and_the_assignee_by_name(
        client, agent, other_agent, settings):
    TicketFactory(customer=CustomerFactory(name="<i>Zhao</i>", tier=tier("Gold")),
                  subject="Teapot <b>cracked</b>", assignee=other_agent)
    TicketFactory(customer=CustomerFactory(tier=None), subject="No tier yet")
    client.force_login(agent)
    html = client.get(reverse("tickets:inbox_rows")).content.decode()
    assert "Bo Chen" in html and ">Gold</span>" in html
    assert "&lt;i&gt;Zhao&lt;/i&gt;" in html and "Teapot &lt;b&gt;cracked&lt;/b&gt;" in html
    assert "<b>cracked" not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(reverse("tickets:inbox_rows")).content.decode()
    assert f">{tier('Gold').name_zh_hans}</span>" in html and ">Gold</span>" not in html


def test_the_inbox_search_finds_by_order_number(client, agent, ticket):
    TicketFactory(subject="Something else")
    client.force_login(agent)
    html = client.get(reverse("tickets:inbox"), {"q": "10042"}).content.decode()
    assert "Parcel stuck" in html and "Something else" not in html


def test_the_rows_partial_is_the_table_alone_and_polls_itself(client, agent, ticket):
    client.force_login(agent)
    html = client.get(reverse("tickets:inbox_rows"), {"view": "open"}).content.decode()
    assert html.lstrip().startswith('<div id="inbox-list"')
    assert "hx-trigger=\"every" in html and "Parcel stuck" in html
    assert "<nav" not in html


def test_a_later_page_does_not_poll(client, agent):
    for _ in range(3):
        TicketFactory()
    client.force_login(agent)
    from tickets import selectors
    first = selectors.inbox_page(selectors.InboxQuery(), user=agent, limit=2)
    html = client.get(reverse("tickets:inbox_rows"), {"cursor": first.next_cursor}).content
    assert b"hx-trigger" not in html


def test_the_counts_partial_shows_the_view_counts(client, agent, ticket):
    TicketFactory(sla_due_at=timezone.now() - timedelta(hours=1))
    client.force_login(agent)
    html = client.get(reverse("tickets:inbox_counts"), {"view": "overdue"}).content.decode()
    assert 'data-count="open">2<' in html and 'data-count="overdue">1<' in html


def test_the_delayed_orders_view_is_in_the_inbox_with_its_count(client, agent, ticket):
    delayed = delayed_shipment()
    asking = TicketFactory(customer=delayed.customer, order=delayed.order,
                           subject="Where is it?")
    client.force_login(agent)

    page = client.get(reverse("tickets:inbox"), {"view": "delayed"}).content.decode()
    counts = client.get(reverse("tickets:inbox_counts"),
                        {"view": "delayed"}).content.decode()

    assert "Delayed orders" in page and asking.subject in page
    assert "Parcel stuck" not in page  # its order is on time
    assert 'href="?view=delayed"' in counts and 'data-count="delayed">2<' in counts


def test_invalid_filters_are_ignored_not_an_error(client, agent, ticket):
    client.force_login(agent)
    response = client.get(reverse("tickets:inbox"), {"status": "nonsense", "team": "x",
                                                     "created_from": "yesterday",
                                                     "view": "bogus", "cursor": "%%%"})
    assert response.status_code == 200


def test_bulk_assign_status_priority_and_tag(client, agent, other_agent):
    tickets = [TicketFactory(), TicketFactory()]
    ids = [t.pk for t in tickets]
    client.force_login(agent)
    url = reverse("tickets:bulk")
    client.post(url, {"action": "assign", "ids": ids, "assignee": "me"})
    assert set(Ticket.objects.filter(pk__in=ids).values_list("assignee", flat=True)) == {agent.pk}
    client.post(url, {"action": "assign", "ids": ids, "assignee": str(other_agent.pk)})
    client.post(url, {"action": "status", "ids": ids, "status": "pending"})
    client.post(url, {"action": "priority", "ids": ids, "priority": "high"})
    client.post(url, {"action": "tag", "ids": ids, "tag": "customs"})
    for t in Ticket.objects.filter(pk__in=ids):
        assert (t.assignee, t.status, t.priority) == (other_agent, "pending", "high")
        assert list(t.tags.names()) == ["customs"]


def test_bulk_merge_folds_duplicates_into_the_oldest(client, agent):
    customer = CustomerFactory()
    older = services.open_ticket(customer=customer, subject="Where is it", body_text="1",
                                 at=timezone.now() - timedelta(hours=1))
    newer = services.open_ticket(customer=customer, subject="Where is it??", body_text="2")
    client.force_login(agent)
    response = client.post(reverse("tickets:bulk"),
                           {"action": "merge", "ids": [newer.pk, older.pk]}, follow=True)
    assert f"#{older.pk}" in response.content.decode()
    assert older.messages.count() == 2
    newer.refresh_from_db()
    assert newer.status == Status.CLOSED


def test_bulk_merge_of_different_customers_changes_nothing(client, agent):
    a, b = TicketFactory(), TicketFactory()
    MessageFactory(ticket=b)
    client.force_login(agent)
    response = client.post(reverse("tickets:bulk"), {"action": "merge", "ids": [a.pk, b.pk]},
                           follow=True)
    assert "same customer" in response.content.decode()
    assert b.messages.count() == 1


def test_a_bulk_action_without_a_value_is_refused(client, agent, ticket):
    client.force_login(agent)
    response = client.post(reverse("tickets:bulk"), {"action": "status", "ids": [ticket.pk]},
                           follow=True)
    assert "not applied" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_an_agent_saves_and_deletes_their_own_view(client, agent, other_agent):
    client.force_login(agent)
    client.post(reverse("tickets:save_view"), {"name": "Urgent chats",
                                               "query": "view=open&priority=urgent"})
    saved = SavedView.objects.get(owner=agent)
    assert saved.query == "view=open&priority=urgent"
    html = client.get(reverse("tickets:inbox")).content.decode()
    assert "Urgent chats" in html and "?view=open&amp;priority=urgent" in html
    client.force_login(other_agent)
    assert "Urgent chats" not in client.get(reverse("tickets:inbox")).content.decode()
    assert client.post(reverse("tickets:delete_view", args=[saved.pk])).status_code == 404
    client.force_login(agent)
    client.post(reverse("tickets:delete_view", args=[saved.pk]))
    assert not SavedView.objects.exists()


def test_the_inbox_query_count_does_not_grow_with_tickets(client, agent, team,
                                                          django_assert_max_num_queries):
    client.force_login(agent)

    def add(n):
        for i in range(n):
            ticket = TicketFactory(customer=CustomerFactory(tier=tier("Silver")), team=team,
                                   assignee=agent, sla_due_at=timezone.now() + timedelta(i))
            ticket.tags.add("a", "b")

    add(2)
    url = reverse("tickets:inbox")
    with django_assert_max_num_queries(50) as few:
        client.get(url)
    add(60)
    for params in ({}, {"q": "Question"}, {"view": "vip", "priority": "normal"}):
        with django_assert_max_num_queries(len(few) + 1 if params.get("q") else len(few)):
            response = client.get(url, params)
        assert response.status_code == 200
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("tickets:inbox_rows"))
    with django_assert_max_num_queries(20):
        client.get(reverse("tickets:inbox_counts"))


# --- The ticket workspace -------------------------------------------------------------------

def test_the_workspace_shows_messages_notes_and_events_in_order(client, agent, ticket):
    services.add_note(ticket=ticket, author=agent, body_text="Carrier says customs.")
    services.change_status(ticket=ticket, status="pending", by=agent)
    client.force_login(agent)
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert html.index("Where is my parcel?") < html.index("Carrier says customs.") \
        < html.index("changed the status from New to Pending")
    assert "Internal note · never sent" in html
    assert 'id="sla-strip"' in html
    assert reverse("customers:sidebar", args=[ticket.customer_id]) in html


def test_the_workspace_menus_show_the_ticket_fields_and_every_assignable_person(
        client, agent, other_agent, manager, outsider, ticket, team, other_team):
    services.assign(ticket=ticket, agent=other_agent, by=agent)
    ticket.team = other_team
    ticket.save(update_fields=["team"])
    UserFactory(username="sam", first_name="<b>Sam</b>", last_name="", role="agent")
    ticket.tags.add("refund-asked", "<script>")
    client.force_login(agent)
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert ">refund-asked</span>" in html and ">&lt;script&gt;</span>" in html
    menu = html[html.index('id="field-assignee"'):]
    menu = menu[:menu.index("</select>")]
    assert '<option value="">Unassigned</option>' in menu
    assert f'<option value="{other_agent.pk}" selected>Bo Chen</option>' in menu
    assert f'<option value="{agent.pk}">Ann Agent</option>' in menu
    assert f'<option value="{manager.pk}">Mei Manager</option>' in menu
    assert "&lt;b&gt;Sam&lt;/b&gt;" in menu and "<b>" not in menu
    assert "Carl" not in menu
    teams = html[html.index('id="field-team"'):]
    teams = teams[:teams.index("</select>")]
    assert f'<option value="{other_team.pk}" selected>Returns &amp; refunds</option>' in teams
    assert f'<option value="{team.pk}">Orders &amp; shipping</option>' in teams
    assert f'<option value="{ticket.status}" selected>' in html


def test_the_workspace_query_count_does_not_grow_with_the_conversation(
        client, agent, ticket, django_assert_max_num_queries):
    client.force_login(agent)
    url = reverse("tickets:detail", args=[ticket.pk])
    with django_assert_max_num_queries(50) as few:
        client.get(url)
    for i in range(30):
        services.reply(ticket=ticket, author=agent, body_text=f"Reply {i}")
        services.add_note(ticket=ticket, author=agent, body_text=f"Note {i}")
        services.change_status(ticket=ticket, status="pending" if i % 2 else "open", by=agent)
        TicketFactory(customer=ticket.customer)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_an_unknown_ticket_is_404(client, agent):
    client.force_login(agent)
    assert client.get(reverse("tickets:detail", args=[999999])).status_code == 404


def send(client, ticket, body, action="reply", seen=None, htmx=True):
    data = {"body": body, "send": action}
    data["seen_message_id"] = seen if seen is not None else \
        ticket.messages.order_by("-pk").values_list("pk", flat=True).first()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("tickets:send", args=[ticket.pk]), data, **headers)


def test_a_reply_with_placeholders_is_stored_queued_and_filled(client, agent, ticket,
                                                                django_capture_on_commit_callbacks):
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = send(client, ticket, "Hi {{customer_name}}, {{tracking_number}} is moving.",
                        action="pending")
    message = ticket.messages.get(direction=Direction.OUTBOUND)
    assert message.body_text == "Hi Lin Wei, SF123456 is moving."
    assert message.delivery_status == "queued" and len(callbacks) == 1
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert "Hi Lin Wei, SF123456 is moving." in response.content.decode()


def test_a_reply_with_a_missing_placeholder_is_not_sent(client, agent):
    ticket = services.open_ticket(customer=CustomerFactory(), subject="No order", body_text="?")
    client.force_login(agent)
    response = send(client, ticket, "Your order {{order_number}} ships today.")
    html = response.content.decode()
    assert "{{order_number}} has no value for this ticket" in html
    assert "Your order {{order_number}} ships today." in html  # the draft is kept
    assert not ticket.messages.filter(direction=Direction.OUTBOUND).exists()


def test_a_reply_with_a_fill_in_left_is_refused_but_a_note_may_keep_it(client, agent, ticket):
    client.force_login(agent)
    html = send(client, ticket, "The teapot is [specific concern].").content.decode()
    assert "Complete the fill-in [specific concern] before sending." in html
    assert not ticket.messages.filter(direction=Direction.OUTBOUND).exists()
    send(client, ticket, "Ask about [specific concern]", action="note")
    assert ticket.messages.get(direction=Direction.NOTE).body_text == (
        "Ask about [specific concern]")


def test_a_note_is_stored_and_never_queued(client, agent, ticket):
    client.force_login(agent)
    send(client, ticket, "Customs hold, check tomorrow", action="note")
    note = ticket.messages.get(direction=Direction.NOTE)
    assert note.delivery_status == "" and note.author == agent


def test_a_stale_reply_is_held_back_and_the_new_message_shown(client, agent, ticket):
    seen = ticket.messages.get().pk
    services.receive_message(ticket=ticket, body_text="Actually, it just arrived!")
    client.force_login(agent)
    response = send(client, ticket, "Sorry, I'll chase the carrier.", seen=seen)
    html = response.content.decode()
    assert "Not sent" in html and "Actually, it just arrived!" in html
    assert "Sorry, I&#x27;ll chase the carrier." in html  # the draft is kept
    assert not ticket.messages.filter(direction=Direction.OUTBOUND).exists()
    newest = ticket.messages.order_by("-pk").first().pk
    assert f'value="{newest}"' in html  # sending again now goes through
    send(client, ticket, "Great news, enjoy!", seen=newest)
    assert ticket.messages.filter(direction=Direction.OUTBOUND).count() == 1


def test_sending_without_htmx_redirects_back_to_the_ticket(client, agent, ticket):
    client.force_login(agent)
    response = send(client, ticket, "Thanks!", htmx=False)
    assert response.status_code == 302 and response["Location"].endswith(f"/{ticket.pk}/")


def test_the_preview_fills_placeholders_and_marks_what_blocks_sending(client, agent, ticket):
    client.force_login(agent)
    html = client.post(reverse("tickets:preview", args=[ticket.pk]),
                       {"body": "Hi {{customer_name}}, about [size]: {{nickname}}"}
                       ).content.decode()
    assert '<mark class="ph ph-value" title="customer_name">Lin Wei</mark>' in html
    assert '<mark class="ph ph-fill"' in html and "[size]</mark>" in html
    assert "Complete the fill-in [size] before sending." in html
    assert "Remove {{nickname}}: it is not a placeholder Kefu can fill." in html


def test_the_composer_offers_the_reply_template_search(client, agent, ticket):
    client.force_login(agent)
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'id="replies-widget" data-target="#composer-body"' in html
    assert reverse("replies:search", args=[ticket.pk]) in html
    assert "js/replies.js" in html


def test_the_heartbeat_shows_who_else_is_viewing_or_typing(client, agent, other_agent, ticket):
    presence.beat(ticket_id=ticket.pk, user=other_agent)
    client.force_login(agent)
    url = reverse("tickets:presence", args=[ticket.pk])
    assert "Bo Chen is also viewing this ticket" in client.post(url).content.decode()
    presence.beat(ticket_id=ticket.pk, user=other_agent, typing=True)
    assert "Bo Chen is typing a reply" in client.post(url).content.decode()


def test_the_heartbeat_tells_about_messages_that_arrived_since_opening(client, agent, ticket):
    seen = ticket.messages.get().pk
    services.receive_message(ticket=ticket, body_text="Hello again")
    client.force_login(agent)
    html = client.post(reverse("tickets:presence", args=[ticket.pk]),
                       {"seen_message_id": seen}).content.decode()
    assert "1 new message since you opened this ticket" in html


def test_the_timeline_refresh_moves_the_seen_marker(client, agent, ticket):
    newer = services.receive_message(ticket=ticket, body_text="Hello again")
    client.force_login(agent)
    html = client.get(reverse("tickets:timeline", args=[ticket.pk])).content.decode()
    assert "Hello again" in html and f'value="{newer.pk}" hx-swap-oob="true"' in html


def test_take_it_claims_and_a_second_claim_is_told_someone_was_first(client, agent,
                                                                      other_agent, ticket):
    client.force_login(agent)
    client.post(reverse("tickets:claim", args=[ticket.pk]))
    client.force_login(other_agent)
    response = client.post(reverse("tickets:claim", args=[ticket.pk]), follow=True)
    assert "Someone else took this ticket first" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_header_fields_change_only_what_changed(client, agent, other_agent, team, ticket):
    client.force_login(agent)
    url = reverse("tickets:update_fields", args=[ticket.pk])
    response = client.post(url, {"status": "new", "priority": "urgent", "team": "",
                                 "assignee": ""}, HTTP_HX_REQUEST="true",
                           HTTP_HX_TRIGGER_NAME="priority")
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"
    assert ticket.events.filter(kind="assigned").count() == 0
    client.post(url, {"team": team.pk, "assignee": other_agent.pk, "status": "open"})
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee, ticket.status) == (team, other_agent, "open")
    assert client.post(url, {"assignee": "999999"}).status_code == 400


# --- New tickets on a customer's behalf -----------------------------------------------------

def test_an_agent_opens_a_ticket_for_a_phone_call(client, agent):
    order = OrderFactory(number="10077")
    client.force_login(agent)
    response = client.post(reverse("tickets:new"), {
        "customer": order.customer.pk, "order": order.pk, "channel": "phone",
        "subject": "Called about the lid", "body": "Lid chipped.", "category": "damaged",
        "priority": "high", "assign_to_me": "on"})
    ticket = Ticket.objects.get(subject="Called about the lid")
    assert response.status_code == 302 and response["Location"].endswith(f"/{ticket.pk}/")
    assert (ticket.channel, ticket.order, ticket.assignee) == ("phone", order, agent)
    assert Message.objects.get(ticket=ticket).direction == Direction.INBOUND


def test_a_new_ticket_needs_a_customer_and_an_order_of_theirs(client, agent):
    other_order = OrderFactory()
    customer = CustomerFactory()
    client.force_login(agent)
    response = client.post(reverse("tickets:new"), {"subject": "x", "body": "y",
                                                    "channel": "phone"})
    assert "Pick a customer." in response.content.decode()
    response = client.post(reverse("tickets:new"), {
        "customer": customer.pk, "order": other_order.pk, "channel": "phone", "subject": "x",
        "body": "y", "category": "other", "priority": "normal"})
    assert response.status_code == 200 and not Ticket.objects.exists()


def test_the_customer_picker_and_the_order_list(client, agent):
    order = OrderFactory(customer__name="Lin Wei", number="10099")
    client.force_login(agent)
    html = client.get(reverse("tickets:new_customers"), {"q": "Lin"}).content.decode()
    assert "Lin Wei" in html and f'data-customer="{order.customer.pk}"' in html
    html = client.get(reverse("tickets:new_orders"), {"customer": order.customer.pk}).content
    assert b"#10099" in html
    html = client.get(reverse("tickets:new"), {"customer": order.customer.pk}).content.decode()
    assert "Lin Wei" in html and "#10099" in html


def test_without_htmx_a_refused_reply_shows_the_whole_page_with_the_reason(client, agent):
    ticket = services.open_ticket(customer=CustomerFactory(), subject="No order", body_text="?")
    client.force_login(agent)
    response = send(client, ticket, "Order {{order_number}}", htmx=False)
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html and "{{order_number}} has no value for this ticket" in html


def test_the_filter_panel_loads_with_the_current_choices_selected(client, agent, team):
    client.force_login(agent)
    html = client.get(reverse("tickets:inbox_filters"),
                      {"view": "vip", "priority": "urgent", "team": team.pk}).content.decode()
    assert '<option value="urgent" selected>' in html
    assert f'<option value="{team.pk}" selected>' in html
    assert 'name="view" value="vip"' in html
    page = client.get(reverse("tickets:inbox"), {"priority": "urgent"}).content.decode()
    assert '<option value="urgent" selected>' in page  # active filters show at once
    page = client.get(reverse("tickets:inbox"), {"priority": ["urgent", "high"]}).content.decode()
    assert '<option value="urgent" selected>' in page and '<option value="high" selected>' in page
    assert '<option value="low">' in page
