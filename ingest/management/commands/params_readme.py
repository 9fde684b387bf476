from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.readme import README, MarkersMissing, render


class Command(BaseCommand):
    help = "Rewrite the README's parameter tables from the connectors' parameter forms."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="change nothing; exit 1 naming each vendor whose table differs"
        )
        parser.add_argument("--readme", type=Path, default=README, help="the README to read (default: README.md)")

    def handle(self, *args, check=False, readme=README, **opts):
        try:
            old = readme.read_text(encoding="utf-8")
            new, changed = render(old)
        except OSError as exc:
            raise CommandError(f"cannot read {readme}: {exc.strerror}") from None
        except MarkersMissing as exc:
            raise CommandError(f"{readme.name}: {exc}") from None
        if check:
            if changed:
                raise CommandError(
                    f"{readme.name}'s parameter tables differ from the connectors for {', '.join(changed)}: "
                    "run python manage.py params_readme"
                )
            self.stdout.write(f"{readme.name}'s parameter tables are up to date.")
            return
        if changed:
            readme.write_text(new, encoding="utf-8")
        self.stdout.write(f"Rewrote the parameter tables of {', '.join(changed)}." if changed else "Nothing to change.")
