from django.core.management.base import BaseCommand, CommandError

from tickets import mailbox


class Command(BaseCommand):
    help = ("Take in the customer email waiting in the support mailbox (INBOUND_IMAP_* or "
            "INBOUND_MAILDIR settings, or --maildir): replies thread into their tickets, "
            "other messages open tickets. Each message is marked seen once it is stored.")

    def add_arguments(self, parser):
        parser.add_argument("--maildir", help="Read this Maildir instead of the configured "
                                              "mailbox.")
        parser.add_argument("--limit", type=int, default=mailbox.FETCH_LIMIT,
                            help="At most this many messages (default %(default)s).")

    def handle(self, *args, maildir: str | None, limit: int, **options):
        if maildir:
            report = mailbox.take_in(mailbox.MaildirMailbox(maildir), limit=limit)
        else:
            report = mailbox.fetch(limit=limit)
        if report is None:
            raise CommandError("No inbound mailbox is configured: set INBOUND_IMAP_HOST "
                               "(and INBOUND_IMAP_USER, INBOUND_IMAP_PASSWORD) or "
                               "INBOUND_MAILDIR.")
        if report.busy:
            self.stdout.write("Another fetch is running; nothing done.")
            return
        self.stdout.write(f"stored {report.stored}, rejected {report.rejected}, "
                          f"left for the next run {report.failed}")
