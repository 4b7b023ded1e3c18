from django.core.management.base import BaseCommand

from tickets import search


class Command(BaseCommand):
    help = ("Write the full-text search document of tickets loaded without the services "
            "(bulk imports). PostgreSQL only; a no-op on SQLite.")

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true",
                            help="rewrite every ticket, not only those without a document")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, all=False, batch_size=2000, **options):
        if not search.uses_full_text():
            self.stdout.write("SQLite: tickets are searched with LIKE, there is nothing to index.")
            return
        done = search.reindex_tickets(missing_only=not all, batch_size=batch_size,
                                      progress=lambda n: self.stdout.write(f"{n} tickets"))
        self.stdout.write(self.style.SUCCESS(f"Indexed {done} tickets."))
