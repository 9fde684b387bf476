"""Renaming License Statistics' stored fields keeps the rows already stored."""

from datetime import UTC, datetime

import pytest

from tests.migrations import migrate, migrate_to_latest

BEFORE = [("ingest", "0006_ingestrun_ordering")]
AFTER = [("ingest", "0008_lstat_feature_server_optional")]


@pytest.mark.django_db(transaction=True)
def test_rows_stored_under_vendor_codes_keep_their_values_under_readable_names():
    try:
        old = migrate(BEFORE)
        source = old.get_model("ingest", "Source").objects.create(kind="lstat", name="old", base_url="http://x/")
        now = datetime(2026, 3, 4, tzinfo=UTC)
        server = old.get_model("ingest", "LstatServer").objects.create(source=source, lsid=1, name="s", seen_at=now)
        feature = old.get_model("ingest", "LstatFeature").objects.create(
            source=source, fid=11, server=server, name="MATLAB", ftype="floating", seen_at=now
        )
        old.get_model("ingest", "LstatUsage").objects.create(
            feature=feature, granularity="day", period_start=now, lud="2026-03-04", lumin=1, lua=2.5, lumax=4,
            lbmin=0, lbmax=1, ldtc=3, hu=60.0, ft=20, fns="MATLAB", fv="R2024b", ftype="floating",
        )  # fmt: skip

        new = migrate(AFTER)

        row = new.get_model("ingest", "LstatUsage").objects.get()
        assert (row.period_label, row.used_min, row.used_avg, row.used_max, row.borrowed_min, row.borrowed_max) == (
            "2026-03-04", 1, 2.5, 4, 0, 1,
        )  # fmt: skip
        assert (row.denials, row.hours_used, row.total_seats) == (3, 60.0, 20)
        assert (row.feature_name, row.feature_version, row.feature_type) == ("MATLAB", "R2024b", "floating")
        assert new.get_model("ingest", "LstatFeature").objects.get().feature_type == "floating"
    finally:
        migrate_to_latest()
