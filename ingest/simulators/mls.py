"""PipelineFX Metered License Server simulator: /api/v2/login and /api/v2/records.

Records are computed, not stored: minute m of supervisor k has MLS id
m * len(supervisors) + k + 1, so any page is generated on demand and a year of
history costs no memory. Usage follows office hours on weekdays, is quiet at
weekends, and now and then runs past the prepaid seats into metered ones.
"""

import secrets
import time
from datetime import UTC, datetime, timedelta

from ingest.simulators.server import Response, Simulator, error

DEFAULT_SUPERVISORS = [
    {"macaddress": "00:1A:2B:3C:4D:5E", "prepaid": 20, "peak": 24},
    {"macaddress": "00:1A:2B:3C:4D:5F", "prepaid": 8, "peak": 7},
]


def _noise(a, b):
    """A deterministic pseudo-random number in [0, 1) from two integers."""
    x = (a * 2654435761 + b * 40503 + 0x9E3779B9) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 2246822519) & 0xFFFFFFFF
    x ^= x >> 13
    return (x & 0xFFFF) / 65536.0


def demand(k, when, peak):
    """Licenses wanted by supervisor k at the minute `when` (a UTC datetime)."""
    hour = when.hour + when.minute / 60
    weekday = when.weekday() < 5
    if weekday and 8 <= hour < 19:
        # ramp up in the morning, dip at lunch, ramp down in the evening
        shape = min(1.0, (hour - 8) / 1.5, (19 - hour) / 1.5) * (0.8 if 12 <= hour < 13 else 1.0)
    else:
        shape = 0.08 if weekday else 0.03
    day = when.toordinal()
    busy_day = 0.75 + 0.4 * _noise(day, k)  # some days are busier than others
    jitter = 0.85 + 0.3 * _noise(day * 1440 + when.hour * 60 + when.minute, k + 7)
    return int(round(peak * shape * busy_day * jitter))


class MlsSimulator(Simulator):
    routes = [
        ("POST", r"/api/v2/login", "login"),
        ("GET", r"/api/v2/records", "records"),
    ]

    def __init__(self, *, users=None, supervisors=None, history_days=30, end=None, token_lifetime=6 * 3600, **kw):
        super().__init__(**kw)
        self.users = users or {"demo": "demo-password"}
        self.supervisors = supervisors or DEFAULT_SUPERVISORS
        self.token_lifetime = token_lifetime
        self.tokens = {}  # token -> expiry (epoch seconds)
        self.fixed_end = end
        now = (end or datetime.now(UTC)).replace(second=0, microsecond=0)
        self.start = now - timedelta(days=history_days)
        self.logins = 0

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

    def expire_tokens(self):
        self.tokens.clear()

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
        return Response([self.record(k, m) for m in range(lo, hi)])

    def record(self, k, m):
        supervisor = self.supervisors[k]
        when = self.start + timedelta(minutes=m)
        used = demand(k, when, supervisor["peak"])
        prepaid = min(used, supervisor["prepaid"])
        return {
            "id": m * len(self.supervisors) + k + 1,
            "macaddress": supervisor["macaddress"],
            "ts_date": when.strftime("%Y-%m-%d"),
            "ts_time": when.strftime("%H:%M:%S"),
            "lic_used": used,
            "lic_prepaid": prepaid,
            "lic_metered": used - prepaid,
        }
