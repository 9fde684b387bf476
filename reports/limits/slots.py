"""At most PDF_MAX_CONCURRENT PDFs print at once across every process: a slot is a row taken with one conditional
UPDATE (as the fetch lock is), and a slot whose holder died is free again PDF_TIMEOUT + SLOT_GRACE seconds on."""

import random
import secrets
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from reports.limits.models import PdfSlot

SLOT_GRACE = 30  # seconds past PDF_TIMEOUT after which a slot nobody released (its process killed) is free


class PdfBusy(Exception):
    """Every PDF slot is taken."""


@contextmanager
def pdf_slot():
    """Hold one PDF slot for the block, or raise PdfBusy at once when all PDF_MAX_CONCURRENT are taken."""
    number, holder = _take()
    try:
        yield number
    finally:
        PdfSlot.objects.filter(number=number, holder=holder).update(holder="", taken_at=None)


def _take():
    count = max(1, settings.PDF_MAX_CONCURRENT)
    PdfSlot.objects.bulk_create([PdfSlot(number=n) for n in range(1, count + 1)], ignore_conflicts=True)
    now, holder = timezone.now(), secrets.token_hex(16)
    dead = now - timedelta(seconds=settings.PDF_TIMEOUT + SLOT_GRACE)
    for number in random.sample(range(1, count + 1), count):
        free = PdfSlot.objects.filter(number=number).filter(Q(holder="") | Q(taken_at__lt=dead))
        if free.update(holder=holder, taken_at=now):
            return number, holder
    raise PdfBusy(f"all {count} PDF printers are busy")
