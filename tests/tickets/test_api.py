import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import CustomerFactory, OrderFactory, ShipmentFactory, TicketFactory
from tickets import services
from tickets.models import Direction, Message, Ticket


@pytest.fixture
def api(agent):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=agent).key}")
    return client


@pytest.fixture
def ticket(db):
    order = OrderFactory(number="10042", customer__name="Lin Wei")
    ShipmentFactory(order=order, tracking_number="SF123456")
    return services.open_ticket(customer=order.customer, order=order, subject="Parcel stuck",
                                body_text="Where is my parcel?")


def test_the_api_refuses_anonymous_callers_and_users_without_a_role(db, outsider, ticket):
    client = APIClient()
    assert client.get("/api/v1/tickets/").status_code == 401
    client.force_authenticate(outsider)
    assert client.get("/api/v1/tickets/").status_code == 403
    assert client.post(f"/api/v1/tickets/{ticket.pk}/messages/",
                       {"body_text": "x"}).status_code == 403
    assert not ticket.messages.filter(direction=Direction.OUTBOUND).exists()


def test_a_ticket_is_created_with_its_first_message_for_a_customer_by_id(api, agent):
    customer = CustomerFactory()
    response = api.post("/api/v1/tickets/", {
        "customer": customer.pk, "subject": "Wrong size", "body_text": "I got an XL.",
        "channel": "web", "category": "wrong_item"}, format="json")
    assert response.status_code == 201, response.data
    ticket = Ticket.objects.get(pk=response.data["id"])
    assert (ticket.customer, ticket.channel, ticket.category) == (customer, "web", "wrong_item")
    assert ticket.messages.get().body_text == "I got an XL."
    assert response.data["customer_name"] == customer.name and response.data["status"] == "new"


def test_a_ticket_for_an_unknown_email_creates_the_customer_once(api):
    payload = {"customer_email": "New@Example.com", "customer_name": "New Person",
               "subject": "Hello", "body_text": "Hi"}
    first = api.post("/api/v1/tickets/", payload, format="json")
    second = api.post("/api/v1/tickets/", payload, format="json")
    assert first.status_code == second.status_code == 201
    assert first.data["customer"] == second.data["customer"]
    assert first.data["customer_name"] == "New Person"


@pytest.mark.parametrize("payload,field", [
    ({"subject": "x", "body_text": "y"}, "non_field_errors"),
    ({"customer": 999999, "subject": "x", "body_text": "y"}, "customer"),
    ({"customer_email": "a@b.cn", "subject": "x"}, "body_text"),
    ({"customer_email": "not-an-email", "subject": "x", "body_text": "y"}, "customer_email"),
    ({"customer_email": "a@b.cn", "subject": "x", "body_text": "y", "channel": "fax"},
     "channel"),
])
def test_bad_ticket_input_gets_a_clear_error_and_stores_nothing(api, payload, field):
    response = api.post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 400 and field in response.data
    assert not Ticket.objects.exists()


def test_a_customer_id_and_an_email_together_are_refused(api):
    response = api.post("/api/v1/tickets/", {"customer": CustomerFactory().pk,
                                             "customer_email": "a@b.cn", "subject": "x",
                                             "body_text": "y"}, format="json")
    assert response.status_code == 400 and "exactly one" in str(response.data)


def test_an_order_of_another_customer_is_refused(api):
    customer, order = CustomerFactory(), OrderFactory()
    response = api.post("/api/v1/tickets/", {"customer": customer.pk, "order": order.pk,
                                             "subject": "x", "body_text": "y"}, format="json")
    assert response.status_code == 400 and "order" in response.data


def test_tickets_are_listed_newest_first_and_filtered(api, agent):
    customer = CustomerFactory()
    mine = TicketFactory(customer=customer, assignee=agent, channel="chat")
    TicketFactory(customer=customer, status="solved")
    TicketFactory(channel="chat")
    ids = lambda **params: [t["id"] for t in api.get("/api/v1/tickets/", params).data["results"]]  # noqa: E731
    assert len(ids()) == 3
    assert set(ids(customer=customer.pk)) == {mine.pk, mine.pk + 1}
    assert ids(customer=customer.pk, status="new") == [mine.pk]
    assert ids(assignee=agent.pk) == [mine.pk]
    assert len(ids(channel="chat")) == 2
    assert api.get("/api/v1/tickets/", {"status": "bogus"}).status_code == 400


def test_the_list_query_count_does_not_grow(api, django_assert_max_num_queries):
    for _ in range(3):
        TicketFactory().tags.add("x")
    with django_assert_max_num_queries(10) as few:
        api.get("/api/v1/tickets/")
    for _ in range(30):
        TicketFactory().tags.add("y")
    with django_assert_max_num_queries(len(few)):
        assert len(api.get("/api/v1/tickets/").data["results"]) == 33


def test_a_reply_over_the_api_is_queued_with_placeholders_filled(api, ticket,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(f"/api/v1/tickets/{ticket.pk}/messages/", {
            "body_text": "Hi {{customer_name}}, {{tracking_number}} is on its way.",
            "set_status": "pending"}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["body_text"] == "Hi Lin Wei, SF123456 is on its way."
    assert response.data["delivery_status"] == "queued" and len(callbacks) == 1
    ticket.refresh_from_db()
    assert ticket.status == "pending"


def test_a_reply_with_an_unfilled_placeholder_is_refused(api):
    ticket = services.open_ticket(customer=CustomerFactory(), subject="x", body_text="y")
    response = api.post(f"/api/v1/tickets/{ticket.pk}/messages/",
                        {"body_text": "Order {{order_number}}"}, format="json")
    assert response.status_code == 400
    assert response.data["body_text"] == [
        "{{order_number}} has no value for this ticket: type the value in or remove it."]
    assert ticket.messages.count() == 1


def test_a_note_over_the_api(api, agent, ticket):
    response = api.post(f"/api/v1/tickets/{ticket.pk}/messages/",
                        {"kind": "note", "body_text": "Customs."}, format="json")
    assert response.status_code == 201 and response.data["direction"] == "note"
    assert response.data["author_name"] == "Ann Agent"


def test_a_stale_reply_over_the_api_is_a_conflict_showing_the_new_message(api, ticket):
    seen = ticket.messages.get().pk
    services.receive_message(ticket=ticket, body_text="Never mind, it came.")
    response = api.post(f"/api/v1/tickets/{ticket.pk}/messages/",
                        {"body_text": "Sorry!", "seen_message_id": seen}, format="json")
    assert response.status_code == 409
    assert response.data["newer"][0]["body_text"] == "Never mind, it came."
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_the_conversation_is_listed_oldest_first(api, agent, ticket):
    services.add_note(ticket=ticket, author=agent, body_text="Note")
    data = api.get(f"/api/v1/tickets/{ticket.pk}/messages/").data["results"]
    assert [m["body_text"] for m in data] == ["Where is my parcel?", "Note"]
    assert api.get("/api/v1/tickets/999999/messages/").status_code == 404
    assert api.get(f"/api/v1/tickets/{ticket.pk}/").data["subject"] == "Parcel stuck"
