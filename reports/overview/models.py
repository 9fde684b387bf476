"""Entitlements: what is owned of each licensed thing, what it costs and when it renews."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.module_loading import import_string

from ingest.vendors import BY_KIND, kind_label
from ingest.vendors.fields import KindField

UNITS = ["seats", "users", "PVU", "RVU", "cores", "locations", "license-hours"]


def default_unit(kind, key):
    """The unit a thing's owned quantity, peak and price are counted in, where no unit is entered: as its vendor
    declares it (`Vendor.unit`, or `Vendor.unit_of` for a unit that depends on the thing, as BigFix's metric)."""
    vendor = BY_KIND.get(kind)
    if vendor is None:
        return "units"
    return import_string(vendor.unit_of)(key) if vendor.unit_of else vendor.unit


class Entitlement(models.Model):
    """What is owned of one licensed thing, keyed by its vendor kind and its key there.

    The key is the one `LicensedThing.key` gives (an MLS MAC address, a License Statistics
    "source:fid", a BigFix "source:title:metric", a metering "source:tenant"), so an entitlement
    outlives renamed features. A blank figure means "not entered": the owned quantity then is the
    vendor's (MLS prepaid, License Statistics total), and the unit the kind's default.
    """

    kind = KindField()  # a kind in the vendor registry
    key = models.CharField(max_length=300)
    label = models.CharField(max_length=300, blank=True, help_text="What the thing was called when last edited.")
    owned = models.DecimalField(
        "owned quantity", max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="Blank: the vendor's figure (MLS prepaid, License Statistics total seats), where it reports one.",
    )  # fmt: skip
    unit = models.CharField(
        max_length=30, blank=True, help_text=f"e.g. {', '.join(UNITS)}. Blank: the vendor kind's usual unit."
    )
    price_per_year = models.DecimalField(
        "price per unit per year", max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    metered_rate = models.DecimalField(
        "metered rate per license-hour", max_digits=12, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(0)], help_text="MLS: what a metered license-hour costs.",
    )  # fmt: skip
    renews_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=200, blank=True, help_text="Contract or purchase order number.")
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="entitlement_kind_key")]
        ordering = ["kind", "label", "key"]

    def __str__(self):
        return f"{self.label or self.key} ({self.kind})"

    @property
    def kind_label(self):
        """The product's name of its kind, from the registry."""
        return kind_label(self.kind)

    @property
    def unit_or_default(self):
        return self.unit or default_unit(self.kind, self.key)

    def is_empty(self):
        """Nothing entered: the row says no more than its absence would."""
        return (
            self.owned is None and self.price_per_year is None and self.metered_rate is None
            and self.renews_on is None and not self.unit and not self.reference and not self.notes
        )  # fmt: skip


class ThingDay(models.Model):
    """One licensed thing's usage on one local day (in the display zone its source's `SummaryBuild` names).

    Kept for the vendors that declare `summaries` (reports/overview/summaries.py), rebuilt from the vendor's rows
    for the days each fetched page stored, so that the overview merges a day row per thing instead of reading
    hours: the peak and its trend, the average (`used_sum / used_count` over the period), denials, the hours by
    units in use (right-sizing) and the owned figure the vendor reports (the latest reading of the period).
    """

    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="+")
    kind = KindField()
    key = models.CharField(max_length=300)  # the thing's LicensedThing.key
    day = models.DateField()
    peak = models.FloatField()
    used_sum = models.FloatField()
    used_count = models.FloatField()
    denials = models.BigIntegerField(null=True)  # None where the vendor reports none
    # The day's average and denials come from the vendor's preferred rows (License Statistics: its day rows);
    # a period holding any such day reads its average and denials from those days only.
    preferred = models.BooleanField(default=False)
    # JSON [units in use, hours at that level, units, hours, ...]: text, so that a period's days decode in one call
    hours = models.TextField(default="[]")
    owned = models.FloatField(null=True)  # the vendor's owned figure: its latest reading of the day

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "key", "day"], name="thing_day_source_kind_key_day")
        ]
        indexes = [models.Index(fields=["kind", "day"], name="thing_day_kind_day")]

    def __str__(self):
        return f"{self.kind}:{self.key} {self.day}"


class SummaryBuild(models.Model):
    """The display zone a source's ThingDay rows were built in, and the source's data version they reflect: rows
    of another zone, or of a source whose data changed otherwise than by a fetched page (an admin's edit, an
    erasure), are not read."""

    source = models.OneToOneField("ingest.Source", on_delete=models.CASCADE, primary_key=True, related_name="+")
    zone = models.CharField(max_length=64)
    data_version = models.PositiveBigIntegerField(default=0)
    built_at = models.DateTimeField()

    def __str__(self):
        return f"{self.source_id} in {self.zone}"
