"""The ticket resource carries the SLA engine's targets (issue 4's API contract)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from tests.factories import CustomerFactory
from tickets import services

SHANGHAI = ZoneInfo("Asia/Shanghai")


@time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_the_ticket_resource_shows_due_times_policy_and_breach(client, agent):
    ticket = services.open_ticket(customer=CustomerFactory(), subject="Teapot arrived cracked",
                                  body_text="It is broken", category="damaged",
                                  priority="urgent")
    client.force_login(agent)
    data = client.get(f"/api/v1/tickets/{ticket.pk}/").json()
    for field in ("created_at", "status", "first_responded_at", "first_response_due_at",
                  "next_response_due_at", "resolution_due_at", "sla_policy", "sla_breached"):
        assert field in data
    due = datetime.fromisoformat(data["first_response_due_at"].replace("Z", "+00:00"))
    assert due.astimezone(SHANGHAI) == datetime(2026, 11, 23, 10, 15, tzinfo=SHANGHAI)
    assert data["sla_policy"]
    assert data["sla_breached"] is False
    assert data["first_responded_at"] is None


def test_the_ticket_list_query_count_does_not_grow_with_tickets(client, agent,
                                                                django_assert_max_num_queries):
    customer = CustomerFactory()
    client.force_login(agent)
    services.open_ticket(customer=customer, subject="One", body_text="x")
    client.get("/api/v1/tickets/")
    for n in range(15):
        services.open_ticket(customer=customer, subject=f"More {n}", body_text="x")
    with django_assert_max_num_queries(14):
        assert len(client.get("/api/v1/tickets/").json()["results"]) == 16
