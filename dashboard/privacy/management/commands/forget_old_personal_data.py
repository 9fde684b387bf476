from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dashboard.privacy.erasure import forget_old_personal_data, summary


class Command(BaseCommand):
    help = (
        "Replace the user and host names of stored License Statistics sessions and highest users and of metering "
        "events and intervals older than PERSONAL_DATA_DAYS by their pseudonyms (counts, licenses and hours stay). "
        "A daily schedule runs it too; with PERSONAL_DATA_DAYS unset it does nothing unless --days is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="this many days instead of PERSONAL_DATA_DAYS")

    def handle(self, *args, days=None, **opts):
        days = days if days is not None else settings.PERSONAL_DATA_DAYS
        if days is None:
            self.stdout.write("PERSONAL_DATA_DAYS is not set: personal data is kept for ever. Nothing changed.")
            return
        if days < 1:
            raise CommandError("--days: give a number of days of at least 1")
        counts = forget_old_personal_data(days)
        self.stdout.write(f"Names older than {days} days pseudonymised, rows rewritten: {summary(counts)}")
