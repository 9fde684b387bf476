"""What alert rules watch, as each vendor declares it: a series of hourly rollups of one licensed thing.

A vendor names its series in its registry record (`Vendor.alert_series`, a list of `Series`); a rule refers
to the thing it watches by the vendor's kind and the thing's key there (the overview's `LicensedThing.key`),
and this module finds the series for it. Nothing here knows a vendor.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from ingest.vendors import VENDORS


@dataclass(frozen=True)
class Watched:
    """One thing a rule watches, found from its key."""

    key: str
    name: str  # how the rule's messages name it ("Feature X", "supervisor 00:1A:...")
    source_id: int  # the source whose fetches can change the rule's state
    pk: int  # its row, for the series' own queries


class Series:
    """A vendor's hourly figures of one kind of licensed thing (a feature, a supervisor...)."""

    kind = ""  # the vendor's kind
    thing = ""  # what one thing is, in words ("License Statistics feature")
    key_help = ""  # how its key is written, for the admin
    seats_name = ""  # what utilization is a share of ("total seats")
    rules = ("utilization",)  # the rule kinds it can take: "denials", "utilization"

    def find(self, key):
        """The Watched thing of this key, or None when there is none."""
        raise NotImplementedError

    def hourly_peaks(self, watched, since, hours):
        """[(peak in use, seats), ...] of the last `hours` hours with data starting at or after `since`, newest first."""
        raise NotImplementedError

    def owned(self, watched, now):
        """What the thing owns by the vendor's own figures at `now`, or None: each hour's seats are what it owns.

        An entered entitlement (reports.overview.models.Entitlement of this kind and key) comes first."""
        return None

    def denials(self, watched, since):
        """Denials counted in the hours starting at or after `since`."""
        raise NotImplementedError

    def page(self, watched):
        """The path of the thing's report page (alert emails link it), or None: the emails link the sources."""
        return None


def all_series():
    return [series for vendor in VENDORS for series in vendor.alert_series_list()]


def series_for(kind):
    """The series of a vendor kind, or None when that vendor declares none."""
    return next((series for series in all_series() if series.kind == kind), None)


def thing_kind_choices():
    """(kind, what) of every vendor whose things alert rules can watch."""
    return [(series.kind, series.thing) for series in all_series()]


def key_help():
    return "; ".join(f"{series.thing}: {series.key_help}" for series in all_series())


def alert_query(rule_kind, thing_kind, thing_key, **fields):
    """The query string that opens the Alert me form (or the admin's new alert rule) filled in for one thing."""
    return urlencode({"kind": rule_kind, "thing_kind": thing_kind, "thing_key": thing_key, **fields})
