"""IBM BigFix Inventory / License Metric Tool simulator: /api/get_token and /api/sam/license_usages.

Rows are computed, not stored: the peak of a (software title, computer system,
metric) in a monthly reporting period is the highest daily value up to the
last successful import, so the current month's peak grows import after
import. Like BigFix, it serves only the 90 days before the last import.

A daily import runs from 04:00 to 04:20 UTC (Import-Mode: running with its
progress); tests drive imports by hand with start_import(), finish_import()
and fail_import(). While an import runs, the first `progress` % of the
computer systems already show the new import's values: data served then is
half old, half new, which is why the connector fetches it again afterwards.
"""

import secrets
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime

from ingest.simulators.server import Response, Simulator, error
from ingest.vendors.mls.simulator import _noise

WINDOW_DAYS = 90  # BigFix keeps license usage of the last 90 days
IMPORT_HOUR, IMPORT_MINUTES = 4, 20

DEFAULT_TITLES = [
    {"id": 36181, "name": "BigFix Protection", "publisher_name": "BigFix", "family": "RVU"},
    {"id": 40012, "name": "IBM Db2 Advanced Server Edition", "publisher_name": "IBM", "family": "PVU"},
    {"id": 40527, "name": "IBM WebSphere Application Server Network Deployment", "publisher_name": "IBM", "family": "PVU"},
    {"id": 41003, "name": "IBM MQ", "publisher_name": "IBM", "family": "PVU"},
    {"id": 42210, "name": "IBM Spectrum Protect", "publisher_name": "IBM", "family": "RVU"},
    {"id": 43377, "name": "IBM Cognos Analytics", "publisher_name": "IBM", "family": "PVU"},
]  # fmt: skip
# Hosts: cores and processor value units per core (70 for x86, 100-120 for POWER).
DEFAULT_SYSTEMS = [
    {"id": 4, "cores": 16, "pvu_per_core": 70},
    {"id": 7, "cores": 32, "pvu_per_core": 100},
    {"id": 12, "cores": 8, "pvu_per_core": 70},
    {"id": 15, "cores": 24, "pvu_per_core": 120},
    {"id": 21, "cores": 12, "pvu_per_core": 70},
]
DEFAULT_COLUMNS = [
    "software_title_id", "metric_name", "computer_system_id", "peak_value", "peak_date", "peak_time",
    "reporting_period_start_date", "reporting_period_end_date",
]  # fmt: skip
# Reference: "By default, the data retrieves is sorted by computer_system_id, software_title_id, and
# metric_name columns": one row per reporting period ties on all three.
DEFAULT_ORDER = ["computer_system_id", "software_title_id", "metric_name"]
DIMENSION = "software_title_dimension"
HIDDEN_COLUMNS = [f"{DIMENSION}.{c}" for c in ("name", "guid", "publisher_name", "publisher_guid")]


def _guid(a, b):
    n = int(_noise(a, b) * 2**16) * 2654435761 + a * 97 + b
    h = f"{n:032x}"[-32:]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def month_periods(first, last):
    """Monthly reporting periods (start, end) covering the days first..last."""
    start = first.replace(day=1)
    while start <= last:
        following = (start + timedelta(days=32)).replace(day=1)
        yield start, following - timedelta(days=1)
        start = following


class BigfixSimulator(Simulator):
    routes = [
        ("POST", r"/api/get_token", "get_token"),
        ("GET", r"/api/sam/license_usages", "license_usages"),
    ]

    def __init__(self, *, users=None, titles=None, systems=None, history_days=120, end=None, wrapped=False, **kw):
        super().__init__(**kw)
        # BigFix hands every user one API token, the same on every get_token, until it is regenerated.
        self.users = users or {
            "demo": {"password": "demo-password", "token": "7adc3efb175e2bc0f4484bdd2efca54a8fa04623"}
        }
        self.titles = [
            {**t, "guid": _guid(t["id"], 1), "publisher_guid": _guid(len(t["publisher_name"]), 2)}
            for t in titles or DEFAULT_TITLES
        ]
        self.systems = systems or DEFAULT_SYSTEMS
        self.fixed_end = end
        self.history_start = ((end or datetime.now(UTC)) - timedelta(days=history_days)).date()
        self.wrapped = wrapped  # newer servers wrap rows as {"total": N, "rows": [...]}
        self.rows_key = "rows"
        self.wrapped_total = True  # False: a wrapped answer without its total
        self.http_dates = True  # Import-Last-Success-Time as in the seed's sample; False: ISO 8601
        self.mode = None  # None: the daily schedule; else "none", "running" or "pending"
        self.progress = 0
        self.last_success = None  # set by finish_import(); None: the daily schedule
        self.last_status = "successful"
        self.import_target = None
        self.requests = []  # (path, query) of every request, to check what reached the URL
        self.import_starts_after = None  # an import starts once this many usage requests were answered
        self.ignore_offset = False  # True: behave like a server without offset paging
        self.null_columns = set()  # columns answered as null (e.g. peak_date of a period without a peak)
        self.hidden_columns = True  # False: behave like a server that ignores columns[] for hidden columns
        self.token_in = "both"  # "header": a server that reads only the Token header; "query": only ?token=
        self.known_columns = DEFAULT_COLUMNS + HIDDEN_COLUMNS  # narrow it to act as an older server

    test_history_days = 60

    def test_source(self, base_url):
        """The `bigfix_source` test fixture: a token from get_token, 25 rows per page."""
        return {**self.demo_source(base_url), "name": "test-bigfix", "params": {"limit": "25"}}

    def demo_source(self, base_url):
        username, user = next(iter(self.users.items()))
        return {
            "kind": "bigfix",
            "base_url": base_url,
            "username": username,
            "password": user["password"],
            "params": {},
        }

    def demo_entitlements(self, source, today):
        """The demo's contracts (rows of the overview's download): IBM Db2 entitled to a fifth less than its highest
        sub-capacity PVU peak (over-deployed: a true-up), IBM MQ to a quarter more (within)."""
        peaks = {}
        for row in self.rows():
            key = (row["software_title_id"], row["metric_name"], row["reporting_period_start_date"])
            peaks[key] = peaks.get(key, 0) + row["peak_value"]
        terms = {40012: (0.8, 48, 120, "IBM-PA-55102"), 41003: (1.25, 36, 240, "IBM-PA-55102")}
        rows = []
        for title, (share, price, days, reference) in terms.items():
            highest = max((v for (t, m, _p), v in peaks.items() if t == title and m == "PVU_SUB_CAP"), default=0)
            if highest:
                rows.append({
                    "Key": f"bigfix:{source.pk}:{title}:PVU_SUB_CAP", "Owned": str(int(highest * share // 100 * 100)),
                    "Price per unit per year": str(price), "Renews on": (today + timedelta(days=days)).isoformat(),
                    "Reference": reference,
                })  # fmt: skip
        return rows

    # --- imports ---------------------------------------------------------------------
    def now(self):
        return self.fixed_end or datetime.now(UTC)

    def scheduled_import(self):
        """(last successful import, progress of a running one or None) under the daily schedule."""
        now = self.now()
        today = datetime.combine(now.date(), time(IMPORT_HOUR), tzinfo=UTC)
        elapsed = (now - today).total_seconds() / 60
        if 0 <= elapsed < IMPORT_MINUTES:
            return today - timedelta(days=1, minutes=-IMPORT_MINUTES), int(elapsed * 100 / IMPORT_MINUTES)
        done = today + timedelta(minutes=IMPORT_MINUTES)
        return (done if elapsed >= IMPORT_MINUTES else done - timedelta(days=1)), None

    def start_import(self, progress=41, target=None):
        self.last_success = self.last_success or self.scheduled_import()[0]
        self.mode, self.progress = "running", progress
        self.import_target = target or self.last_success + timedelta(days=1)

    def finish_import(self):
        self.mode, self.last_success, self.last_status = None, self.import_target, "successful"

    def fail_import(self):
        self.mode, self.last_status = None, "failed"

    def state(self):
        """(mode, progress, last status, last success time) as the headers tell them."""
        if self.mode == "none":
            return "none", None, None, None
        scheduled, progress = self.scheduled_import()
        if self.mode is not None:
            return self.mode, self.progress if self.mode == "running" else None, self.last_status, self.last_success
        last = self.last_success or scheduled
        if progress is not None and self.last_success is None:
            return "running", progress, self.last_status, last
        return "idle", None, self.last_status, last

    def import_headers(self):
        mode, progress, status, last = self.state()
        headers = {"Import-Mode": mode, "Content-Language": "en-US"}
        if progress is not None:
            headers["Import-Progress"] = str(progress)
        if mode != "running" and last is not None:
            headers["Import-Last-Status"] = status
            headers["Import-Last-Success-Time"] = (
                format_datetime(last, usegmt=True) if self.http_dates else last.strftime("%Y-%m-%dT%H:%M:%SZ")
            )
        return headers

    # --- endpoints -------------------------------------------------------------------
    def get_token(self, request):
        # Reference: POST /api/get_token {"user": ..., "password": ...} -> {"token": ...}
        body = request.json() or {}
        user = self.users.get(body.get("user"))
        if not user or not body.get("password") or user["password"] != body.get("password"):
            return error(401, "Unauthorized: there is no match for the provided user name and password")
        return Response({"token": user["token"]})

    def regenerate_tokens(self):
        for user in self.users.values():
            user["token"] = secrets.token_hex(20)

    def license_usages(self, request):
        self.requests.append((request.path, request.query))
        if self.import_starts_after is not None and len(self.requests) > self.import_starts_after:
            self.import_starts_after = None
            self.start_import(progress=5)
        header = request.headers.get("token") if self.token_in in ("both", "header") else None
        token = header or (request.arg("token") if self.token_in in ("both", "query") else None)
        if not token or token not in {u["token"] for u in self.users.values()}:
            return error(401, "Unauthorized: the token is missing or not valid")
        try:
            limit = _whole(request.arg("limit"), "limit")
            offset = _whole(request.arg("offset"), "offset") or 0
            columns = self.columns(request.args("columns[]"))
            rows = self.ordered(self.rows(), request.args("order[]") or request.args("order"))
        except ValueError as exc:
            # BigFix answers a bad query parameter with HTTP 500 "Bad Request" and a message.
            return Response({"error": "Bad Request", "message": str(exc)}, status=500, headers=self.import_headers())
        offset = 0 if self.ignore_offset else offset
        page = rows[offset : offset + limit if limit is not None else None]
        body = [self.project(r, columns) for r in page]
        if self.wrapped:
            body = {"total": len(rows), self.rows_key: body} if self.wrapped_total else {self.rows_key: body}
        return Response(body, headers=self.import_headers())

    def columns(self, requested):
        if not requested:
            return DEFAULT_COLUMNS
        unknown = [c for c in requested if c not in self.known_columns]
        if unknown:
            raise ValueError(f"unknown column(s) in columns[]: {', '.join(unknown)}")
        return requested

    def ordered(self, rows, order):
        """Rows sorted by `order` ("column" or "column desc"), else by BigFix's default columns.

        Rows that tie on the sort columns come in an order that flips from one request to the next
        (a database promises nothing about ties), so paging with limit/offset over ties skips and
        repeats rows unless the client asks for a total order.
        """
        keys = []
        for item in order or DEFAULT_ORDER:
            column, _, direction = item.strip().partition(" ")
            if column not in DEFAULT_COLUMNS or direction.strip().lower() not in ("", "asc", "desc"):
                raise ValueError(f"cannot order by {item!r}")
            keys.append((column, direction.strip().lower() == "desc"))
        rows = sorted(rows, key=lambda r: r["reporting_period_start_date"], reverse=len(self.requests) % 2 == 1)
        for column, descending in reversed(keys):
            rows.sort(key=lambda r, c=column: r[c], reverse=descending)
        return rows

    def project(self, row, columns):
        out = {}
        for column in columns:
            if column.startswith(DIMENSION + ".") and not self.hidden_columns:
                continue
            if column.startswith(DIMENSION + "."):
                out.setdefault(DIMENSION, {})[column.split(".", 1)[1]] = row[DIMENSION][column.split(".", 1)[1]]
            else:
                out[column] = None if column in self.null_columns else row[column]
        return out

    # --- data ------------------------------------------------------------------------
    def rows(self):
        """Every row BigFix serves now, sorted by their unique key."""
        mode, _progress, _status, last = self.state()
        if last is None:
            return []  # no import yet, no data
        switched, target = 0, last
        if mode == "running":
            _scheduled, progress = self.scheduled_import()
            progress = self.progress if self.mode == "running" else progress
            switched = len(self.systems) * progress // 100
            target = self.import_target or datetime.combine(self.now().date(), time(IMPORT_HOUR, IMPORT_MINUTES), UTC)
        rows = []
        for k in range(len(self.systems)):
            as_of = target if k < switched else last
            first = max(self.history_start, (as_of - timedelta(days=WINDOW_DAYS)).date())
            for t in range(len(self.titles)):
                if not self.installed(t, k):
                    continue
                for start, end in month_periods(first, as_of.date()):
                    rows += self.period_rows(t, k, start, min(end, as_of.date()), end)
        rows.sort(
            key=lambda r: (
                r["computer_system_id"],
                r["software_title_id"],
                r["metric_name"],
                r["reporting_period_start_date"],
            )
        )
        return rows

    def installed(self, t, k):
        return t == k % len(self.titles) or _noise(t + 11, k + 3) < 0.55

    def period_rows(self, t, k, start, last_day, end):
        title, system = self.titles[t], self.systems[k]
        family = title["family"]
        days = [start + timedelta(days=i) for i in range((last_day - start).days + 1)]
        full, sub = [], []
        for day in days:
            f, s = self.daily(t, k, day)
            full.append(f)
            sub.append(s)
        rows = []
        for kind, values in (("FULL_CAP", full), ("SUB_CAP", sub)):
            peak = max(values)
            day = days[values.index(peak)]
            minute = int(_noise(day.toordinal(), t * 31 + k) * 600) + 8 * 60
            rows.append({
                "software_title_id": title["id"],
                "metric_name": f"{family}_{kind}",
                "computer_system_id": system["id"],
                "peak_value": peak,
                "peak_date": day.isoformat(),
                "peak_time": f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:{int(_noise(t, day.day) * 60):02d}Z",
                "reporting_period_start_date": start.isoformat(),
                "reporting_period_end_date": end.isoformat(),
                DIMENSION: {c: title[c] for c in ("name", "guid", "publisher_name", "publisher_guid")},
            })  # fmt: skip
        return rows

    def daily(self, t, k, day: date):
        """(full capacity, sub-capacity) of title t on system k that day."""
        system = self.systems[k]
        n = day.toordinal()
        if self.titles[t]["family"] == "PVU":
            full = system["cores"] * system["pvu_per_core"]
            # the share of the host's cores given to VMs running the title: drifts month by month
            month = day.year * 12 + day.month
            share = 0.15 + 0.4 * _noise(t, k) + 0.2 * _noise(month, t * 5 + k) + 0.2 * _noise(n, t * 7 + k)
            return full, min(full, int(system["cores"] * share) * system["pvu_per_core"])
        # RVU: managed resources (e.g. terabytes protected), growing slowly month after month
        base = 20 + 80 * _noise(t + 5, k)
        full = round(base * (1 + 0.0006 * (n - 739000)) * (0.9 + 0.1 * _noise(n, k)), 1)
        return full, round(full * (0.5 + 0.4 * _noise(t, k + n % 7)), 1)


def _whole(value, name):
    if value is None:
        return None
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number ≥ 0, not {value!r}")
    return int(value)
