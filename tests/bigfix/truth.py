"""What the BigFix simulator holds (its ground truth) and what a source stored, in the same shape, for the
fault tests (tests/faults/truth.py reads the `Truth` of every vendor of the registry here)."""

from datetime import UTC

from ingest.vendors.bigfix.models import BigfixUsage
from tests.faults.truth import cursors, row_count


class BigfixTruth:
    """Every row BigFix serves now, by its natural key."""

    killed_between_pages = "license_usages"  # the handler each page's request reaches

    rows = staticmethod(row_count)

    @staticmethod
    def ground_truth(sim):
        return {
            (
                r["software_title_id"],
                r["metric_name"],
                r["computer_system_id"],
                r["reporting_period_start_date"],
                r["reporting_period_end_date"],
                float(r["peak_value"]),
                r["peak_date"],
                r["peak_time"],
            )  # fmt: skip
            for r in sim.simulators["bigfix"].rows()
        }

    @staticmethod
    def stored(source):
        usage = BigfixUsage.objects.filter(source=source)
        rows = {
            (
                t,
                m,
                s,
                start.isoformat(),
                end.isoformat(),
                v,
                d.isoformat(),
                at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
            for t, m, s, start, end, v, d, at in usage.values_list(
                "software_title_id",
                "metric_name",
                "computer_system_id",
                "reporting_period_start_date",
                "reporting_period_end_date",
                "peak_value",
                "peak_date",
                "peak_time",
            )  # fmt: skip
        }
        assert len(rows) == usage.count()
        return rows

    @classmethod
    def committed(cls, sim, source, truth, stored):
        if cursors(source).get("last_import"):  # a window held completely: no refetch may be skipped wrongly
            assert cursors(source).get("refetch") == "0"
            assert stored == truth, "the cursor says the window is held, but it is not"


Truth = BigfixTruth
