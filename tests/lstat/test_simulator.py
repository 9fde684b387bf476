"""The License Statistics simulator's usage history, over real HTTP: every row is what its samples make it (each
sample from `sample()`, one at a time), whichever page it is read on and wherever `end` has moved since."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from ingest.simulators.server import SimulatorServer
from ingest.vendors.lstat.simulator import SAMPLE_MINUTES, aggregate, sample

# The day after New York's clocks went back. The history starts on the hour (the simulator's hours are its start's
# hours), and `end` is moved on within it.
START_END = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
END = START_END + timedelta(minutes=44)  # an open hour of 3 samples


@pytest.fixture
def lstat_sim():
    server = SimulatorServer(
        options={"lstat": {"history_days": 3, "end": START_END, "server_count": 2, "feature_count": 3}}, kinds={"lstat"}
    ).start()
    yield server
    server.stop()


def report(server, path, **query):
    """Every row of a report, read `limit` rows a page as the connector reads it."""
    rows, limit = [], query.pop("limit", 1000)
    while True:
        body = requests.get(
            server.url("lstat") + path, params={**query, "limit": limit, "offset": len(rows)},
            headers={"X-Auth-token": "demo-token"}, timeout=10,
        ).json()  # fmt: skip
        assert body["success"], body
        rows += body["data"]
        if len(rows) >= body["totalCount"]:
            return rows


def expected(simulator, features, granularity):
    """The report's rows from each sample of each feature, one at a time: a period holds the hours that start on
    it (an hour's lud is its UTC start read in the simulator's zone), an hour the samples up to `end`."""
    rows = []
    for f in features:
        periods = {}
        moment = simulator.start
        while moment <= simulator.end:
            hour = moment.replace(minute=0).astimezone(simulator.zone)
            lud = hour.strftime("%Y-%m-%d %H:%M") if granularity == "hour" else hour.date().isoformat()
            periods.setdefault(lud, []).append(sample(f["fid"], f["peak"], f["total"], f["borrow"], moment))
            moment += timedelta(minutes=SAMPLE_MINUTES)
        rows += [{"fid": f["fid"], "lud": lud, **aggregate(samples, f["total"])} for lud, samples in periods.items()]
    return rows


def served(rows):
    """The rows without the feature's name fields, in a comparable order."""
    drop = ("fns", "fv", "ftype")
    return sorted(({k: v for k, v in r.items() if k not in drop} for r in rows), key=lambda r: (r["fid"], r["lud"]))


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize("granularity", ["hour", "day"])
def test_usage_rows_are_their_samples_on_every_page_as_end_moves(lstat_sim, zone, granularity):
    simulator = lstat_sim.simulators["lstat"]
    simulator.zone = ZoneInfo(zone)
    features = [f for f in simulator.features if f["lsid"] == 2]
    first, last = simulator.start.astimezone(simulator.zone).date(), END.astimezone(simulator.zone).date()
    query = {"sd": first.isoformat(), "ed": last.isoformat(), "granularity": 6 if granularity == "hour" else 5}
    path = "/api/v1/report/usage-history/license-server/2/json"
    for end in (END, END + timedelta(minutes=1), END + timedelta(minutes=16), END + timedelta(minutes=31)):
        simulator.fixed_end = end  # a minute later: the same samples; then one more, a new hour, two of it
        want = served(expected(simulator, features, granularity))
        assert served(report(lstat_sim, path, **query)) == want
        assert served(report(lstat_sim, path, **query, limit=7)) == want  # pages of one report, read again
        descending = report(lstat_sim, path, **query, orderDirection="DESC", limit=11)
        assert served(descending) == want
        assert [r["lud"] for r in descending] == sorted((r["lud"] for r in descending), reverse=True)
    assert any(r["hu"] != 0 for r in want)


def test_a_feature_and_a_comparison_report_are_the_servers_rows_of_those_features(lstat_sim):
    simulator = lstat_sim.simulators["lstat"]
    query = {"sd": "2026-10-30", "ed": "2026-11-02", "granularity": 6}
    by_server = served(report(lstat_sim, "/api/v1/report/usage-history/license-server/1/json", **query))
    fids = [f["fid"] for f in simulator.features if f["lsid"] == 1]
    one = served(report(lstat_sim, f"/api/v1/report/usage-history/feature/{fids[0]}/json", **query))
    both = served(report(lstat_sim, "/api/v1/report/usage-history/comparison/json", fi=f"{fids[0]},{fids[1]}", **query))
    assert one == [r for r in by_server if r["fid"] == fids[0]] != []
    assert both == [r for r in by_server if r["fid"] in fids[:2]]
