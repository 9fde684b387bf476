"""X-Formation License Statistics, REST API v1 (X-Auth-token header): the run.

Each run: discover servers and features (upsert); fetch the daily history of
every covered server from its cursor (the last complete day) through today,
so today's open row is re-fetched until it is complete; fetch hourly rows
from their cursor (the last complete hour) through now, within the hourly
window (default 14 days), whole local days at a time; then snapshot the
current-users reports, which License Statistics keeps no history of.
Every request series (a chunk of days, a snapshot) is gathered in full before
it is stored in one transaction, so an upstream failure stores nothing half;
the next chunk is asked for while one is stored (fetch_history), one request
at a time.
HTTP is in client.py, reading payloads in parsing.py, writes in storage.py.
"""

import json
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from datetime import UTC, date, datetime, time, timedelta
from itertools import chain
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from ingest.errors import CredentialsError, FetchError, PayloadError
from ingest.vendors.base import Connector
from ingest.vendors.lstat.client import LstatClient, NotFound
from ingest.vendors.lstat.forms import DEFAULT_HISTORY_DAYS, LstatParamsForm
from ingest.vendors.lstat.models import LstatServer
from ingest.vendors.lstat.parsing import (
    PERIOD_FIELD,
    feature_rows,
    kept_raw,
    licenses_shape,
    parse_current_usage,
    server_rows,
    session_rows,
    top_user_rows,
    usage_rows,
)
from ingest.vendors.lstat.storage import LstatStorage

UNRECOGNISED = "unrecognised"  # a snapshot's shape when License Statistics answered in neither documented one

# License Statistics' granularity codes (usage history reports: 2 quarter, 3 month, 4 week, 5 day, 6 hour).
GRANULARITY_CODES = {"quarter": 2, "month": 3, "week": 4, "day": 5, "hour": 6}
CHUNK_DAYS = {"day": 92, "hour": 7}  # days per request series: bounded memory, whole-series transactions
HOUR = timedelta(hours=1)
# An hour counts as complete (the hourly cursor may pass it) once it ended this long before the run started:
# License Statistics may still be writing the hour that just ended when the next one begins.
SETTLE = timedelta(hours=1)


class LstatConnector(Connector):
    kind = "lstat"
    params_form = LstatParamsForm

    def fetch(self):
        if not self.source.token:
            raise CredentialsError("License Statistics needs an API token: add the source with --token")
        self.zone = ZoneInfo(self.params["timezone"] or settings.TIME_ZONE)
        self.client = LstatClient(self.source, self.params["page_size"])
        self.now = timezone.now()
        self.storage = LstatStorage(self.source, self.now)
        self.today = self.now.astimezone(self.zone).date()
        servers = self.discover()
        self.fetch_history(self.streams(servers))
        for kind in self.params["snapshots"]:
            getattr(self, f"snapshot_{kind}")()

    def probe(self):
        if not self.source.token:
            raise CredentialsError("License Statistics needs an API token: add the source with --token")
        self.client = LstatClient(self.source, 100)
        try:  # License Server API: the list of license servers (a few rows)
            servers = server_rows(self.client.get_all("/api/v1/license-server/json", {}))
        except NotFound:
            if self.params["fids"]:
                return (
                    "token accepted; no license server list (License Statistics 6.3 and later): fids are fetched by id"
                )
            raise FetchError("License Statistics answers no license server list: configure fids") from None
        known = {s["lsid"] for s in servers}
        missing = sorted(set(self.params["lsids"]) - known)
        if missing:
            raise FetchError(
                f"License Statistics lists no license server with id {', '.join(map(str, missing))} (lsids); "
                f"it lists {', '.join(map(str, sorted(known))) or 'none'}"
            )
        names = ", ".join(f"{s['name']} (id {s['lsid']})" for s in servers[:5]) + (" …" if len(servers) > 5 else "")
        return f"token accepted; {len(servers)} license server{'s' if len(servers) != 1 else ''}: {names or 'none'}"

    def streams(self, servers):
        """What to fetch history for: each covered server, or the configured features."""
        fids = self.params["fids"]
        if len(fids) == 1:
            # Reference: GET /api/v1/report/usage-history/feature/{fid}/json (usage history per feature)
            return [Stream(f"feature:{fids[0]}", f"/api/v1/report/usage-history/feature/{fids[0]}/json", {})]
        if fids:
            # Reference: GET /api/v1/report/usage-history/comparison/json?fi=1,2,3 (comparison of features)
            key = ",".join(map(str, fids))
            return [Stream(f"comparison:{key}", "/api/v1/report/usage-history/comparison/json", {"fi": key})]
        # Reference: GET /api/v1/report/usage-history/license-server/{lsid}/json (usage history per server)
        return [
            Stream(f"server:{s.lsid}", f"/api/v1/report/usage-history/license-server/{s.lsid}/json", {}, server=s)
            for s in servers
        ]

    # --- discovery ------------------------------------------------------------------
    def discover(self):
        """Servers and features; with `fids` configured, a License Statistics without the lists still works."""
        try:
            servers = server_rows(self.client.get_all("/api/v1/license-server/json", {}))  # License Server API
            features = feature_rows(self.feature_list())
        except NotFound as exc:
            if not self.params["fids"]:
                raise FetchError(f"{exc}; without the license server and feature lists, configure fids") from None
            return self.discover_fids_only(exc)
        known = {s["lsid"] for s in servers}
        wanted = self.params["lsids"] or sorted(known)
        missing = sorted(set(wanted) - known)
        if missing:
            raise FetchError(
                f"License Statistics lists no license server with id {', '.join(map(str, missing))}; "
                f"it lists {', '.join(map(str, sorted(known))) or 'none'}"
            )
        features = [f for f in features if f["lsid"] in wanted]
        unknown_fids = sorted(set(self.params["fids"]) - {f["fid"] for f in features})
        if unknown_fids:
            raise FetchError(
                f"License Statistics lists no feature with id {', '.join(map(str, unknown_fids))} "
                f"on license server(s) {', '.join(map(str, wanted))}"
            )
        with self.run.page() as page:
            self.storage.store_servers(page, [s for s in servers if s["lsid"] in wanted])
            self.storage.store_features(page, features)
        self.covered = set(wanted)
        self.known_servers = known
        self.storage.load_features()
        return list(LstatServer.objects.filter(source=self.source, lsid__in=wanted).order_by("lsid"))

    def discover_fids_only(self, reason):
        """No lists to read (License Statistics 6.3 removed them): the configured features, by id."""
        self.run.note(discovery=f"skipped, {reason}; the configured features are stored by id")
        with self.run.page() as page:
            self.storage.ensure_features(page, self.params["fids"])
        self.covered = set(self.params["lsids"]) or None
        self.known_servers = None
        self.storage.load_features()
        return []

    def feature_list(self):
        try:
            # Reference: Feature API, GET /api/v1/feature/json
            rows = self.client.get_all("/api/v1/feature/json", {})
            self.run.note(feature_list="/api/v1/feature/json")
        except NotFound:
            # Reference: GET /api/v1/report/feature/json, the path of older License Statistics versions
            rows = self.client.get_all("/api/v1/report/feature/json", {})
            self.run.note(feature_list="/api/v1/report/feature/json")
        return rows

    # --- usage history --------------------------------------------------------------
    def fetch_history(self, streams):
        """Each stream's days, then its hours, one request series (a chunk of days) after another.

        The next series is asked for while the one before it is stored: still one request at a time, each sent
        once the one before it has answered in full, so License Statistics sees the same requests in the same
        order as from a connector that waits for its own writes, without the pause between them. A series that
        fails stops the run before the next is asked for; one whose storing fails lets the request already
        under way finish, unread. At most two series are held at once.
        """
        series = (s for stream in streams for s in chain(self.daily_series(stream), self.hourly_series(stream)))
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lstat-history") as upstream:
            held = None  # (the series asked for last, its answer under way)
            for request, store in series:
                rows = held[1].result() if held else None
                asking = upstream.submit(copy_context().run, self.get_usage, *request)  # the run's deadline too
                if held:
                    held[0](rows)
                held = (store, asking)
            if held:
                held[0](held[1].result())

    def daily_series(self, stream):
        """Days from the cursor (last complete day) through today; the cursor stops at yesterday.
        Yields ((stream, first day, last day, "day"), what stores its answer) for each chunk."""
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

            def store(rows, start=start, end=end):
                with self.run.page() as page:
                    self.store_usage(page, stream, rows, "day")
                    if min(end, yesterday) >= start:
                        page.set_cursor(key, min(end, yesterday).isoformat())

            yield (stream, start, end, "day"), store

    def hourly_series(self, stream):
        """Hourly rows from the hour after the cursor (the last complete hour) through now, within the window.

        License Statistics asks for whole days (`sd`/`ed`, its calendar), so a run reads from the local day that
        holds the first hour not yet complete: the open hour and every hour of its day that could still change,
        never the settled days before it. The first run, or a window that `hourly_days` widened, reads the
        window's days that no run has read yet. Each chunk's rows and the cursor commit together.
        """
        days = self.params["hourly_days"]
        if not days:
            return
        key, from_key = f"hour:{stream.key}", f"hour-from:{stream.key}"
        window = self.today - timedelta(days=days - 1)
        done, read_from = self.run.cursor(key), self.run.cursor(from_key)
        if done and read_from and date.fromisoformat(read_from) <= window:
            first = max(window, (datetime.fromisoformat(done) + HOUR).astimezone(self.zone).date())
        else:
            first = window  # nothing read yet, or the window now starts before the first day read
        complete = last_complete_hour(self.now)
        read = {"from": read_from}
        for start, end in day_chunks(first, self.today, CHUNK_DAYS["hour"]):

            def store(rows, start=start, end=end):
                with self.run.page() as page:
                    self.store_usage(page, stream, rows, "hour")
                    last = min(complete, local_midnight(end + timedelta(days=1), self.zone) - HOUR)
                    if last >= local_midnight(start, self.zone):
                        page.set_cursor(key, last.isoformat())
                    if not read["from"] or date.fromisoformat(read["from"]) > window:
                        read["from"] = window.isoformat()
                        page.set_cursor(from_key, read["from"])

            yield (stream, start, end, "hour"), store

    def get_usage(self, stream, start, end, granularity):
        params = {
            **stream.params,
            "sd": start.isoformat(),
            "ed": end.isoformat(),
            "granularity": GRANULARITY_CODES[granularity],
            "orderBy": PERIOD_FIELD,
            "orderDirection": "ASC",
        }
        return self.client.get_all(stream.path, params)

    def store_usage(self, page, stream, raw_rows, granularity):
        where = f"{stream.path} ({granularity} rows)"
        rows = usage_rows(raw_rows, where, self.zone, granularity)
        self.storage.store_usage(page, stream.server, rows, granularity, where)

    # --- snapshots of the current-users reports -----------------------------------------
    def snapshot_users(self):
        try:
            # Reference: GET /api/v1/report/users/current/json (current users, paged like every report)
            raw = self.client.get_all("/api/v1/report/users/current/json", {})
        except NotFound:
            return self.run.note(current_users="not offered by this License Statistics (removed in v6.3)")
        rows = session_rows(raw, self.zone)
        if self.covered is not None:
            rows = [r for r in rows if r["lsid"] in self.covered]  # the servers this source covers
        shape = licenses_shape(rows)
        with self.run.page() as page:
            self.storage.store_sessions(page, shape, rows)

    def snapshot_current_usage(self):
        try:
            # Reference: GET /api/v1/report/users/license/current-usage/json (current license usage, both versions)
            query = self.server_filter("current_usage")
            if query is None:
                return
            body = self.client.get("/api/v1/report/users/license/current-usage/json", query)
        except NotFound:
            return self.run.note(current_usage="not offered by this License Statistics (removed in v6.3)")
        try:
            shape, figures = parse_current_usage(body.get("data"))
        except PayloadError as exc:
            # Neither documented shape: keep the answer raw and say so, rather than fail the run.
            shape, figures = UNRECOGNISED, {"raw": kept_raw(body.get("data"))}
            self.run.note(current_usage=f"kept raw, not read: {exc}")
        with self.run.page() as page:
            self.storage.store_current_usage(page, shape, figures)

    def snapshot_highest_usage(self):
        try:
            # Reference: GET /api/v1/report/users/license/highest-usage/json (highest license usage)
            query = self.server_filter("highest_usage")
            if query is None:
                return
            body = self.client.get("/api/v1/report/users/license/highest-usage/json", query)
        except NotFound:
            return self.run.note(highest_usage="not offered by this License Statistics (removed in v6.3)")
        rows = top_user_rows(body.get("data"))
        shape = licenses_shape(rows)
        with self.run.page() as page:
            self.storage.store_top_users(page, shape, rows)

    def server_filter(self, kind):
        """The query that limits a current-usage or highest-usage report to the covered servers.

        These reports count users, so they cannot be summed per server; they take the
        current-users report's `filter`, numeric rules on lsid that must all hold.
        The covered servers are selected exactly when no other listed server lies
        between the first and the last; otherwise the snapshot is skipped with a note.
        Returns {} for every server, None when the covered servers cannot be selected.
        """
        if self.covered is None or self.covered == self.known_servers:
            return {}
        low, high = min(self.covered), max(self.covered)
        others = set(range(low, high + 1)) & ((self.known_servers or set()) - self.covered)
        if others or (self.known_servers is None and len(self.covered) != high - low + 1):
            self.run.note(**{
                kind: f"not fetched: License Statistics' filter cannot select license servers "
                f"{', '.join(map(str, sorted(self.covered)))} without others"
            })  # fmt: skip
            return None
        rules = [
            {"type": "numeric", "comparison": "gt", "field": "lsid", "value": low - 1},
            {"type": "numeric", "comparison": "lt", "field": "lsid", "value": high + 1},
        ]
        return {"filter": json.dumps(rules)}


class Stream:
    """One usage-history request series: its cursor key, path, extra query and server."""

    def __init__(self, key, path, params, server=None):
        self.key, self.path, self.params, self.server = key, path, params, server


def last_complete_hour(now):
    """The UTC start of the last hour that ended at least SETTLE before `now`: later hours may still change."""
    return (now - SETTLE - HOUR).replace(minute=0, second=0, microsecond=0)


def local_midnight(day, zone):
    """The UTC instant at which `day` starts in `zone`."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def day_chunks(first, last, size):
    while first <= last:
        end = min(last, first + timedelta(days=size - 1))
        yield first, end
        first = end + timedelta(days=1)
