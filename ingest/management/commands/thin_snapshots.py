from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from ingest.vendors import VENDORS


def _thinnings():
    """(help, report function) of each vendor that thins what it keeps (`Vendor.thinning`)."""
    return [
        (import_string(f"{vendor.thinning}.THINNING_HELP"), import_string(f"{vendor.thinning}.thinning_report"))
        for vendor in VENDORS
        if vendor.thinning
    ]


class Command(BaseCommand):
    help = " ".join(text for text, _report in _thinnings())

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")

    def handle(self, *args, dry_run=False, **opts):
        for _help, report in _thinnings():
            try:
                lines = report(dry_run=dry_run)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            for line in lines:
                self.stdout.write(line)
