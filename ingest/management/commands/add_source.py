from argparse import RawDescriptionHelpFormatter

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter

from ingest.services import source_save
from ingest.vendors import BY_KIND, VENDORS
from ingest.vendors.params import default_note


def key_value(text):
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValueError(text)
    return key.strip(), value.strip()


def params_epilog():
    """Each kind's parameters, from its connector's form, for `add_source --help`."""
    lines = ["parameters (--param KEY=VALUE) by kind:"]
    for vendor in VENDORS:
        lines.append(f"  {vendor.kind}:")
        for name, default, text in vendor.connector_class().parameters():
            lines.append(f"    {name}{default_note(default)}: {text}")
    return "\n".join(lines)


class HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Django's order of options, with the parameters' epilog kept line by line."""


class Command(BaseCommand):
    help = "Register a source of usage data, or update the one with that NAME."

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs.setdefault("epilog", params_epilog())
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(BY_KIND))
        parser.add_argument("name")
        parser.add_argument("--url", required=True, help="the API's base URL")
        parser.add_argument("--username")
        parser.add_argument("--password")
        parser.add_argument("--token")
        parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
        parser.add_argument("--interval", type=int, help="fetch interval in minutes (default 15)")
        parser.add_argument("--disabled", action="store_true", help="register without scheduling fetches")

    def handle(self, *args, **opts):
        try:
            params = dict(key_value(p) for p in opts["param"])
        except ValueError as exc:
            raise CommandError(f"--param takes KEY=VALUE, not {exc}") from None
        extra = {"enabled": not opts["disabled"]}
        if opts["interval"] is not None:
            extra["interval_minutes"] = opts["interval"]
        try:
            source = source_save(
                kind=opts["kind"], name=opts["name"], base_url=opts["url"], username=opts["username"],
                password=opts["password"], token=opts["token"], params=params, **extra,
            )  # fmt: skip
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stdout.write(f"Saved {source.kind} source {source.name!r} ({source.base_url}).")
        if source.forgotten_credentials:
            forgotten = " and ".join(source.forgotten_credentials)
            were, them = ("were", "them") if len(source.forgotten_credentials) > 1 else ("was", "it")
            self.stdout.write(
                f"The URL or kind changed, so the stored {forgotten} {were} forgotten: give {them} again."
            )
