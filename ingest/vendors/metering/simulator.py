"""Cloudsoft AMP metering microservice simulator: /usage/location, /usage/location/hour, /usage/location-metadata.

Reference: the Metering Service documentation, "REST API for the Metering
Service". The seed leaves the bodies out; events follow Cloudsoft's documented
LocationUsage shape (ampId, locId, date, state, entityId, entityType,
applicationId, user, locationUsageMetadata) plus an id and the tenantId. The
hourly summary is our own choice: one record per location with its active
hours and periods inside the window.

Each location lives through created -> destroyed periods computed from (tenant,
location, day), so the history is deterministic: office VMs on weekdays,
nightly batch runs, long-lived servers that are usually still running at the
end of the history. Reads need an ADMIN account (HTTP Basic) or a static bearer
token; tenant accounts are refused with 403, as the seed's roles say.
"""

import base64
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from ingest.simulators.server import STATUS_TEXT, Response, Simulator
from ingest.vendors.mls.simulator import _noise

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d(:?\d\d)?)\Z")
ENTITY_TYPE = "org.apache.brooklyn.entity.software.base.VanillaSoftwareProcess"

DEFAULT_TENANTS = {
    "acme": {
        "password": "acme-pass",
        "amp": "amp-acme-01",
        "locations": [
            {"locId": "acme-vm-dev1", "pattern": "office", "user": "alice", "app": "webshop", "size": "m5.large"},
            {"locId": "acme-vm-dev2", "pattern": "office", "user": "bob", "app": "webshop", "size": "t3.medium"},
            {"locId": "acme-vm-etl", "pattern": "batch", "user": "carol", "app": "analytics", "size": "c5.xlarge"},
            {"locId": "acme-vm-db", "pattern": "server", "user": "alice", "app": None, "size": "r5.2xlarge"},
        ],
    },
    "globex": {
        "password": "globex-pass",
        "amp": "amp-globex-01",
        "locations": [
            {"locId": "globex-vm-crm", "pattern": "server", "user": "dave", "app": "crm", "size": "m5.xlarge"},
            {"locId": "globex-vm-bill", "pattern": "batch", "user": "erin", "app": "billing", "size": "c5.large"},
            {"locId": "globex-vm-qa", "pattern": "office", "user": None, "app": "crm", "size": "t3.large"},
        ],
    },
}
STATE_SPELLINGS = [("created", "destroyed"), ("CREATED", "DESTROYED"), ("Created", "Destroyed")]


def fmt(moment):
    """yyyy-MM-dd'T'HH:mm:ssX in UTC, as the service writes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text, name):
    if not text or not TIMESTAMP.match(text):
        raise ValueError(f"{name} must be yyyy-MM-dd'T'HH:mm:ssX, e.g. 2026-03-04T12:00:00Z; got {text!r}")
    return datetime.fromisoformat(text)


def day_periods(k, loc, day):
    """The (start, hours) periods location `loc` (index k) starts on the UTC date `day`."""
    base = datetime(day.year, day.month, day.day, tzinfo=UTC)
    n, weekday = day.toordinal(), day.weekday() < 5
    if loc["pattern"] == "office":
        if not weekday or _noise(n, k) < 0.1:  # now and then nobody needs the VM
            return []
        start = base + timedelta(minutes=7 * 60 + 30 + int(_noise(n, k + 1) * 90))
        return [(start, 7 + 3 * _noise(n, k + 2))]
    if loc["pattern"] == "batch":
        runs = 1 + int(_noise(n, k + 3) * 3)
        return [(base + timedelta(hours=1 + 7 * i, minutes=int(_noise(n, k + i) * 50)), 1 + 2 * _noise(n + i, k)) for i in range(runs)]  # fmt: skip
    return []


class MeteringSimulator(Simulator):
    routes = [
        ("GET", r"/usage/location", "locations"),
        ("GET", r"/usage/location/hour", "hours"),
        ("GET", r"/usage/location-metadata", "metadata"),
    ]

    def __init__(self, *, tenants=None, admins=None, static_tokens=("metering-demo-token",), history_days=30, end=None, inclusive_end=True, **kw):  # fmt: skip
        super().__init__(**kw)
        self.tenants = tenants or DEFAULT_TENANTS
        self.admins = admins or {"admin": "admin-password"}
        self.static_tokens = set(static_tokens)
        # Spring Data's "Between" is inclusive at both ends; the tests also try an exclusive end.
        self.inclusive_end = inclusive_end
        self.fixed_end = end
        now = (end or datetime.now(UTC)).replace(microsecond=0)
        self.start = now - timedelta(days=history_days)
        self.events = {tenant: [] for tenant in self.tenants}  # tenant -> events, sorted by date
        self._periods = {tenant: [] for tenant in self.tenants}
        self._generate(now + timedelta(days=30))
        self.requests = []  # (path, query) of every authorised read, for the tests
        self.summary_shape = "list"  # or wrapped, keyed, seconds, partial, unknown: see summary_shaped()
        self.metadata_shape = "list"  # or "object": {name: value}

    test_history_days = 2

    def test_source(self, base_url):
        """The `metering_source` test fixture: both tenants as the ADMIN user, 12-hour windows."""
        params = {"tenants": ",".join(self.tenants), "since": "2026-03-02T12:00:00Z", "window_hours": "12"}
        return {**self.demo_source(base_url), "name": "test-metering", "params": params}

    def demo_source(self, base_url):
        """A source reading every tenant as the first ADMIN user, from the start of the history."""
        username, password = next(iter(self.admins.items()))
        return {
            "kind": "metering",
            "base_url": base_url,
            "username": username,
            "password": password,
            "params": {"tenants": ",".join(self.tenants), "since": fmt(self.start)},
        }

    def demo_entitlements(self, source, today):
        """The demo's contracts (rows of the overview's download): locations owned and priced for the first tenant."""
        tenant = next(iter(self.tenants))
        return [{
            "Key": f"metering:{source.pk}:{tenant}", "Owned": "5", "Price per unit per year": "900",
            "Renews on": (today + timedelta(days=300)).isoformat(), "Reference": f"AMP-{tenant.upper()}-01",
        }]  # fmt: skip

    # --- data ------------------------------------------------------------------------
    def now(self):
        return self.fixed_end or datetime.now(UTC).replace(microsecond=0)

    def _generate(self, horizon):
        next_id = 1
        for t, (tenant, spec) in enumerate(self.tenants.items()):
            for k, loc in enumerate(spec["locations"]):
                for start, hours in self._location_periods(t * 10 + k, loc, horizon):
                    end = start + timedelta(hours=hours)
                    end = end.replace(second=(k * 7) % 60, microsecond=0)
                    self._periods[tenant].append({"locId": loc["locId"], "start": start, "end": end})
                    created, destroyed = STATE_SPELLINGS[next_id % len(STATE_SPELLINGS)]
                    for when, state in ((start, created), (end, destroyed)):
                        self.events[tenant].append(self._event(next_id, tenant, spec, loc, when, state))
                        next_id += 1
        for tenant in self.events:
            self.events[tenant].sort(key=lambda e: (e["date"], e["id"]))

    def _location_periods(self, k, loc, horizon):
        if loc["pattern"] == "server":
            # long-lived servers: up for 3 to 9 days, down for a few hours, from just after the history start
            start, periods = self.start + timedelta(hours=2 + k), []
            while start < horizon:
                hours = 24 * (3 + 6 * _noise(start.toordinal(), k))
                periods.append((start, hours))
                start += timedelta(hours=hours + 2 + 10 * _noise(k, start.toordinal()))
            return periods
        day, periods = self.start.date(), []
        while day <= horizon.date():
            periods += [(s.replace(microsecond=0), h) for s, h in day_periods(k, loc, day) if s >= self.start]
            day += timedelta(days=1)
        return periods

    def _event(self, event_id, tenant, spec, loc, when, state):
        return {
            "id": event_id,
            "tenantId": tenant,
            "ampId": spec["amp"],
            "locId": loc["locId"],
            "date": fmt(when),
            "state": state,
            "entityId": f"ent-{loc['locId']}",
            "entityType": ENTITY_TYPE,
            "applicationId": loc["app"],
            "user": loc["user"],
            "locationUsageMetadata": [
                {"name": "provider", "value": "aws-ec2"},
                {"name": "region", "value": "eu-west-1" if tenant == "acme" else "us-east-1"},
                {"name": "instanceType", "value": loc["size"]},
            ],
        }

    def inject(self, tenant, event):
        """Add a raw event (a late arrival, or a malformed one) to a tenant's history."""
        self.events.setdefault(tenant, []).append(event)
        self.events[tenant].sort(key=lambda e: (str(e.get("date")), e.get("id", 0)))

    def periods(self, tenant):
        """The tenant's active periods as the service knows them now (end None while still active)."""
        now = self.now()
        periods = self._periods.get(tenant, [])
        return [{**p, "end": p["end"] if p["end"] <= now else None} for p in periods if p["start"] <= now]

    def _visible(self, event, lo, hi):
        try:
            when = datetime.fromisoformat(event["date"])
        except (KeyError, TypeError, ValueError):
            when = None
        if when is None or when.tzinfo is None:
            # a malformed injected event (no date, a naive one, epoch millis) shows up in every read
            return True
        if when > self.now():
            return False
        return (lo is None or when >= lo) and (hi is None or when < hi or (self.inclusive_end and when == hi))

    # --- HTTP --------------------------------------------------------------------------
    def handle(self, request):
        try:
            return super().handle(request)
        except ValueError as exc:  # a bad timestamp: Spring's 400 body rather than the server's generic one
            return self.respond(None, 400, request, str(exc))

    def respond(self, body, status=200, request=None, message=""):
        # The service's clock, which the connector uses to decide what is safely in the past.
        headers = {"Date": format_datetime(self.now(), usegmt=True)}
        if status >= 400:
            body = {"timestamp": fmt(self.now()), "status": status, "error": STATUS_TEXT.get(status, "Error"), "message": message, "path": request.path}  # fmt: skip
            if status == 401:
                headers["WWW-Authenticate"] = 'Basic realm="metering"'
        return Response(body, status=status, headers=headers)

    def auth_problem(self, request):
        """None for an ADMIN, else the (status, message) the service answers."""
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            return None if value.strip() in self.static_tokens else (401, "Invalid bearer token")
        if scheme.lower() != "basic":
            return 401, "Full authentication is required to access this resource"
        try:
            user, _, password = base64.b64decode(value).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return 401, "Malformed Basic credentials"
        if self.admins.get(user) == password and password:
            return None
        if self.tenants.get(user, {}).get("password") == password and password:
            return 403, "Access is denied: requires the ADMIN role"
        return 401, "Bad credentials"

    def guarded(self, request, required):
        problem = self.auth_problem(request)
        if problem:
            return problem
        missing = [name for name in required if not request.arg(name)]
        if missing:
            return 400, f"Required parameter(s) missing: {', '.join(missing)}"
        self.requests.append((request.path, {k: v[0] for k, v in request.query.items()}))
        return None

    def locations(self, request):
        filters = ["tenantId", "ampId", "applicationId", "entityId", "locId", "user", "entityType", "state"]
        if not any(request.arg(name) for name in filters + ["startTime", "endTime"]):
            problem = self.auth_problem(request) or (400, "At least one search parameter must be given")
            return self.respond(None, problem[0], request, problem[1])
        problem = self.guarded(request, [])
        if problem:
            return self.respond(None, problem[0], request, problem[1])
        lo, hi = self._window(request)
        tenants = [request.arg("tenantId")] if request.arg("tenantId") else list(self.events)
        found = []
        for tenant in tenants:
            for event in self.events.get(tenant, []):
                if self._visible(event, lo, hi) and all(
                    request.arg(f) is None or str(event.get(f)).lower() == request.arg(f).lower() for f in filters[1:]
                ):
                    found.append(event)
        return self.respond(found)

    def _window(self, request):
        lo = parse_time(request.arg("startTime"), "startTime") if request.arg("startTime") else None
        hi = parse_time(request.arg("endTime"), "endTime") if request.arg("endTime") else None
        if lo and hi and hi < lo:
            raise ValueError("endTime is before startTime")
        return lo, hi

    def hours(self, request):
        problem = self.guarded(request, ["tenantId", "startTime", "endTime"])
        if problem:
            return self.respond(None, problem[0], request, problem[1])
        lo, hi = self._window(request)
        hi = min(hi, self.now())
        by_loc = {}
        for p in self.periods(request.arg("tenantId")):
            start, end = max(p["start"], lo), min(p["end"] or hi, hi)
            if end > start:
                record = by_loc.setdefault(p["locId"], {"tenantId": request.arg("tenantId"), "locId": p["locId"], "activeHours": 0.0, "periods": []})  # fmt: skip
                record["activeHours"] = round(record["activeHours"] + (end - start).total_seconds() / 3600, 4)
                record["periods"].append({"start": fmt(start), "end": fmt(end)})
        return self.respond(self.summary_shaped(list(by_loc.values())))

    def summary_shaped(self, records):
        """The summary in `summary_shape`: the document leaves the body open, so the tests try several."""
        shape = self.summary_shape
        if shape == "wrapped":
            return {"locations": records}
        if shape == "keyed":
            return {r["locId"]: r["activeHours"] for r in records}
        if shape == "seconds":
            return [{"locationId": r["locId"], "activeSeconds": round(r["activeHours"] * 3600)} for r in records]
        if shape == "partial":  # one record without a location, one without hours
            return [*records, {"usage": "PT3H"}, {"locId": "acme-vm-odd", "usage": "PT1H"}]
        if shape == "unknown":
            return "3 locations active"
        return records

    def metadata(self, request):
        problem = self.guarded(request, ["locId", "startTime", "endTime"])
        if problem:
            return self.respond(None, problem[0], request, problem[1])
        lo, hi = self._window(request)
        pairs = {}
        for events in self.events.values():
            for e in events:
                if e.get("locId") == request.arg("locId") and self._visible(e, lo, hi):
                    for item in e.get("locationUsageMetadata") or []:
                        pairs[(item["name"], item["value"])] = {"name": item["name"], "value": item["value"]}
        if self.metadata_shape == "object":
            return self.respond({p["name"]: p["value"] for p in pairs.values()})
        return self.respond(list(pairs.values()))
