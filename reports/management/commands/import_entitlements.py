from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.overview.entitlements import MAX_BYTES, ImportRejected, import_entitlements


class Command(BaseCommand):
    help = (
        "Read the overview's CSV or XLSX download back into the entitlements: rows matched by Key, the columns "
        "Owned, Unit, Price per unit per year, Metered rate per license-hour, Renews on and Reference read (a blank "
        "cell leaves the value), every other column ignored. All or nothing: a bad cell changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a CSV (UTF-8) or XLSX file, as the overview downloads it")
        parser.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")

    def handle(self, *args, file, dry_run, **opts):
        path = Path(file)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{file}: larger than {MAX_BYTES // (1024 * 1024)} MB.")
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        try:
            changes = import_entitlements(data, dry_run=dry_run)
        except ImportRejected as exc:
            raise CommandError(f"{file}: nothing imported: {exc}") from None
        for change in changes:
            self.stdout.write(str(change))
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"{len(changes)} value{'s' if len(changes) != 1 else ''} {verb}.")
