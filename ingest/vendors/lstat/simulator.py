"""X-Formation License Statistics simulator: the REST API v1 reports Meterboard reads.

Usage is computed, not stored: every feature is sampled each 15 minutes from
(feature, time), with office-hour peaks and quiet weekends; a feature whose
demand passes its seat total is capped there and counts the refused requests
as denials; some features have licenses borrowed. Hourly rows aggregate the
samples, and day/week/month/quarter rows aggregate the hours, server side, as
License Statistics' own reports do. The hour and the day holding `end` are
open: they grow as `end` moves. Sessions for the current-users reports are
drawn from a pool of users and hosts so that they add up to the usage at `end`.

Switches for tests: `shape` "new" or "old" (the two documented versions of the
current-users reports), `feature_path` "new" (/api/v1/feature/json) or "old"
(/api/v1/report/feature/json), `list_fields` "documented" (the License Server
API's lsh/lsp/lsmn/lss), "older" (this simulator's earlier host/port/manager/
status) or "ids" (ids only, no descriptive field), `lists_removed` (the license
server and feature lists answer 404, as in v6.3 and newer),
`current_users_removed` (v6.3 and newer), `server_count`/`feature_count` (a
generated installation: that many servers of that many features each, e.g.
100 x 50 for the enterprise benchmark), `session_count` (that many current
sessions, whatever the usage), and `fail_next()` for a
`success: false` answer. The current-users reports honour a `filter` on lsid
(numeric eq/gt/lt rules, all of which must hold).
"""

import json
import threading
from collections import deque
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from ingest.simulators.server import Response, Simulator

DEFAULT_SERVERS = [
    {"lsid": 1, "lsn": "flexlm-eng", "host": "lic-eng01", "port": "27000", "manager": "FlexNet", "status": "UP"},
    {"lsid": 2, "lsn": "rlm-design", "host": "lic-des01", "port": "5053", "manager": "RLM", "status": "UP"},
]
DEFAULT_FEATURES = [
    {"fid": 11, "lsid": 1, "fns": "MATLAB", "fv": "R2024b", "ftype": "floating", "total": 20, "peak": 21, "borrow": 2},
    {"fid": 12, "lsid": 1, "fns": "Simulink", "fv": "R2024b", "ftype": "floating", "total": 10, "peak": 7, "borrow": 0},
    {"fid": 13, "lsid": 1, "fns": "Signal_Toolbox", "fv": "R2024b", "ftype": "floating", "total": 4, "peak": 4, "borrow": 1},
    {"fid": 21, "lsid": 2, "fns": "ANSYS_Mechanical", "fv": "2024.1", "ftype": "floating", "total": 12, "peak": 11, "borrow": 3},
    {"fid": 22, "lsid": 2, "fns": "SolidWorks", "fv": "2025", "ftype": "named user", "total": 8, "peak": 9, "borrow": 0},
]  # fmt: skip
# The demo's features: saturated ones with denials (MATLAB, Signal_Toolbox, SolidWorks) beside ones
# idling well below their seats (Simulink, ANSYS_Mechanical, Abaqus), whose right-size saves money.
DEMO_FEATURES = [
    {"fid": 11, "lsid": 1, "fns": "MATLAB", "fv": "R2024b", "ftype": "floating", "total": 20, "peak": 21, "borrow": 2},
    {"fid": 12, "lsid": 1, "fns": "Simulink", "fv": "R2024b", "ftype": "floating", "total": 20, "peak": 5, "borrow": 0},
    {"fid": 13, "lsid": 1, "fns": "Signal_Toolbox", "fv": "R2024b", "ftype": "floating", "total": 4, "peak": 4, "borrow": 1},
    {"fid": 21, "lsid": 2, "fns": "ANSYS_Mechanical", "fv": "2024.1", "ftype": "floating", "total": 16, "peak": 6, "borrow": 1},
    {"fid": 22, "lsid": 2, "fns": "SolidWorks", "fv": "2025", "ftype": "named user", "total": 8, "peak": 9, "borrow": 0},
    {"fid": 23, "lsid": 2, "fns": "Abaqus", "fv": "2024", "ftype": "floating", "total": 10, "peak": 2, "borrow": 0},
]  # fmt: skip
USERS = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "nina",
    "oscar", "peggy", "quentin", "rupert", "sybil", "trent", "ursula", "victor", "wendy", "xavier", "yara", "zoe",
]  # fmt: skip
GRANULARITIES = {2: "quarter", 3: "month", 4: "week", 5: "day", 6: "hour"}
SAMPLE_MINUTES = 15
HOUR = timedelta(hours=1)
REPORTS_KEPT = 4  # usage history reports whose rows are kept for their next pages
LICENSED_USERS = 50


def fail(status, msg, code=None):
    return Response({"success": False, "msg": msg, "code": code if code is not None else status}, status=status)


def ok(data, total=None):
    body = {"success": True, "msg": None, "data": data, "code": None}
    if total is not None:
        body["totalCount"] = total
    return Response(body)


def _noise(a, b):
    """A deterministic pseudo-random number in [0, 1) from two integers."""
    x = (a * 2246822519 + b * 3266489917 + 0x27D4EB2F) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 668265263) & 0xFFFFFFFF
    x ^= x >> 13
    return (x & 0xFFFF) / 65536.0


def demand(fid, when, peak):
    """Licenses of one feature wanted at `when` (UTC): office hours on weekdays, quiet nights and weekends."""
    hour = when.hour + when.minute / 60
    if when.weekday() < 5 and 7 <= hour < 18:
        shape = min(1.0, (hour - 7) / 2, (18 - hour) / 2) * (0.75 if 12 <= hour < 13 else 1.0)
    else:
        shape = 0.1 if when.weekday() < 5 else 0.04
    day = when.toordinal()
    busy_day = 0.7 + 0.5 * _noise(day, fid)
    jitter = 0.8 + 0.4 * _noise(day * 96 + when.hour * 4 + when.minute // 15, fid + 5)
    return int(round(peak * shape * busy_day * jitter))


def _shape(weekday, at):
    """demand()'s shape of the day at `at` hours past midnight (UTC): office hours on weekdays, quiet otherwise."""
    if weekday < 5 and 7 <= at < 18:
        return min(1.0, (at - 7) / 2, (18 - at) / 2) * (0.75 if 12 <= at < 13 else 1.0)
    return 0.1 if weekday < 5 else 0.04


SAMPLES_PER_HOUR = 60 // SAMPLE_MINUTES
# _shape() of every sample of the day, [weekday < 5][sample of the day]: the same floats, computed once.
_SHAPES = [
    [_shape(weekday, h + q * SAMPLE_MINUTES / 60) for h in range(24) for q in range(SAMPLES_PER_HOUR)]
    for weekday in (5, 0)
]


def hour_samples(fid, peak, total, borrow, hour, count):
    """The first `count` samples of the UTC hour starting at `hour`: sample() of each, computed in one go."""
    day, h = hour.toordinal(), hour.hour
    busy_day = 0.7 + 0.5 * _noise(day, fid)
    borrowed = int(round(borrow * _noise(day * 24 + h, fid + 3))) if borrow else 0
    shapes = _SHAPES[hour.weekday() < 5]
    out = []
    for q in range(count):
        # _noise(day * 96 + h * 4 + q, fid + 5), inline: this is the simulator's innermost loop
        x = ((day * 96 + h * 4 + q) * 2246822519 + (fid + 5) * 3266489917 + 0x27D4EB2F) & 0xFFFFFFFF
        x ^= x >> 15
        x = (x * 668265263) & 0xFFFFFFFF
        x ^= x >> 13
        wanted = int(round(peak * shapes[h * 4 + q] * busy_day * (0.8 + 0.4 * ((x & 0xFFFF) / 65536.0))))
        out.append((min(total, wanted + borrowed), borrowed, max(0, wanted + borrowed - total)))
    return out


@lru_cache(maxsize=65_536)
def hour_stats(fid, peak, total, borrow, hour, count):
    """What a period's row needs of one hour's samples (see aggregate()): (samples, least used, sum used, most used,
    least borrowed, most borrowed, denials), as hour_samples() would give them, without a list of samples. Kept
    for the hours asked for again: a report's next page, the hourly rows of the days just read as days."""
    day, h = hour.toordinal(), hour.hour
    busy_day = 0.7 + 0.5 * _noise(day, fid)
    borrowed = int(round(borrow * _noise(day * 24 + h, fid + 3))) if borrow else 0
    shapes = _SHAPES[hour.weekday() < 5]
    least, most, used, denials = total, 0, 0, 0
    for q in range(count):
        x = ((day * 96 + h * 4 + q) * 2246822519 + (fid + 5) * 3266489917 + 0x27D4EB2F) & 0xFFFFFFFF
        x ^= x >> 15
        x = (x * 668265263) & 0xFFFFFFFF
        x ^= x >> 13
        held = int(round(peak * shapes[h * 4 + q] * busy_day * (0.8 + 0.4 * ((x & 0xFFFF) / 65536.0)))) + borrowed
        if held > total:
            denials += held - total
            held = total
        used += held
        least = held if held < least else least
        most = held if held > most else most
    return count, least, used, most, borrowed, borrowed, denials


def combined(stats, total):
    """aggregate() of the samples of the hours whose hour_stats() are `stats`: the same figures, from the sums."""
    if len(stats) == 1:
        n, least, used, most, least_borrowed, most_borrowed, denials = stats[0]
    else:
        n, used, denials = sum(s[0] for s in stats), sum(s[2] for s in stats), sum(s[6] for s in stats)
        least, most = min(s[1] for s in stats), max(s[3] for s in stats)
        least_borrowed, most_borrowed = min(s[4] for s in stats), max(s[5] for s in stats)
    return {
        "lumin": least,
        "lua": round(used / n, 2),
        "lumax": most,
        "lbmin": least_borrowed,
        "lbmax": most_borrowed,
        "ldtc": denials,
        "hu": round(used * SAMPLE_MINUTES / 60, 2),
        "ft": total,
    }


@lru_cache(maxsize=200_000)
def sample(fid, peak, total, borrow, when):
    """(used, borrowed, denials) of one feature at one sample time (a UTC datetime)."""
    wanted = demand(fid, when, peak)
    borrowed = int(round(borrow * _noise(when.toordinal() * 24 + when.hour, fid + 3))) if borrow else 0
    used = min(total, wanted + borrowed)
    return used, borrowed, max(0, wanted + borrowed - total)


class LstatSimulator(Simulator):
    sizes = {
        "servers": ("server_count", "License Statistics: generate this many license servers"),
        "features": ("feature_count", "License Statistics: features per generated server"),
        "sessions": ("session_count", "License Statistics: current sessions to report"),
    }
    routes = [
        ("GET", r"/api/v1/license-server/json", "servers_list"),
        ("GET", r"/api/v1/(?P<where>feature|report/feature)/json", "features_list"),
        ("GET", r"/api/v1/report/usage-history/license-server/(?P<lsid>\d+)/json", "usage_server"),
        ("GET", r"/api/v1/report/usage-history/feature/(?P<fid>\d+)/json", "usage_feature"),
        ("GET", r"/api/v1/report/usage-history/comparison/json", "usage_comparison"),
        ("GET", r"/api/v1/report/users/current/json", "current_users"),
        ("GET", r"/api/v1/report/users/license/current-usage/json", "current_usage"),
        ("GET", r"/api/v1/report/users/license/highest-usage/json", "highest_usage"),
    ]

    def __init__(
        self, *, servers=None, features=None, history_days=30, end=None, timezone="UTC",
        server_count=None, feature_count=None, session_count=None, **kw,
    ):  # fmt: skip
        super().__init__(**kw)
        if server_count or feature_count:  # a generated installation: server_count servers x feature_count features
            servers, features = generated(server_count or len(DEFAULT_SERVERS), feature_count or 3)
        self.servers = servers or DEFAULT_SERVERS
        self.features = features or DEFAULT_FEATURES
        self.session_count = session_count  # None: sessions add up to the usage at `end`
        self.tokens = set(kw.get("tokens", {"demo-token"}))
        self.zone = ZoneInfo(timezone)
        self.shape = kw.get("shape", "new")
        self.feature_path = kw.get("feature_path", "new")
        self.current_users_removed = kw.get("current_users_removed", False)
        self.list_fields = kw.get("list_fields", "documented")
        self.lists_removed = kw.get("lists_removed", False)
        self.fixed_end = end
        self.start = _floor((end or datetime.now(UTC)) - timedelta(days=history_days))
        self.failures = []  # see fail_next()
        self.overstate_total = 0  # > 0: totalCount promises rows that never come, as a broken server might
        self.requests = deque(maxlen=1000)  # (path, query) of recent requests, for tests to inspect
        self.reports, self.reports_lock = {}, threading.Lock()  # the last REPORTS_KEPT reports' rows, see usage()

    test_history_days = 3
    demo_options = {"features": DEMO_FEATURES}

    def test_source(self, base_url):
        """The `lstat_source` test fixture: the simulator's three days, 25 rows per page."""
        params = {"history_start": "2026-03-01", "hourly_days": "2", "page_size": "25", "timezone": "UTC"}
        return {**self.demo_source(base_url), "name": "test-lstat", "params": params}

    def demo_source(self, base_url):
        """A source over the whole simulated history, reading `lud` in the simulator's zone."""
        return {
            "kind": "lstat",
            "base_url": base_url,
            "token": sorted(self.tokens)[0],
            "params": {"history_start": self.start.astimezone(self.zone).date().isoformat(), "timezone": self.zone.key},
        }

    def demo_entitlements(self, source, today):
        """The demo's contracts (rows of the overview's download): a price per seat for each feature, renewing over
        the next months; the seats owned are the vendor's (the features' totals)."""
        terms = {11: (2150, 45, "MW-887213"), 12: (1800, 45, "MW-887213"), 13: (900, 45, "MW-887213"),
                 21: (4200, 200, "ANS-2025-17"), 22: (1300, 110, "DS-SW-4471"), 23: (3000, 80, "DS-ABQ-0912")}  # fmt: skip
        return [
            {"Key": f"lstat:{source.pk}:{f['fid']}", "Price per unit per year": str(terms[f["fid"]][0]),
             "Renews on": (today + timedelta(days=terms[f["fid"]][1])).isoformat(), "Reference": terms[f["fid"]][2]}
            for f in self.features if f["fid"] in terms
        ]  # fmt: skip

    @property
    def end(self):
        return self.fixed_end or datetime.now(UTC)

    def fail_next(self, path, msg, *, code=500, status=200, times=1, after=0):
        """After `after` more requests under `path`, answer `times` of them with `success: false`.

        License Statistics says `success: false` with HTTP 200 for some failures and
        with HTTP 400 for invalid parameters; `status` picks which.
        """
        self.failures.append({"path": path, "msg": msg, "code": code, "status": status, "times": times, "after": after})

    def handle(self, request):
        if request.headers.get("x-auth-token") not in self.tokens:
            return fail(401, "Invalid authentication token.", 401)
        self.requests.append((request.path, {k: v[0] for k, v in request.query.items()}))
        for f in self.failures:
            if request.path.startswith(f["path"]) and f["times"]:
                if f["after"]:
                    f["after"] -= 1
                    continue
                f["times"] -= 1
                return Response({"success": False, "msg": f["msg"], "code": f["code"], "data": None}, f["status"])
        return super().handle(request)

    # --- lists ----------------------------------------------------------------------
    def servers_list(self, request):
        if self.lists_removed:
            return fail(404, "The License Server API was removed in License Statistics 6.3", 404)
        names = {"host": "lsh", "port": "lsp", "manager": "lsmn", "status": "lss"}
        rows = []
        for server in self.servers:
            if self.list_fields == "ids":
                rows.append({"lsid": server["lsid"]})
            elif self.list_fields == "older":
                rows.append(dict(server))
            else:
                row = {"lsid": server["lsid"], "lsn": server["lsn"], "vn": "", "lsd": ""}
                row.update({names[k]: v for k, v in server.items() if k in names})
                row["lsp"] = int(row["lsp"])
                rows.append(row)
        return self.paged(request, rows)

    def features_list(self, request, where):
        if self.lists_removed:
            return fail(404, "The Feature API was removed in License Statistics 6.3", 404)
        if self.list_fields == "ids":
            return self.paged(request, [{"fid": f["fid"], "lsid": f["lsid"]} for f in self.features])
        if (where == "feature") != (self.feature_path == "new"):
            return fail(404, f"No endpoint /api/v1/{where}/json in this version", 404)
        names = {s["lsid"]: s["lsn"] for s in self.servers}
        rows = [
            {k: f[k] for k in ("fid", "fns", "fv", "ftype", "lsid")} | {"lsn": names[f["lsid"]]} for f in self.features
        ]
        return self.paged(request, rows)

    def paged(self, request, rows):
        limit = int(request.arg("limit", len(rows) or 1))
        offset = int(request.arg("offset", 0))
        if limit <= 0 or offset < 0:
            return fail(400, "limit must be greater than zero and offset not negative")
        return ok(rows[offset : offset + limit], total=len(rows) + self.overstate_total)

    # --- usage history --------------------------------------------------------------
    def usage_server(self, request, lsid):
        features = [f for f in self.features if f["lsid"] == int(lsid)]
        if not any(s["lsid"] == int(lsid) for s in self.servers):
            return fail(400, f"License server {lsid} does not exist")
        return self.usage(request, features, names=True)

    def usage_feature(self, request, fid):
        features = [f for f in self.features if f["fid"] == int(fid)]
        if not features:
            return fail(400, f"Feature {fid} does not exist")
        return self.usage(request, features, names=False)

    def usage_comparison(self, request):
        try:
            fids = [int(v) for v in request.arg("fi", "").split(",") if v]
        except ValueError:
            return fail(400, "fi must be a list of feature ids, e.g. fi=1,2,3")
        features = [f for f in self.features if f["fid"] in fids]
        if not fids or len(features) != len(set(fids)):
            return fail(400, f"Unknown feature id in fi={request.arg('fi', '')}")
        return self.usage(request, features, names=False)

    def usage(self, request, features, *, names):
        try:
            sd, ed = date.fromisoformat(request.arg("sd", "")), date.fromisoformat(request.arg("ed", ""))
        except ValueError:
            return fail(400, "sd and ed are required, in YYYY-MM-DD format")
        granularity = GRANULARITIES.get(int(request.arg("granularity", "0") or 0))
        if granularity is None or sd > ed:
            return fail(400, "granularity must be 2 to 6, and sd not after ed")
        descending = request.arg("orderDirection") == "DESC"
        end = self.end
        # A report's rows depend on `end` only through the last sample before it when every hour starts on the
        # sample grid (local midnights in every zone of whole quarter hours): its pages share one computation.
        first = datetime.combine(sd, datetime.min.time(), tzinfo=self.zone).astimezone(UTC)
        on_grid = first.second == 0 and first.microsecond == 0 and first.minute % SAMPLE_MINUTES == 0
        key = (
            tuple((f["fid"], f["peak"], f["total"], f["borrow"], f["fns"], f["fv"], f["ftype"]) for f in features),
            names, sd, ed, granularity, descending, self.zone, self.start, _floor(end) if on_grid else end,
        )  # fmt: skip
        with self.reports_lock:
            rows = self.reports.get(key)
        if rows is None:
            rows = self.report_rows(features, sd, ed, granularity, descending, end, names)
            with self.reports_lock:
                self.reports[key] = rows
                while len(self.reports) > REPORTS_KEPT:
                    del self.reports[next(iter(self.reports))]
        return self.paged(request, rows)

    def report_rows(self, features, sd, ed, granularity, descending, end, names):
        """Every row of a usage history report, in its order (the pages slice it)."""
        periods = self.period_hours(sd, ed, granularity, end)
        rows = []
        for f in features:
            for row in self.feature_periods(f, periods):
                if names:
                    row.update(fns=f["fns"], fv=f["fv"], ftype=f["ftype"])
                rows.append(row)
        rows.sort(key=lambda r: (r.pop("_start"), r["fid"]), reverse=descending)
        return rows

    def periods(self, f, sd, ed, granularity, end=None):
        """The feature's rows between local days sd and ed: hours, or hours aggregated to coarser periods."""
        return self.feature_periods(f, self.period_hours(sd, ed, granularity, end))

    def feature_periods(self, f, periods):
        fid, peak, total, borrow = f["fid"], f["peak"], f["total"], f["borrow"]
        return [
            {"fid": fid, "lud": lud, "_start": start,
             **combined([hour_stats(fid, peak, total, borrow, hour, count) for hour, count in hours], total)}
            for lud, start, hours in periods
        ]  # fmt: skip

    def period_hours(self, sd, ed, granularity, end=None):
        """[(lud, sort key, [(UTC start, samples) of its hours])] of the periods between local days sd and ed:
        the same for every feature of a report."""
        groups = {}
        for hour, count in self.hours(sd, ed, end):
            lud, start = self.label(hour.astimezone(self.zone), granularity, sd, ed)
            groups.setdefault(lud, (start, []))[1].append((hour, count))
        return [(lud, start, hours) for lud, (start, hours) in groups.items()]

    def hours(self, sd, ed, end=None):
        """(UTC start, samples taken) of each hour of the local days sd to ed, up to `end` (default: now)."""
        first = datetime.combine(sd, datetime.min.time(), tzinfo=self.zone).astimezone(UTC)
        last = datetime.combine(ed + timedelta(days=1), datetime.min.time(), tzinfo=self.zone).astimezone(UTC)
        hour = max(first, self.start)
        end = self.end if end is None else end
        while hour < last and hour <= end:
            yield hour, min(SAMPLES_PER_HOUR, int((end - hour).total_seconds() // (SAMPLE_MINUTES * 60)) + 1)
            hour += HOUR

    def label(self, local, granularity, sd, ed):
        """The period's `lud`, as License Statistics writes it for each granularity, and its sort key."""
        day = local.date()
        if granularity == "hour":
            return local.strftime("%Y-%m-%d %H:%M"), local
        if granularity == "day":
            return day.isoformat(), day
        if granularity == "week":
            first = max(sd, day - timedelta(days=day.weekday()))
            last = min(ed, day + timedelta(days=6 - day.weekday()))
            return f"{first} - {last}", first
        if granularity == "month":
            return f"{day:%Y-%m}", day.replace(day=1)
        quarter = (day.month - 1) // 3 + 1
        return f"{day.year}-Q{quarter}", (day.year, quarter)

    # --- current users --------------------------------------------------------------
    def sessions(self, when, request=None):
        """Who holds each feature at the sample time `when`: sessions adding up to its usage.

        A request's `filter` keeps the features of the license servers it selects. With `session_count`, that many
        one-license sessions instead, spread over the features, whatever the usage.
        """
        if self.session_count is not None:
            return self.counted_sessions(when, request)
        out = []
        for f in self.features:
            if request is not None and not lsid_filter(request)(f["lsid"]):
                continue
            used = sample(f["fid"], f["peak"], f["total"], f["borrow"], when)[0]
            j = 0
            while used > 0:
                n = 2 if used >= 2 and _noise(f["fid"] * 100 + j, when.toordinal()) < 0.15 else 1
                user = int(_noise(f["fid"] * 31 + j, when.toordinal()) * len(USERS))
                start = when - timedelta(minutes=15 + int(_noise(j, f["fid"] + when.hour) * 360))
                out.append(
                    {
                        "f": f,
                        "uid": 100 + user,
                        "un": USERS[user],
                        "hn": f"ws-{USERS[user]}-{1 + j % 2}",
                        "n": n,
                        "lco": start,
                    }
                )
                used -= n
                j += 1
        return out

    def counted_sessions(self, when, request):
        keep = lsid_filter(request) if request is not None else (lambda lsid: True)
        users = [f"user{k:05}" for k in range(max(len(USERS), self.session_count // 2))]
        out = []
        for j in range(self.session_count):
            f = self.features[j % len(self.features)]
            if not keep(f["lsid"]):
                continue
            user = users[int(_noise(j, when.toordinal()) * len(users))]
            start = when - timedelta(minutes=15 + int(_noise(j, f["fid"] + when.hour) * 360))
            out.append({"f": f, "uid": 1000 + j, "un": user, "hn": f"ws-{user}", "n": 1, "lco": start})
        return out

    def licenses_key(self):
        return "lus" if self.shape == "new" else "fu"

    def current_users(self, request):
        if self.current_users_removed:
            return fail(404, "The Current Users report was removed in License Statistics 6.3", 404)
        names = {s["lsid"]: s["lsn"] for s in self.servers}
        rows = [
            {
                "fid": s["f"]["fid"], "fns": s["f"]["fns"], "ftype": s["f"]["ftype"], "fv": s["f"]["fv"],
                "lsid": s["f"]["lsid"], "lsn": names[s["f"]["lsid"]], "uid": s["uid"], "un": s["un"], "hn": s["hn"],
                "lco": s["lco"].astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S"), self.licenses_key(): s["n"],
            }
            for s in self.sessions(_floor(self.end), request)
        ]  # fmt: skip
        return self.paged(request, rows)

    def current_usage(self, request):
        if self.current_users_removed:
            return fail(404, "The Current Users report was removed in License Statistics 6.3", 404)
        sessions = self.sessions(_floor(self.end), request)
        users = {s["un"] for s in sessions}
        if self.shape == "old":
            return ok([{"hu": 1, "tu": len(users)}, {"hu": 0, "tu": len(USERS) - len(users)}], total=2)
        if self.shape == "other":  # a shape neither documented version shows
            return ok({"activeUsers": len(users), "seats": LICENSED_USERS})
        user_hosts = {(s["un"], s["hn"]) for s in sessions}
        return ok({"current": len(users), "licenseUsage": len(user_hosts), "licenseLimit": LICENSED_USERS})

    def highest_usage(self, request):
        """The 10 users who held the most licenses at once during the last 13 days (sampled at 11:00 UTC)."""
        if self.current_users_removed:
            return fail(404, "The Current Users report was removed in License Statistics 6.3", 404)
        best = {}
        for days_ago in range(13):
            when = (self.end - timedelta(days=days_ago)).replace(hour=11, minute=0, second=0, microsecond=0)
            if not self.start <= when <= self.end:
                continue
            held = {}
            for s in self.sessions(when, request):
                held[s["un"]] = held.get(s["un"], 0) + s["n"]
            for user, n in held.items():
                best[user] = max(best.get(user, 0), n)
        top = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:10]
        return ok([{"un": user, self.licenses_key(): n} for user, n in top], total=len(top))


def generated(server_count, feature_count):
    """`server_count` license servers of `feature_count` features each, with seat totals and peaks of their own."""
    managers = ["FlexNet", "RLM", "Sentinel", "DSLS"]
    servers = [
        {"lsid": i, "lsn": f"lic-{i:03}", "host": f"lic{i:03}.example.com", "port": str(27000 + i % 100),
         "manager": managers[i % len(managers)], "status": "UP"}
        for i in range(1, server_count + 1)
    ]  # fmt: skip
    features = []
    for server in servers:
        for j in range(1, feature_count + 1):
            fid = server["lsid"] * 1000 + j
            total = 2 + int(_noise(fid, 1) * 60)
            features.append({
                "fid": fid, "lsid": server["lsid"], "fns": f"FEATURE_{fid}", "fv": "2025", "ftype": "floating",
                "total": total, "peak": max(1, int(total * (0.4 + 0.75 * _noise(fid, 2)))),
                "borrow": int(_noise(fid, 3) * 3),
            })  # fmt: skip
    return servers, features


def lsid_filter(request):
    """A predicate on lsid from the request's `filter` (numeric rules on lsid; others are ignored)."""
    rules = [r for r in json.loads(request.arg("filter", "") or "[]") if r.get("field") == "lsid"]
    tests = {"eq": lambda a, b: a == b, "gt": lambda a, b: a > b, "lt": lambda a, b: a < b}
    return lambda lsid: all(tests[r["comparison"]](lsid, int(r["value"])) for r in rules)


def _floor(moment):
    """Down to the sample grid (15 minutes)."""
    return moment.replace(minute=moment.minute - moment.minute % SAMPLE_MINUTES, second=0, microsecond=0)


def aggregate(samples, total):
    """One period's row from its samples (or from its hours' samples): the usage history fields License Statistics documents."""
    flat = [s for hour in samples for s in hour] if samples and isinstance(samples[0], list) else samples
    used = [s[0] for s in flat]
    borrowed = [s[1] for s in flat]
    return {
        "lumin": min(used),
        "lua": round(sum(used) / len(used), 2),
        "lumax": max(used),
        "lbmin": min(borrowed),
        "lbmax": max(borrowed),
        "ldtc": sum(s[2] for s in flat),
        "hu": round(sum(used) * SAMPLE_MINUTES / 60, 2),
        "ft": total,
    }
