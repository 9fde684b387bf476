"""What the MLS simulator holds (its ground truth) and what a source stored, in the same shape, for the
fault tests (tests/faults/truth.py reads the `Truth` of every vendor of the registry here)."""

from collections import defaultdict
from datetime import UTC, datetime

from ingest.vendors.mls.models import MlsRecord, MlsRollup
from tests.faults.truth import cursors, first_row_count


class MlsTruth:
    """Every minute of every supervisor, and its hourly rollups: (minutes, hours)."""

    rows = staticmethod(first_row_count)

    @staticmethod
    def ground_truth(sim):
        simulator = sim.simulators["mls"]
        minutes = {
            tuple(simulator.values(k, m)) for k in range(len(simulator.supervisors)) for m in range(simulator.minutes())
        }
        hours = defaultdict(list)
        for _id, mac, day, clock, used, prepaid, metered in minutes:
            hours[mac, datetime.fromisoformat(f"{day}T{clock[:2]}:00+00:00")].append((used, prepaid, metered))
        rollups = {
            (mac, bucket, len(v), *(f(c) for c in zip(*v, strict=True) for f in (min, max, sum)))
            for (mac, bucket), v in hours.items()
        }
        return minutes, rollups

    @staticmethod
    def stored(source):
        records = MlsRecord.objects.filter(supervisor__source=source).values_list(
            "record_id", "supervisor__macaddress", "ts_date", "ts_time", "lic_used", "lic_prepaid", "lic_metered"
        )
        minutes = {(i, mac, d.isoformat(), t.strftime("%H:%M:%S"), *rest) for i, mac, d, t, *rest in records}
        rollups = MlsRollup.objects.filter(supervisor__source=source, granularity="hour").values_list(
            "supervisor__macaddress", "bucket", "samples",
            "used_min", "used_max", "used_sum", "prepaid_min", "prepaid_max", "prepaid_sum",
            "metered_min", "metered_max", "metered_sum",
        )  # fmt: skip
        rollups = {(mac, bucket.astimezone(UTC), *rest) for mac, bucket, *rest in rollups}
        assert len(minutes) == MlsRecord.objects.filter(supervisor__source=source).count()
        return minutes, rollups

    @classmethod
    def committed(cls, sim, source, truth, stored):
        minutes, rollups = stored
        assert minutes <= truth[0], "a stored minute the simulator does not hold"
        for mac, value in cursors(source).items():
            ids = sorted(m[0] for m in minutes if m[1] == mac)
            # MLS ids grow with time: a cursor is the next id after every stored minute, with no gap before it.
            assert ids and int(value) == ids[-1] + 1, f"cursor {mac}={value} is not just past its stored minutes"
            assert len(ids) == len([m for m in truth[0] if m[1] == mac and m[0] < int(value)])
        # Each hour's rollup is of the hour's minutes stored so far: none counted twice.
        hours = defaultdict(int)
        for _id, mac, day, clock, *_ in minutes:
            hours[mac, datetime.fromisoformat(f"{day}T{clock[:2]}:00+00:00")] += 1
        assert {(r[0], r[1]): r[2] for r in rollups} == hours


Truth = MlsTruth
