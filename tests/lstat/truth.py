"""What the License Statistics simulator holds (its ground truth) and what a source stored, in the same shape, for the
fault tests (tests/faults/truth.py reads the `Truth` of every vendor of the registry here)."""

from datetime import date, datetime

from ingest.vendors.lstat.models import LstatUsage
from tests.faults.truth import cursors


class LstatTruth:
    """Every feature's day rows from the history start and hour rows of the hourly window."""

    rows = None  # its runs also count servers, features and each run's new snapshot rows
    at_simulators_end = True  # fetched with our clock at the simulators' end: its open hour and day are "now"

    FIELDS = ("used_min", "used_avg", "used_max", "borrowed_min", "borrowed_max", "denials", "hours_used")

    @staticmethod
    def ground_truth(sim, first=date(2026, 3, 1), hourly_from=date(2026, 3, 3), last=date(2026, 3, 4)):
        simulator = sim.simulators["lstat"]
        rows = set()
        for granularity, start in (("day", first), ("hour", hourly_from)):
            for feature in simulator.features:
                for row in simulator.periods(feature, start, last, granularity):
                    values = (row[c] for c in ("lumin", "lua", "lumax", "lbmin", "lbmax", "ldtc", "hu"))
                    rows.add((feature["fid"], granularity, row["lud"], *values))
        return rows

    @classmethod
    def stored(cls, source):
        usage = LstatUsage.objects.filter(feature__source=source)
        rows = usage.values_list("feature__fid", "granularity", "period_label", *cls.FIELDS)
        rows = set(rows)
        assert len(rows) == usage.count()
        return rows

    @classmethod
    def committed(cls, sim, source, truth, stored):
        assert stored <= truth, "a stored row the simulator does not serve"
        days = {(r[0], r[2]) for r in stored if r[1] == "day"}
        hours = {(r[0], r[2]) for r in stored if r[1] == "hour"}
        for key, value in cursors(source).items():
            # day:server:<lsid> is the last complete day stored of every feature of that server, hour:server:<lsid>
            # the last complete hour (the test source reads License Statistics' times in UTC); hour-from: says from
            # which day the hourly window was read.
            granularity, _, lsid = key.partition(":server:")
            if granularity == "hour-from":
                continue
            fids = {f["fid"] for f in sim.simulators["lstat"].features if f["lsid"] == int(lsid)}
            last = value if granularity == "day" else datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
            wanted = {(r[0], r[2]) for r in truth if r[0] in fids and r[1] == granularity and r[2] <= last}
            assert wanted <= (days if granularity == "day" else hours), f"cursor {key}={value} is past rows not stored"


Truth = LstatTruth
