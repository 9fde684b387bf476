"""X-Formation License Statistics, REST API v1 (X-Auth-token header).

Reference: ../shared/seeds/001_bcba8b136279131a.txt (usage history per feature,
comparison and license server) and ../shared/seeds/003_ec59dc2863798912.txt
(current users, current and highest license usage, two versions compared).

Each run: discover servers and features (upsert); fetch the daily history of
every covered server from its cursor (the last complete day) through today,
so today's open row is re-fetched until it is complete; re-fetch the hourly
window (default 14 days) whose last hour is still open; then snapshot the
current-users reports, which License Statistics keeps no history of.
Every request series (a chunk of days, a snapshot) is gathered in full before
it is stored in one transaction, so an upstream failure stores nothing half.
"""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone

from ingest.errors import CredentialsError, FetchError, PayloadError
from ingest.http import HttpClient
from ingest.vendors.base import Connector, split_list
from ingest.vendors.lstat.models import LstatFeature, LstatServer, LstatSession, LstatSnapshot, LstatTopUser, LstatUsage

# License Statistics' granularity codes (seed 001).
GRANULARITY_CODES = {"quarter": 2, "month": 3, "week": 4, "day": 5, "hour": 6}
DEFAULT_PAGE_SIZE = 1000
DEFAULT_HOURLY_DAYS = 14
DEFAULT_HISTORY_DAYS = 365
CHUNK_DAYS = {"day": 92, "hour": 7}  # days per request series: bounded memory, whole-series transactions
SNAPSHOT_KINDS = ["users", "current_usage", "highest_usage"]

USAGE_COLUMNS = [
    "feature", "granularity", "period_start", "lud",
    "lumin", "lua", "lumax", "lbmin", "lbmax", "ldtc", "hu", "ft", "fns", "fv", "ftype",
]  # fmt: skip
USAGE_KEYS = ["feature", "granularity", "period_start"]
INT_FIELDS = ("lumin", "lumax", "lbmin", "lbmax", "ldtc", "ft")
FLOAT_FIELDS = ("lua", "hu")

# The `lud` forms License Statistics' documentation shows, one per granularity.
_D = r"(\d{4})-(\d{2})-(\d{2})"
LUD_FORMS = [
    ("hour", re.compile(_D + r" (\d{2}):(\d{2})(?::(\d{2}))?")),
    ("day", re.compile(_D)),
    ("week", re.compile(_D + r" - " + _D)),
    ("month", re.compile(r"(\d{4})-(\d{2})")),
    ("quarter", re.compile(r"(\d{4})-Q([1-4])")),
]


class NotFound(FetchError):
    """HTTP 404: this License Statistics version has no such endpoint."""


def parse_lud(text, zone):
    """`lud` -> (granularity, aware start of the period in `zone`); ValueError for any other form."""
    if not isinstance(text, str):
        raise ValueError(f"lud must be a string, got {type(text).__name__}")
    for granularity, pattern in LUD_FORMS:
        match = pattern.fullmatch(text.strip())
        if match:
            return granularity, _period_start(granularity, [int(g or 0) for g in match.groups()], text, zone)
    raise ValueError(
        f"lud {text!r} is none of the forms License Statistics documents "
        "(YYYY-MM-DD HH:MM[:SS], YYYY-MM-DD, YYYY-MM-DD - YYYY-MM-DD, YYYY-MM, YYYY-Qn)"
    )


def _period_start(granularity, n, text, zone):
    try:
        if granularity == "hour":
            return datetime(n[0], n[1], n[2], n[3], n[4], n[5], tzinfo=zone)
        if granularity == "week":
            first, last = date(*n[:3]), date(*n[3:])
            if not timedelta(0) <= last - first <= timedelta(days=6):
                raise ValueError("a week spans at most 7 days, first to last")
            return datetime(first.year, first.month, first.day, tzinfo=zone)
        if granularity == "quarter":
            return datetime(n[0], 3 * n[1] - 2, 1, tzinfo=zone)
        return datetime(n[0], n[1], n[2] if granularity == "day" else 1, tzinfo=zone)
    except ValueError as exc:
        raise ValueError(f"lud {text!r} is not a valid {granularity}: {exc}") from None


def _id_list(value, name):
    items = value if isinstance(value, list) else split_list(value, unique=False)
    try:
        return [int(v) for v in items]
    except (TypeError, ValueError):
        raise ValueError(f"{name} takes comma-separated whole numbers, e.g. {name}=3,7; got {value!r}") from None


def _bounded_int(params, name, default, low, high):
    try:
        value = int(params.get(name, default))
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, not {params[name]!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}")
    return value


class LstatHttp(HttpClient):
    """HttpClient that tells 400, 401 and 404 apart and keeps License Statistics' own message."""

    def _check(self, what, response):
        if response.status_code in (400, 401, 404):
            message = self._clean(f"{what} answered HTTP {response.status_code}: {upstream_message(response)}")
            if response.status_code == 401:
                raise CredentialsError(message + " (check the API token)")
            raise (NotFound if response.status_code == 404 else FetchError)(message)
        return super()._check(what, response)


def upstream_message(response):
    try:
        body = response.json()
    except ValueError:
        return response.text[:300].strip() or response.reason
    if isinstance(body, dict) and (body.get("msg") or body.get("error")):
        code = f" (code {body['code']})" if body.get("code") is not None else ""
        return f"{body.get('msg') or body.get('error')}{code}"
    return response.text[:300].strip()


class LstatConnector(Connector):
    kind = "lstat"
    params_help = {
        "lsids": "comma-separated license server ids to cover (default: every server License Statistics lists)",
        "fids": "comma-separated feature ids to fetch on their own instead of whole servers: one through the "
        "feature endpoint, several through the comparison endpoint",
        "history_start": f"first day of the daily history, YYYY-MM-DD (default: {DEFAULT_HISTORY_DAYS} days ago)",
        "hourly_days": f"days of hourly history re-fetched on each run (default {DEFAULT_HOURLY_DAYS}; 0 for none)",
        "timezone": "zone License Statistics writes its dates in, Area/City (default: TIME_ZONE)",
        "page_size": f"rows per request, the `limit` (default {DEFAULT_PAGE_SIZE})",
        "snapshots": "current-users reports to snapshot on each run: users,current_usage,highest_usage "
        "(default all three; 'none' for none)",
    }

    @classmethod
    def clean_params(cls, params):
        params = super().clean_params(params)
        params["lsids"] = _id_list(params.get("lsids"), "lsids")
        params["fids"] = _id_list(params.get("fids"), "fids")
        start = params.get("history_start") or None
        if start:
            try:
                start = date.fromisoformat(str(start)).isoformat()
            except ValueError:
                raise ValueError(f"history_start must be a date YYYY-MM-DD, not {start!r}") from None
        params["history_start"] = start
        params["hourly_days"] = _bounded_int(params, "hourly_days", DEFAULT_HOURLY_DAYS, 0, 92)
        params["page_size"] = _bounded_int(params, "page_size", DEFAULT_PAGE_SIZE, 1, 100_000)
        params["timezone"] = cls.clean_timezone(params.get("timezone") or "")
        params["snapshots"] = cls.clean_snapshots(params.get("snapshots", ",".join(SNAPSHOT_KINDS)))
        return params

    @staticmethod
    def clean_timezone(name):
        if name:
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"timezone {name!r} is not a known zone such as Europe/Berlin") from None
        return name

    @staticmethod
    def clean_snapshots(value):
        kinds = value if isinstance(value, list) else split_list(str(value), unique=False)
        if kinds == ["none"]:
            return []
        unknown = set(kinds) - set(SNAPSHOT_KINDS)
        if unknown:
            raise ValueError(f"snapshots takes {', '.join(SNAPSHOT_KINDS)} or none; not {', '.join(sorted(unknown))}")
        return kinds

    # --- the run --------------------------------------------------------------------
    def fetch(self):
        if not self.source.token:
            raise CredentialsError("License Statistics needs an API token: add the source with --token")
        self.zone = ZoneInfo(self.params["timezone"] or settings.TIME_ZONE)
        self.http = LstatHttp(
            self.source.base_url, secrets=self.source.secrets(), headers={"X-Auth-token": self.source.token}
        )
        self.now = timezone.now()
        self.today = self.now.astimezone(self.zone).date()
        servers = self.discover()
        for stream in self.streams(servers):
            self.fetch_daily(stream)
            self.fetch_hourly(stream)
        for kind in self.params["snapshots"]:
            getattr(self, f"snapshot_{kind}")()

    def streams(self, servers):
        """What to fetch history for: each covered server, or the configured features."""
        fids = self.params["fids"]
        if len(fids) == 1:
            # Reference: GET /api/v1/report/usage-history/feature/{fid}/json (seed 001)
            return [Stream(f"feature:{fids[0]}", f"/api/v1/report/usage-history/feature/{fids[0]}/json", {})]
        if fids:
            # Reference: GET /api/v1/report/usage-history/comparison/json?fi=1,2,3 (seed 001)
            key = ",".join(map(str, fids))
            return [Stream(f"comparison:{key}", "/api/v1/report/usage-history/comparison/json", {"fi": key})]
        # Reference: GET /api/v1/report/usage-history/license-server/{lsid}/json (seed 001)
        return [
            Stream(f"server:{s.lsid}", f"/api/v1/report/usage-history/license-server/{s.lsid}/json", {}, server=s)
            for s in servers
        ]

    # --- discovery ------------------------------------------------------------------
    def discover(self):
        # Reference: GET /api/v1/license-server/json (lsid, lsn, host, port, manager, status)
        server_rows = [parse_server(r, i) for i, r in enumerate(self.get_all("/api/v1/license-server/json", {}))]
        feature_rows = [parse_feature(r, i) for i, r in enumerate(self.feature_list())]
        known = {s["lsid"] for s in server_rows}
        wanted = self.params["lsids"] or sorted(known)
        missing = sorted(set(wanted) - known)
        if missing:
            raise FetchError(
                f"License Statistics lists no license server with id {', '.join(map(str, missing))}; "
                f"it lists {', '.join(map(str, sorted(known))) or 'none'}"
            )
        feature_rows = [f for f in feature_rows if f["lsid"] in wanted]
        unknown_fids = sorted(set(self.params["fids"]) - {f["fid"] for f in feature_rows})
        if unknown_fids:
            raise FetchError(
                f"License Statistics lists no feature with id {', '.join(map(str, unknown_fids))} "
                f"on license server(s) {', '.join(map(str, wanted))}"
            )
        with self.run.page() as page:
            self.store_servers(page, [s for s in server_rows if s["lsid"] in wanted])
            self.store_features(page, feature_rows)
        self.covered = set(wanted)
        self.features = {f.fid: f for f in LstatFeature.objects.filter(source=self.source).select_related("server")}
        return list(LstatServer.objects.filter(source=self.source, lsid__in=wanted).order_by("lsid"))

    def feature_list(self):
        try:
            # Reference: GET /api/v1/feature/json (fid, fns, fv, ftype, lsid, lsn)
            rows = self.get_all("/api/v1/feature/json", {})
            self.run.note(feature_list="/api/v1/feature/json")
        except NotFound:
            # Reference: GET /api/v1/report/feature/json, the path of older License Statistics versions
            rows = self.get_all("/api/v1/report/feature/json", {})
            self.run.note(feature_list="/api/v1/report/feature/json")
        return rows

    def store_servers(self, page, rows):
        columns = ["source", "lsid", "name", "host", "port", "manager", "status", "seen_at"]
        values = [
            (self.source.pk, r["lsid"], r["lsn"], r["host"], r["port"], r["manager"], r["status"], self.now)
            for r in rows
        ]
        scope = LstatServer.objects.filter(source=self.source)
        page.upsert(LstatServer, columns, values, keys=["source", "lsid"], scope=scope)

    def store_features(self, page, rows):
        """Upsert features (from the feature list or from usage rows) under their servers."""
        server_ids = dict(LstatServer.objects.filter(source=self.source).values_list("lsid", "pk"))
        columns = ["source", "fid", "server", "name", "version", "ftype", "seen_at"]
        values = [
            (self.source.pk, r["fid"], server_ids[r["lsid"]], r["fns"], r["fv"], r["ftype"], self.now) for r in rows
        ]
        scope = LstatFeature.objects.filter(source=self.source)
        page.upsert(LstatFeature, columns, values, keys=["source", "fid"], scope=scope)

    # --- usage history --------------------------------------------------------------
    def fetch_daily(self, stream):
        """Days from the cursor (last complete day) through today; the cursor stops at yesterday."""
        key = f"day:{stream.key}"
        done = self.run.cursor(key)
        if done:
            first = date.fromisoformat(done) + timedelta(days=1)
        elif self.params["history_start"]:
            first = date.fromisoformat(self.params["history_start"])
        else:
            first = self.today - timedelta(days=DEFAULT_HISTORY_DAYS)
        yesterday = self.today - timedelta(days=1)
        for start, end in day_chunks(first, self.today, CHUNK_DAYS["day"]):
            rows = self.get_usage(stream, start, end, "day")
            with self.run.page() as page:
                self.store_usage(page, stream, rows, "day")
                if min(end, yesterday) >= start:
                    page.set_cursor(key, min(end, yesterday).isoformat())

    def fetch_hourly(self, stream):
        """The recent window, re-fetched whole each run: its last hour and day are still open."""
        days = self.params["hourly_days"]
        if not days:
            return
        for start, end in day_chunks(self.today - timedelta(days=days - 1), self.today, CHUNK_DAYS["hour"]):
            rows = self.get_usage(stream, start, end, "hour")
            with self.run.page() as page:
                self.store_usage(page, stream, rows, "hour")

    def get_usage(self, stream, start, end, granularity):
        params = {
            **stream.params,
            "sd": start.isoformat(),
            "ed": end.isoformat(),
            "granularity": GRANULARITY_CODES[granularity],
            "orderBy": "lud",
            "orderDirection": "ASC",
        }
        return self.get_all(stream.path, params)

    def store_usage(self, page, stream, raw_rows, granularity):
        where = f"{stream.path} ({granularity} rows)"
        rows = [parse_usage(r, i, where, self.zone, granularity) for i, r in enumerate(raw_rows)]
        if stream.server is not None:
            self.learn_features(page, stream.server, rows)
        values = []
        for r in rows:
            feature = self.features.get(r["fid"])
            if feature is None:
                raise PayloadError(f"{where}: row for feature {r['fid']}, which License Statistics does not list")
            r["fns"] = r["fns"] or feature.name
            r["fv"] = r["fv"] if r["fv"] is not None else feature.version
            r["ftype"] = r["ftype"] if r["ftype"] is not None else feature.ftype
            values.append((feature.pk, granularity, *(r[c] for c in USAGE_COLUMNS[2:])))
        values = separate_repeated_hours(values, where)
        if values:
            starts = [v[2] for v in values]
            scope = LstatUsage.objects.filter(
                feature__in={v[0] for v in values},
                granularity=granularity,
                period_start__range=(min(starts), max(starts)),
            )
            page.upsert(LstatUsage, USAGE_COLUMNS, values, keys=USAGE_KEYS, scope=scope)

    def learn_features(self, page, server, rows):
        """Server rows name each feature: store features the feature list did not show (yet)."""
        new = {}
        for r in rows:
            if r["fid"] not in self.features and r["fid"] not in new:
                if not r["fns"]:
                    raise PayloadError(f"usage row for unlisted feature {r['fid']} carries no feature name (fns)")
                new[r["fid"]] = {**r, "lsid": server.lsid, "fv": r["fv"] or "", "ftype": r["ftype"] or ""}
        if new:
            self.store_features(page, list(new.values()))
            for feature in LstatFeature.objects.filter(source=self.source, fid__in=new).select_related("server"):
                self.features[feature.fid] = feature

    # --- snapshots of the current-users reports -----------------------------------------
    def snapshot_users(self):
        try:
            # Reference: GET /api/v1/report/users/current/json (seed 003, paged like every report)
            raw = self.get_all("/api/v1/report/users/current/json", {})
        except NotFound:
            return self.run.note(current_users="not offered by this License Statistics (removed in v6.3)")
        rows = [parse_session(r, i, self.zone) for i, r in enumerate(raw)]
        rows = [r for r in rows if r["lsid"] in self.covered]  # the servers this source covers
        shape = licenses_shape(rows)
        with self.run.page() as page:
            snapshot = self.new_snapshot(LstatSnapshot.Kind.USERS, shape, len(rows))
            LstatSession.objects.bulk_create([LstatSession(snapshot=snapshot, **r) for r in rows], batch_size=1000)
            page.fetched += len(rows)
            page.created += len(rows)

    def snapshot_current_usage(self):
        try:
            # Reference: GET /api/v1/report/users/license/current-usage/json (seed 003, both versions)
            body = self.get("/api/v1/report/users/license/current-usage/json", {})
        except NotFound:
            return self.run.note(current_usage="not offered by this License Statistics (removed in v6.3)")
        shape, figures = parse_current_usage(body.get("data"))
        with self.run.page() as page:
            self.new_snapshot(LstatSnapshot.Kind.CURRENT_USAGE, shape, 1, **figures)
            page.fetched += 1
            page.created += 1

    def snapshot_highest_usage(self):
        try:
            # Reference: GET /api/v1/report/users/license/highest-usage/json (seed 003, fu or lus)
            body = self.get("/api/v1/report/users/license/highest-usage/json", {})
        except NotFound:
            return self.run.note(highest_usage="not offered by this License Statistics (removed in v6.3)")
        data = body.get("data")
        if not isinstance(data, list):
            raise PayloadError(f"highest-usage: data is {type(data).__name__}, not a list of users")
        rows = [parse_top_user(r, i) for i, r in enumerate(data)]
        shape = licenses_shape(rows)
        with self.run.page() as page:
            snapshot = self.new_snapshot(LstatSnapshot.Kind.HIGHEST_USAGE, shape, len(rows))
            LstatTopUser.objects.bulk_create(
                [LstatTopUser(snapshot=snapshot, rank=i + 1, **r) for i, r in enumerate(rows)]
            )
            page.fetched += len(rows)
            page.created += len(rows)

    def new_snapshot(self, kind, shape, row_count, **figures):
        return LstatSnapshot.objects.create(
            source=self.source, kind=kind, taken_at=self.now, shape=shape, row_count=row_count, **figures
        )

    # --- HTTP -----------------------------------------------------------------------
    def get(self, path, params):
        """One request; `success: false` becomes a FetchError carrying License Statistics' message."""
        body = self.http.get_json(path, params=params)
        if not isinstance(body, dict):
            raise PayloadError(f"GET {path} answered a JSON {type(body).__name__}, not an object with success/data")
        if body.get("success") is not True:
            code = f" (code {body['code']})" if body.get("code") is not None else ""
            raise FetchError(f"License Statistics refused GET {path}: {body.get('msg') or 'no message'}{code}")
        return body

    def get_all(self, path, params):
        """Page with limit/offset until totalCount rows have arrived."""
        size, rows = self.params["page_size"], []
        while True:
            body = self.get(path, {**params, "limit": size, "offset": len(rows)})
            data, total = body.get("data"), body.get("totalCount")
            if not isinstance(data, list):
                raise PayloadError(f"GET {path} at offset {len(rows)}: data is {type(data).__name__}, not a list")
            if type(total) is not int or total < 0:
                raise PayloadError(f"GET {path} at offset {len(rows)}: totalCount {total!r} is not a count")
            if not data and len(rows) < total:
                raise PayloadError(
                    f"GET {path} at offset {len(rows)}: empty page, but totalCount promised {total} rows"
                )
            rows.extend(data)
            if len(rows) > total:
                raise PayloadError(f"GET {path}: {len(rows)} rows arrived, more than totalCount {total}")
            if len(rows) == total:
                return rows


class Stream:
    """One usage-history request series: its cursor key, path, extra query and server."""

    def __init__(self, key, path, params, server=None):
        self.key, self.path, self.params, self.server = key, path, params, server


def day_chunks(first, last, size):
    while first <= last:
        end = min(last, first + timedelta(days=size - 1))
        yield first, end
        first = end + timedelta(days=1)


def _text(r, name, required=False):
    value = r.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(f"{name} is {type(value).__name__}, not text")
    return str(value)


def _whole(r, name, nullable=False):
    value = r[name]
    if value is None and nullable:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if type(value) is not int:
        raise TypeError(f"{name} is {value!r}, not a whole number")
    return value


def _number(r, name):
    value = r[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} is {value!r}, not a number")
    return float(value)


def _record(kind, i, parse):
    """Run `parse`, turning a missing or malformed field into a PayloadError naming the record."""
    try:
        return parse()
    except KeyError as exc:
        raise PayloadError(f"{kind}, record {i}: missing field {exc}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise PayloadError(f"{kind}, record {i}: {exc}") from None


def parse_server(r, i):
    return _record(
        "license-server list",
        i,
        lambda: {
            "lsid": _whole(r, "lsid"),
            "lsn": _text(r, "lsn", required=True),
            **{k: _text(r, k) or "" for k in ("host", "port", "manager", "status")},
        },
    )


def parse_feature(r, i):
    return _record(
        "feature list",
        i,
        lambda: {
            "fid": _whole(r, "fid"),
            "lsid": _whole(r, "lsid"),
            "fns": _text(r, "fns", required=True),
            "fv": _text(r, "fv") or "",
            "ftype": _text(r, "ftype") or "",
        },
    )


def parse_usage(r, i, where, zone, granularity):
    def parse():
        found, start = parse_lud(r["lud"], zone)
        if found != granularity:
            raise ValueError(f"lud {r['lud']!r} is a {found}, but {granularity} rows were asked for")
        row = {"fid": _whole(r, "fid"), "period_start": start, "lud": r["lud"]}
        row.update({k: _whole(r, k) for k in INT_FIELDS})
        row.update({k: _number(r, k) for k in FLOAT_FIELDS})
        row.update({k: _text(r, k) for k in ("fns", "fv", "ftype")})
        return row

    return _record(where, i, parse)


def separate_repeated_hours(values, where):
    """The hour repeated when clocks go back reads the same twice: the second is the later one.

    Any other repeated period means the pages overlapped (unstable order upstream).
    Keys compare in UTC: within one zone Python ignores `fold` when comparing.
    """
    seen, out = set(), []
    for v in values:
        if (v[0], v[2].astimezone(UTC)) in seen:
            later = v[2].replace(fold=1)
            if v[1] != "hour" or later.utcoffset() == v[2].utcoffset() or (v[0], later.astimezone(UTC)) in seen:
                raise PayloadError(f"{where}: period {v[3]!r} of feature row {v[0]} arrived twice; paging overlapped")
            v = (*v[:2], later, *v[3:])
        seen.add((v[0], v[2].astimezone(UTC)))
        out.append(v)
    return out


def _licenses(r):
    """Licenses held: `fu` in the older response shape, `lus` in the newer one (seed 003)."""
    for name in ("lus", "fu"):
        if name in r:
            return name, _whole(r, name)
    raise KeyError("'lus' (or 'fu')")


def licenses_shape(rows):
    """Which name the licenses per user came under in this response: lus (newer) or fu (older)."""
    shapes = {r.pop("shape") for r in rows}
    return "lus" if "lus" in shapes else "fu"


def parse_session(r, i, zone):
    def parse():
        shape, licenses = _licenses(r)
        lco = _text(r, "lco")
        return {
            "lsid": _whole(r, "lsid"),
            "lsn": _text(r, "lsn") or "",
            "fid": _whole(r, "fid"),
            "fns": _text(r, "fns", required=True),
            "fv": _text(r, "fv") or "",
            "ftype": _text(r, "ftype") or "",
            "uid": _whole(r, "uid", nullable=True) if "uid" in r else None,
            "un": _text(r, "un", required=True),
            "hn": _text(r, "hn") or "",
            "lco": datetime.fromisoformat(lco).replace(tzinfo=zone) if lco else None,
            "licenses": licenses,
            "shape": shape,
        }

    return _record("current users", i, parse)


def parse_top_user(r, i):
    def parse():
        shape, licenses = _licenses(r)
        return {"un": _text(r, "un", required=True), "licenses": licenses, "shape": shape}

    return _record("highest usage", i, parse)


def parse_current_usage(data):
    """Both shapes of seed 003: rows of hu/tu (with and without licenses), or current/licenseUsage/licenseLimit."""

    def parse():
        if isinstance(data, list) and data and all(isinstance(d, dict) and "hu" in d for d in data):
            counts = {str(d["hu"]): _whole(d, "tu") for d in data}
            if set(counts) != {"0", "1"}:
                raise ValueError(f"expected one row with hu 1 and one with hu 0, got hu {sorted(counts)}")
            return "hu_tu", {"users_with_licenses": counts["1"], "users_without_licenses": counts["0"]}
        record = data[0] if isinstance(data, list) and len(data) == 1 else data
        if isinstance(record, dict) and "current" in record:
            return "current", {
                "current": _whole(record, "current"),
                "license_usage": _whole(record, "licenseUsage", nullable=True),
                "license_limit": _whole(record, "licenseLimit", nullable=True),
            }
        raise ValueError(f"data is neither hu/tu rows nor a current/licenseUsage/licenseLimit record: {data!r:.200}")

    return _record("current usage", 0, parse)
