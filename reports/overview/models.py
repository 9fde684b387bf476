"""Prices per seat, one model for every vendor's licensed things."""

from django.core.validators import MinValueValidator
from django.db import models

from ingest.vendors import kind_choices


class SeatPrice(models.Model):
    """What one seat of a licensed thing costs a year, keyed by its vendor kind and its key there.

    The key is the one `LicensedThing.key` gives (an MLS MAC address, a License
    Statistics "source:fid", ...), so a price outlives renamed features.
    """

    kind = models.CharField(max_length=20, choices=kind_choices())
    key = models.CharField(max_length=300)
    label = models.CharField(max_length=300, blank=True, help_text="What the thing was called when priced.")
    price_per_year = models.DecimalField(
        "price per seat per year", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="seat_price_kind_key")]
        ordering = ["kind", "label", "key"]

    def __str__(self):
        return f"{self.label or self.key} ({self.kind})"
