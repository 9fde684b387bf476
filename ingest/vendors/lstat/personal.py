"""Where License Statistics rows name people (dashboard/privacy/erasure.py reads it through the registry)."""

from dashboard.privacy.stored import Raw, Stored
from ingest.vendors.lstat.models import LstatSession, LstatSnapshot, LstatTopUser

STORED = [
    Stored(LstatSession, {"user": "user", "host": "host"}, age="snapshot__taken_at"),
    Stored(LstatTopUser, {"user": "user"}, age="snapshot__taken_at"),
]
RAW = [Raw(LstatSnapshot, age="taken_at")]
