from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.subscriptions import schedule
from reports.subscriptions.models import Subscription
from reports.subscriptions.services import parse_at, subscription_named, subscription_save

ATTACHMENTS = ("csv", "xlsx")


def parse_attach(text):
    formats = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [fmt for fmt in formats if fmt not in ATTACHMENTS and fmt != "none"]
    if unknown:
        raise ValueError(f"--attach {text!r}: choose csv, xlsx, csv,xlsx or none")
    return {"attach_csv": "csv" in formats, "attach_xlsx": "xlsx" in formats}


def owner(opts):
    """The owner of the subscription to save: --owner's user, or that of the one subscription so named."""
    username = opts["owner"]
    if username:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise ValueError(f"--owner {username!r}: no such user")
        return user
    existing = subscription_named(opts["name"], username=username)
    return existing.owner if existing else None


class Command(BaseCommand):
    help = "Create an emailed report subscription, or update the one with that NAME."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--report", required=True, help="the report's dashboard path and query, e.g. /mls/<MAC>/")
        parser.add_argument("--to", required=True, help="email addresses, comma-separated")
        parser.add_argument("--every", help="daily, weekly:MON…SUN or monthly:1…31 (default weekly:MON)")
        parser.add_argument("--at", help="HH:MM (default 08:00)")
        parser.add_argument("--timezone", help="Area/City (default: TIME_ZONE)")
        parser.add_argument("--period", help=f"{', '.join(Subscription.Period.values)} (default last-7-days)")
        parser.add_argument("--attach", help="csv, xlsx, csv,xlsx or none (default csv)")
        parser.add_argument(
            "--owner", metavar="USERNAME",
            help="whose subscription NAME is (names are unique per owner; '' for one without an owner, the "
            "default for a new one); needed only when several subscriptions have that NAME",
        )  # fmt: skip

    def handle(self, *args, **opts):
        """Options left out keep a subscription's stored values (or take the defaults for a new one)."""
        try:
            fields = self.fields(opts)
            subscription = subscription_save(
                name=opts["name"], report=opts["report"], recipients=opts["to"], owner=owner(opts), **fields
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stdout.write(
            f"Saved subscription {subscription.name!r}: {subscription.report} to {subscription.recipients}, "
            f"{subscription.schedule_text}; next send {subscription.next_send_at:%Y-%m-%d %H:%M} UTC."
        )

    def fields(self, opts):
        fields = {}
        if opts["every"] is not None:
            fields["every"], fields["weekday"], fields["day_of_month"] = schedule.parse_every(opts["every"])
        if opts["at"] is not None:
            fields["at"] = parse_at(opts["at"])
        if opts["timezone"] is not None:
            fields["timezone"] = opts["timezone"]
        if opts["period"] is not None:
            fields["period"] = opts["period"]
        if opts["attach"] is not None:
            fields.update(parse_attach(opts["attach"]))
        return fields
