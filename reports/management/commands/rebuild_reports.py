from django.core.management.base import BaseCommand
from django.utils import timezone

from reports import services


class Command(BaseCommand):
    help = "Recompute every ticket fact and the whole dashboard rollup."

    def add_arguments(self, parser):
        parser.add_argument("--rollup-only", action="store_true",
                            help="keep the facts, rebuild only the rollup")

    def handle(self, *args, rollup_only=False, **options):
        if rollup_only:
            days = services.rebuild_rollup(log=self.stdout.write)
            self.stdout.write(self.style.SUCCESS(f"Rollup rebuilt for {days} days."))
            return
        result = services.rebuild(now=timezone.now(), log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Reports rebuilt from {result.tickets} tickets."))
