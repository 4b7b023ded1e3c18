from django.core.management.base import BaseCommand

from helpdesk.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = "Load the demo shop (customers, orders, parcels, tiers, tickets). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=300)

    def handle(self, *args, customers, **options):
        created = seed_demo(customers=customers)
        self.stdout.write(self.style.SUCCESS(
            "Demo data: {customers} customers, {orders} orders, {tickets} tickets created.".format(
                **created)))
        logins = ", ".join(username for username, *_ in DEMO_USERS)
        self.stdout.write(f"Demo logins: {logins} (password: {DEMO_PASSWORD})")
