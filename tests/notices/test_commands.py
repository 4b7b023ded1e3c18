from io import StringIO

import pytest
from django.core.management import call_command

from notices.models import DelayNotice, SweepState

from .conftest import late_shipment, make_shipment

pytestmark = pytest.mark.usefixtures("at_noon")


def test_scan_shipping_delays_runs_the_sweep_once_and_can_write_the_notices(
        db, django_capture_on_commit_callbacks):
    late = late_shipment()
    make_shipment()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=False):
        call_command("scan_shipping_delays", "--send-now", stdout=out)
    assert "checked 2 shipments" in out.getvalue()
    assert "written: 1" in out.getvalue()
    assert DelayNotice.objects.get().episode.shipment == late
    assert SweepState.load().last_run_at is not None


def test_scan_shipping_delays_queues_the_notices_by_default(db,
                                                            django_capture_on_commit_callbacks):
    late_shipment()
    out = StringIO()
    call_command("scan_shipping_delays", stdout=out)
    assert "notices to write: 1, queued" in out.getvalue()
    assert not DelayNotice.objects.exists()  # a worker writes them
