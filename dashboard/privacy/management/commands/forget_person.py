from django.core.management.base import BaseCommand, CommandError

from dashboard.privacy.erasure import forget_person, summary


class Command(BaseCommand):
    help = (
        "Erase a person's user name (any case) and the host names of their sessions from every stored License "
        "Statistics and metering row, replacing them by their pseudonyms; logs and audits that it happened "
        "(the pseudonym and the counts, never the name)."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="the person's user name as the vendors report it")

    def handle(self, *args, name, **opts):
        try:
            alias, counts = forget_person(name)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Forgotten: now {alias} everywhere; rows rewritten: {summary(counts)}")
