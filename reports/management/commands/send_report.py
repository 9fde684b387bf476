from django.core.management.base import BaseCommand, CommandError

from reports.subscriptions.models import SubscriptionSend
from reports.subscriptions.services import send_subscription, subscription_named


class Command(BaseCommand):
    help = "Send the subscription NAME now; exits non-zero if the send failed."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--owner", metavar="USERNAME",
            help="whose subscription NAME is ('' for one without an owner); needed only when several have that NAME",
        )  # fmt: skip

    def handle(self, *args, name, owner=None, **opts):
        try:
            subscription = subscription_named(name, username=owner)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if subscription is None:
            raise CommandError(f"No subscription named {name!r}" + (f" of {owner!r}." if owner else "."))
        entry = send_subscription(subscription, trigger="command")
        if entry.status != SubscriptionSend.Status.SENT:
            raise CommandError(f"{name}: failed: {entry.error}")
        charts = f", {entry.charts} chart(s)" if entry.charts else ""
        self.stdout.write(
            f"{name}: sent to {entry.recipients} ({entry.period_start} – {entry.period_end}{charts}) "
            f"through {_backend()}."
        )


def _backend():
    from django.conf import settings

    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend in ("filebased", "mail"):
        return f"files in {settings.EMAIL_FILE_PATH}"
    if backend == "smtp":
        return f"SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return f"the {backend} backend"
