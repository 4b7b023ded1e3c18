"""The incremental refresh: what changed since the watermark, and only the days it touches."""

from reports import services, tasks
from reports.models import RefreshState, Rollup, TicketFact
from tickets import services as ticket_services
from tickets.models import Status

from .conftest import NOW, at, sh


def test_the_refresh_picks_up_changes_after_its_watermark(refreshed):
    state = RefreshState.objects.get(name="facts")
    assert state.last_event_id > 0 and state.refreshed_at == NOW
    with at(sh(4, 12, 30)):
        ticket_services.reply(ticket=refreshed.f, author=refreshed.ann, body_text="On its way",
                              set_status=Status.SOLVED, at=sh(4, 12, 30))
    result = services.refresh_changed(now=sh(4, 12, 31))
    assert result.tickets >= 1
    fact = TicketFact.objects.get(ticket=refreshed.f)
    assert fact.status == Status.SOLVED and fact.first_response == "breached"
    assert fact.resolved_day == sh(4).date()


def test_only_the_days_whose_sums_changed_are_rebuilt(refreshed):
    before = set(Rollup.objects.filter(grain="day").values_list("pk", flat=True))
    result = services.refresh_tickets(ticket_ids=[refreshed.a.pk], now=NOW)
    assert result.days == 0                                  # nothing changed
    assert set(Rollup.objects.filter(grain="day").values_list("pk", flat=True)) == before
    with at(sh(4, 13)):
        ticket_services.assign(ticket=refreshed.e, agent=refreshed.bo, by=refreshed.bo,
                               at=sh(4, 13))
    assert services.refresh_tickets(ticket_ids=[refreshed.e.pk], now=NOW).days == 1


def test_running_the_refresh_twice_changes_nothing(refreshed):
    rows = sorted(Rollup.objects.values_list("grain", "start", "side", "filter_dim",
                                             "filter_value", "dim", "value", "created"))
    services.refresh_changed(now=NOW)
    services.refresh_changed(now=NOW)
    assert sorted(Rollup.objects.values_list("grain", "start", "side", "filter_dim",
                                             "filter_value", "dim", "value", "created")) == rows


def test_the_refresh_task_calls_the_service(week):
    assert tasks.refresh() == {"tickets": 6, "days": 3}
    assert TicketFact.objects.count() == 6


def test_a_deleted_ticket_leaves_the_reports_at_the_next_rebuild(refreshed):
    from tickets.models import Ticket

    Ticket.objects.filter(pk=refreshed.f.pk).delete()
    services.rebuild(now=NOW)
    assert not TicketFact.objects.filter(ticket_id=refreshed.f.pk).exists()
    total = Rollup.objects.get(grain="day", start=sh(4).date(), side="created", filter_dim="",
                               dim="total")
    assert total.created == 2


def test_the_rebuild_command(refreshed):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("rebuild_reports", stdout=out)
    assert "Reports rebuilt from 6 tickets." in out.getvalue()
    call_command("rebuild_reports", "--rollup-only", stdout=out)
    assert "Rollup rebuilt for 3 days." in out.getvalue()
