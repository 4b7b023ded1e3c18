from django.core.management.base import BaseCommand

from sla.sweep import sweep


class Command(BaseCommand):
    help = "Record due SLA warnings and breaches once (what the minute beat task does)."

    def handle(self, *args, **options):
        result = sweep()
        self.stdout.write(
            f"SLA sweep: {result.warned} warned, {result.breached} breached, "
            f"{result.escalations} escalations enqueued.")
