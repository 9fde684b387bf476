"""What the Tally simulator holds (its ground truth) and what a source stored, in the same shape, for the fault
tests (tests/faults/truth.py reads the `Truth` of every vendor of the registry here)."""

from datetime import UTC, datetime

from tests.faults.truth import cursors, row_count
from tests.tally.models import TallyCount


class TallyTruth:
    """Every counter's hours, by (counter, hour)."""

    rows = staticmethod(row_count)

    @staticmethod
    def ground_truth(sim):
        return {
            (h["counter"], datetime.fromisoformat(h["hour"].replace("Z", "+00:00")), h["used"], h["seats"])
            for h in sim.simulators["tally"].rows
        }

    @staticmethod
    def stored(source):
        counts = TallyCount.objects.filter(source=source)
        rows = {(c, hour.astimezone(UTC), used, seats) for c, hour, used, seats in counts.values_list(
            "counter", "hour", "used", "seats")}  # fmt: skip
        assert len(rows) == counts.count()
        return rows

    @staticmethod
    def committed(sim, source, truth, stored):
        assert stored <= truth, "a stored hour the simulator does not serve"
        after = cursors(source).get("hours")
        if after:  # the cursor is the last stored hour: every hour up to it is stored
            done = datetime.fromisoformat(after)
            assert {row for row in truth if row[1] <= done} <= stored, f"cursor hours={after} is past hours not stored"


Truth = TallyTruth
