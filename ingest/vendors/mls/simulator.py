"""PipelineFX Metered License Server simulator: /api/v2/login and /api/v2/records.

Records are computed, not stored: minute m of supervisor k has MLS id
m * len(supervisors) + k + 1, so any page is generated on demand and a year of
history costs no memory. Usage follows office hours on weekdays, is quiet at
weekends, and now and then runs past the prepaid seats into metered ones. A
supervisor with a `growth` wants that many more licenses at its peak each week
of the history (the demo's supervisor growing towards its seats).
"""

import secrets
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from ingest.simulators.server import Response, Simulator, error

DEFAULT_SUPERVISORS = [
    {"macaddress": "00:1A:2B:3C:4D:5E", "prepaid": 20, "peak": 24},
    {"macaddress": "00:1A:2B:3C:4D:5F", "prepaid": 8, "peak": 7},
]

# The demo's: one running into metered seats on busy days, one idling, one growing towards its 18 seats.
DEMO_SUPERVISORS = [
    *DEFAULT_SUPERVISORS[:1],
    {"macaddress": "00:1A:2B:3C:4D:5F", "prepaid": 8, "peak": 4},
    {"macaddress": "00:1A:2B:3C:4D:60", "prepaid": 18, "peak": 7, "growth": 0.5},
]


def _noise(a, b):
    """A deterministic pseudo-random number in [0, 1) from two integers."""
    x = (a * 2654435761 + b * 40503 + 0x9E3779B9) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 2246822519) & 0xFFFFFFFF
    x ^= x >> 13
    return (x & 0xFFFF) / 65536.0


def _shape(minute_of_day, weekday):
    """Share of the peak wanted at this minute: office hours on weekdays, quiet otherwise."""
    hour = minute_of_day / 60
    if weekday and 8 <= hour < 19:
        # ramp up in the morning, dip at lunch, ramp down in the evening
        return min(1.0, (hour - 8) / 1.5, (19 - hour) / 1.5) * (0.8 if 12 <= hour < 13 else 1.0)
    return 0.08 if weekday else 0.03


SHAPES = {weekday: [_shape(m, weekday) for m in range(1440)] for weekday in (True, False)}
TIMES = [f"{m // 60:02d}:{m % 60:02d}:00" for m in range(1440)]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def demand(k, day, minute_of_day, peak):
    """Licenses wanted by supervisor k on `day` (days since 1970) at `minute_of_day`."""
    busy_day = 0.75 + 0.4 * _noise(day, k)  # some days are busier than others
    jitter = 0.85 + 0.3 * _noise(day * 1440 + minute_of_day, k + 7)
    weekday = (day + 3) % 7 < 5  # 1970-01-01 was a Thursday
    return int(round(peak * SHAPES[weekday][minute_of_day] * busy_day * jitter))


RECORD_FIELDS = ("id", "macaddress", "ts_date", "ts_time", "lic_used", "lic_prepaid", "lic_metered")
RECORD_JSON = (
    "{" + ", ".join(f'"{f}": ' + ('"%s"' if f.startswith(("mac", "ts_")) else "%d") for f in RECORD_FIELDS) + "}"
)


class MlsSimulator(Simulator):
    routes = [
        ("POST", r"/api/v2/login", "login"),
        ("GET", r"/api/v2/records", "records"),
    ]

    def __init__(
        self, *, users=None, supervisors=None, history_days=30, end=None, token_lifetime=6 * 3600, timezone=None,
        prepaid_reading="in_use", **kw,
    ):  # fmt: skip
        super().__init__(**kw)
        # MLS's document leaves lic_prepaid open: "in_use" writes the prepaid licenses in use (min(used, prepaid)),
        # "capacity" the prepaid licenses owned, whatever is in use. lic_metered is the use beyond them either way.
        if prepaid_reading not in ("in_use", "capacity"):
            raise ValueError(f"prepaid_reading is 'in_use' or 'capacity', not {prepaid_reading!r}")
        self.prepaid_reading = prepaid_reading
        self.zone = ZoneInfo(timezone) if timezone else None  # the zone ts_date/ts_time are written in (UTC if None)
        self.users = users or {"demo": "demo-password"}
        self.supervisors = supervisors or DEFAULT_SUPERVISORS
        self.token_lifetime = token_lifetime
        self.tokens = {}  # token -> expiry (epoch seconds)
        self.fixed_end = end
        now = (end or datetime.now(UTC)).replace(second=0, microsecond=0)
        self.start = now - timedelta(days=history_days)
        self.start_minute = int((self.start - EPOCH).total_seconds() // 60)
        self.dates = {}
        self.logins = 0

    test_history_days = 2
    demo_options = {"supervisors": DEMO_SUPERVISORS}

    def test_source(self, base_url):
        """The `mls_source` test fixture: both supervisors, 1,000 records per page."""
        return {
            **self.demo_source(base_url),
            "name": "test-mls",
            "params": {"macaddresses": ",".join(s["macaddress"] for s in self.supervisors), "per_page": "1000"},
        }

    def demo_source(self, base_url):
        username, password = next(iter(self.users.items()))
        macs = ",".join(s["macaddress"] for s in self.supervisors)
        return {
            "kind": "mls",
            "base_url": base_url,
            "username": username,
            "password": password,
            "params": {"macaddresses": macs},
        }

    def demo_entitlements(self, source, today):
        """The demo's contracts (rows of the overview's download, as import_entitlements reads them): a price and
        a metered rate for every supervisor, the idle one's 8 seats and the growing one's 18 (their prepaid, which the
        in-use reading of lic_prepaid never shows), the growing one renewing in three weeks."""
        terms = {
            "00:1A:2B:3C:4D:5E": ("", 150, "PFX-2024-0193"),
            "00:1A:2B:3C:4D:5F": ("8", 75, "PFX-2024-0194"),
            "00:1A:2B:3C:4D:60": ("18", 21, "PFX-2025-0031"),
        }
        return [
            {"Key": f"mls:{s['macaddress']}", "Owned": terms[s["macaddress"]][0], "Price per unit per year": "600",
             "Metered rate per license-hour": "0.90", "Renews on": (today + timedelta(days=terms[s["macaddress"]][1])).isoformat(),
             "Reference": terms[s["macaddress"]][2]}
            for s in self.supervisors if s["macaddress"] in terms
        ]  # fmt: skip

    def demo_report(self):
        """The report `make run` emails once (see the demo command): the first supervisor, day by day."""
        return f"/mls/{self.supervisors[0]['macaddress']}/?granularity=day"

    def minutes(self):
        """How many minutes of history exist now (grows with time unless `end` is fixed)."""
        end = self.fixed_end or datetime.now(UTC)
        return int((end - self.start).total_seconds() // 60)

    def login(self, request):
        body = request.json() or {}
        if self.users.get(body.get("username")) != body.get("password") or not body.get("password"):
            return error(401, "Invalid username or password")
        token = secrets.token_hex(16)
        self.tokens[token] = time.time() + self.token_lifetime
        self.logins += 1
        return Response({"token": token, "expires_in": self.token_lifetime})

    def authorized(self, request):
        header = request.headers.get("authorization", "")
        token = header.removeprefix("Bearer ").strip()
        return self.tokens.get(token, 0) > time.time() or token in self.options.get("static_tokens", ())

    def records(self, request):
        if not self.authorized(request):
            return error(401, "Unauthorized")
        mac = request.arg("macaddress", "").upper()
        index = {s["macaddress"]: i for i, s in enumerate(self.supervisors)}
        if mac not in index:
            return Response([])  # MLS answers an unknown supervisor with no records
        k = index[mac]
        starting_id = int(request.arg("starting_id", 0))
        page = int(request.arg("page", 1))
        per_page = int(request.arg("per_page", 100))
        if page < 1 or per_page < 1:
            return error(400, "page and per_page must be positive")
        n = len(self.supervisors)
        first_minute = max(0, -(-(starting_id - 1 - k) // n))
        lo = first_minute + (page - 1) * per_page
        hi = min(self.minutes(), lo + per_page)
        # Formatted by hand: a page of 10,080 records must cost milliseconds, not json.dumps of dicts.
        body = ",".join(RECORD_JSON % self.values(k, m) for m in range(lo, hi))
        return Response(raw=f"[{body}]".encode())

    def values(self, k, m):
        """Record fields of minute m of supervisor k, in RECORD_FIELDS order."""
        supervisor = self.supervisors[k]
        day, minute_of_day = divmod(self.start_minute + m, 1440)
        ts_date = self.dates.get(day)
        if ts_date is None:
            ts_date = self.dates[day] = (EPOCH + timedelta(days=day)).strftime("%Y-%m-%d")
        if self.zone is not None:  # the same minutes, written in local time: a repeated hour is written twice
            local = (EPOCH + timedelta(minutes=self.start_minute + m)).astimezone(self.zone)
            ts_date, ts_time = local.strftime("%Y-%m-%d"), local.strftime("%H:%M:00")
        else:
            ts_time = TIMES[minute_of_day]
        peak = supervisor["peak"]
        if supervisor.get("growth"):
            peak += supervisor["growth"] * (day - self.start_minute // 1440) / 7
        used = demand(k, day, minute_of_day, peak)
        metered = max(0, used - supervisor["prepaid"])
        prepaid = supervisor["prepaid"] if self.prepaid_reading == "capacity" else used - metered
        record_id = m * len(self.supervisors) + k + 1
        return record_id, supervisor["macaddress"], ts_date, ts_time, used, prepaid, metered

    def record(self, k, m):
        return dict(zip(RECORD_FIELDS, self.values(k, m), strict=True))
