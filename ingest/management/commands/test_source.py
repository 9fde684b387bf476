"""`python manage.py test_source NAME`: log in to a source, read one small page, say what was found; store nothing."""

from django.core.management.base import BaseCommand, CommandError

from ingest.models import Source
from ingest.services import check_connection


class Command(BaseCommand):
    help = (
        "Test a source's connection: log in, read one small page and say what was found, or which setting is "
        "wrong. Stores nothing (no rows, cursors or runs). Exits 1 when the source cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="+", metavar="NAME", help="the source's name (as given to add_source)")

    def handle(self, *args, names, **opts):
        failed = []
        for name in names:
            source = Source.objects.filter(name=name).first()
            if source is None:
                known = ", ".join(Source.objects.order_by("name").values_list("name", flat=True)) or "none"
                raise CommandError(f"no source named {name!r} (sources: {known})")
            ok, message = check_connection(source)
            if ok:
                self.stdout.write(self.style.SUCCESS(f"{name}: OK: {message}"))
            else:
                self.stdout.write(self.style.ERROR(f"{name}: FAILED: {message}"))
                failed.append(name)
        if failed:
            raise CommandError(f"the connection test failed for {', '.join(failed)}", returncode=1)
