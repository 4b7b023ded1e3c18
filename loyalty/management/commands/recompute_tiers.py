"""Recompute loyalty tiers: every customer, or the ones given."""

import time

from django.core.management.base import BaseCommand

from loyalty import services
from loyalty.services.tiers import RecomputeResult


class Command(BaseCommand):
    help = ("Recompute every customer's loyalty tier from their counting orders (or only the "
            "customers given), writing only what changed. Tier-up messages go out once per "
            "tier reached, unless --no-messages (a first backfill) records the tiers silently.")

    def add_arguments(self, parser):
        parser.add_argument("--customer", type=int, action="append", dest="customers",
                            metavar="ID", help="Only this customer (repeat for more).")
        parser.add_argument("--no-messages", action="store_true",
                            help="Record tiers reached without sending tier-up messages.")
        parser.add_argument("--chunk", type=int, default=10000,
                            help="Customers read per round (default 10000).")

    def handle(self, *args, customers=None, no_messages=False, chunk=10000, **options):
        started = time.monotonic()
        self.verbosity = options.get("verbosity", 1)
        send = not no_messages
        if customers:
            result = services.recompute_customers(customer_ids=customers, send_messages=send)
        else:
            result = services.recompute_all(send_messages=send, chunk=chunk,
                                            progress=self._progress)
        self.stdout.write(self.style.SUCCESS(
            f"{result.customers} customers checked, {result.written} memberships written, "
            f"{result.up} up, {result.down} down, {len(result.awards)} tiers awarded "
            f"in {time.monotonic() - started:.1f} s."))

    def _progress(self, result: RecomputeResult) -> None:
        if self.verbosity >= 2:
            self.stdout.write(f"  {result.customers} customers, {result.written} written")
