"""Counts and slots every process shares, kept in the database (so they hold across gunicorn workers and machines
with or without Redis): rate counters (login failures, API requests, PDF downloads) and the PDF printer's slots."""

from django.db import models


class RateCount(models.Model):
    """How many times `key` (a login, a token, a user's PDFs) was counted in the window that ends at `ends_at`."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    ends_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count} until {self.ends_at:%Y-%m-%d %H:%M:%S}"


class PdfSlot(models.Model):
    """One of PDF_MAX_CONCURRENT printers: free when `holder` is empty, or when its holder stopped beating."""

    number = models.PositiveSmallIntegerField(unique=True)
    holder = models.CharField(max_length=64, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"PDF slot {self.number}: {self.holder or 'free'}"
