"""What the Metering Service simulator holds (its ground truth) and what a source stored, in the same shape, for the
fault tests (tests/faults/truth.py reads the `Truth` of every vendor of the registry here)."""

from datetime import UTC, date, datetime, timedelta

from ingest.vendors.metering.models import MeteringEvent
from reports.metering.selectors import metering_intervals
from reports.periods import Period
from tests.faults.truth import cursors, first_row_count


class MeteringTruth:
    """Every event from `since` less the overlap to the service's clock less the lag, and the active intervals
    they make as the reports read them (the public selector, whatever the intervals' storage)."""

    killed_between_pages = "locations"  # the handler each page's request reaches

    SINCE = datetime(2026, 3, 2, 11, tzinfo=UTC)  # the test source's since, less the hour's overlap
    PERIOD = Period(date(2026, 2, 1), date(2026, 4, 1), "day")  # the whole history, and a month after

    rows = staticmethod(first_row_count)

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


Truth = MeteringTruth
