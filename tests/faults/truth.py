"""What each simulator holds (its ground truth) and what a source stored, in the same shape, per vendor.

`TRUTHS[kind]` has `ground_truth(sim)`, `stored(source)` and `committed(sim, source, truth, stored)`: the ground truth the database
must equal after a clean run, what it holds, and a check that, whatever a failed run left, nothing stored is
wrong or doubled and no cursor is past the rows it stands for.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch
from ingest.vendors.bigfix.models import BigfixUsage
from ingest.vendors.lstat.models import LstatUsage
from ingest.vendors.metering.models import MeteringEvent
from ingest.vendors.mls.models import MlsRecord, MlsRollup
from reports.metering.selectors import metering_intervals
from reports.periods import Period


def cursors(source):
    return dict(Cursor.objects.filter(source=source).values_list("key", "value"))


class MlsTruth:
    """Every minute of every supervisor, and its hourly rollups: (minutes, hours)."""

    @staticmethod
    def rows(truth):
        return len(truth[0])

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


class LstatTruth:
    """Every feature's day rows from the history start and hour rows of the hourly window."""

    rows = None  # its runs also count servers, features and each run's new snapshot rows

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


class BigfixTruth:
    """Every row BigFix serves now, by its natural key."""

    @staticmethod
    def rows(truth):
        return len(truth)

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


class MeteringTruth:
    """Every event from `since` less the overlap to the service's clock less the lag, and the active intervals
    they make as the reports read them (the public selector, whatever the intervals' storage)."""

    SINCE = datetime(2026, 3, 2, 11, tzinfo=UTC)  # the test source's since, less the hour's overlap
    PERIOD = Period(date(2026, 2, 1), date(2026, 4, 1), "day")  # the whole history, and a month after
    rows = MlsTruth.rows

    @classmethod
    def ground_truth(cls, sim, lag=timedelta(minutes=10)):
        simulator = sim.simulators["metering"]
        end = simulator.now() - lag
        events = {
            (tenant, str(e["id"]), e["locId"], e["date"], e["state"].lower())
            for tenant, events in simulator.events.items()
            for e in events
            if cls.SINCE <= datetime.fromisoformat(e["date"]) <= end
        }
        # A period whose start was read is an interval; open if its end is not read yet (then the report's end).
        intervals = sorted(
            (tenant, p["locId"], p["start"], p["end"] if p["end"] <= end else cls.PERIOD.end_dt)
            for tenant, periods in simulator._periods.items()
            for p in periods
            if cls.SINCE <= p["start"] <= end
        )
        return events, intervals

    @classmethod
    def stored(cls, source):
        events = MeteringEvent.objects.filter(source=source)
        rows = {
            (tenant, upstream, loc, when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), state)
            for tenant, upstream, loc, when, state in events.values_list(
                "tenant", "upstream_id", "loc_id", "date", "state"
            )
        }
        assert len(rows) == events.count()
        intervals = sorted(
            (i["tenant"], i["loc_id"], i["start"], i["end"]) for i in metering_intervals(cls.PERIOD, source=source)
        )
        return rows, intervals

    @classmethod
    def committed(cls, sim, source, truth, stored):
        assert stored[0] <= truth[0], "a stored event the simulator does not hold"
        for tenant, value in cursors(source).items():
            done = datetime.fromisoformat(value.replace("Z", "+00:00"))
            wanted = {e for e in truth[0] if e[0] == tenant and datetime.fromisoformat(e[3]) <= done}
            assert wanted <= stored[0], f"cursor {tenant}={value} is past events not stored"


TRUTHS = {"mls": MlsTruth, "lstat": LstatTruth, "bigfix": BigfixTruth, "metering": MeteringTruth}


def fault_then_clean_run(sim, source, path=None, fault=None, *, after=0, times=1, fails_with=None):
    """Inject `fault` (unless the test arranged its own), fetch, then fetch again without it; return both runs.

    The faulted run succeeds (the fault was retried or cured), or fails with `fails_with` in its error; either
    way it stores nothing wrong or doubled and no cursor passes its rows. After the clean run the database
    equals the ground truth, and each row was counted new exactly once over the two runs.
    """
    vendor = TRUTHS[source.kind]
    truth = vendor.ground_truth(sim)
    if fault is not None:
        sim.inject(path, fault, after=after, times=times)
    faulted = run_fetch(source)
    stored = vendor.stored(source)
    if fails_with is None:
        assert faulted.status == IngestRun.Status.SUCCEEDED, faulted.error
        assert stored == truth
    else:
        assert faulted.status == IngestRun.Status.FAILED, "the fault did not fail the run"
        assert fails_with in faulted.error
        assert faulted.cursor_after == cursors(source)
    vendor.committed(sim, source, truth, stored)
    sim.faults.clear()
    clean = run_fetch(source)
    assert clean.status == IngestRun.Status.SUCCEEDED, clean.error
    stored = vendor.stored(source)
    assert stored == truth
    vendor.committed(sim, source, truth, stored)
    if vendor.rows is not None:  # each row counted new once, over both runs
        assert faulted.records_created + clean.records_created == vendor.rows(truth)
    return faulted, clean
