"""Where Metering Service rows name people (dashboard/privacy/erasure.py reads it through the registry)."""

from dashboard.privacy.stored import Stored
from ingest.vendors.metering.models import MeteringEvent, MeteringInterval

STORED = [
    Stored(MeteringEvent, {"user": "user"}, age="date", raw={"user": "user"}),
    Stored(MeteringInterval, {"user": "user"}, age="ended_at"),  # an interval still open is not old
]
RAW = []
