from django.core.management.base import BaseCommand

from helpdesk.catalogues import compile_all, po_files


class Command(BaseCommand):
    help = "Compile every .po catalogue to .mo with babel (no gettext tools needed)."

    def handle(self, *args, **options):
        written = compile_all()
        self.stdout.write(f"{len(po_files())} catalogues, {len(written)} recompiled.")
