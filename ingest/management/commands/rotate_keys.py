from django.core.management.base import BaseCommand
from django.db import transaction

from ingest.models import Source


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored source password and token with the first key of FIELD_ENCRYPTION_KEYS "
        "(run after putting a new key first; the old keys can be dropped afterwards)."
    )

    def handle(self, *args, **opts):
        count = 0
        with transaction.atomic():
            for source in Source.objects.select_for_update().exclude(password="", token=""):
                source.save(update_fields=["password", "token"])  # decrypted with any key, encrypted with the first
                count += 1
        self.stdout.write(f"Re-encrypted the credentials of {count} source(s) with the first key.")
