from django.core.management.base import BaseCommand

from notices import services
from notices.tasks import enqueue_notices


class Command(BaseCommand):
    help = ("Run the shipping-delay sweep once: check the shipments that became late or "
            "stalled since the last run, and queue (or write) their notices.")

    def add_arguments(self, parser):
        parser.add_argument("--send-now", action="store_true",
                            help="Write the notices in this process instead of queueing tasks.")
        parser.add_argument("--until-done", action="store_true",
                            help="Repeat while a run fills its batch (first run on old data).")

    def handle(self, *args, send_now: bool, until_done: bool, **options):
        while True:
            report = services.sweep()
            if send_now:
                written = sum(services.send_delay_notice(episode_id=episode_id) is not None
                              for episode_id in report.to_notify)
            else:
                enqueue_notices(report.to_notify)
                written = 0
            self.stdout.write(
                f"checked {report.checked} shipments (due {report.due}, "
                f"new {report.new_shipments}, with new scans {report.new_events}); "
                f"notices to write: {len(report.to_notify)}"
                + (f", written: {written}" if send_now else ", queued"))
            if not (until_done and report.more):
                return
