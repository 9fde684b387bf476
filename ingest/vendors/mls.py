"""PipelineFX Metered License Server (MLS), REST API v2.

Reference: ../shared/seeds/000_f63fe0dee579f290.txt ("Use the Metered License
Server public REST API to retrieve the usage records for your supervisor").
Each supervisor is fetched from its own cursor (last stored id + 1), page
after page until an empty page; every page is stored with one bulk upsert in
the same transaction as its rollups and its cursor.
"""

import re
import time
from datetime import UTC, date, datetime
from datetime import time as dtime

from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import ExtractHour

from ingest.db import upsert
from ingest.errors import CredentialsError, PayloadError
from ingest.http import HttpClient
from ingest.models import MlsRecord, MlsRollup
from ingest.vendors.base import Connector

TOKEN_LIFETIME = 6 * 3600 - 300  # MLS tokens last 6 hours; renew a little early
DEFAULT_PER_PAGE = 1440 * 7  # a week of minutes, as the seed's sample asks for
RECORD_COLUMNS = ["source", "record_id", "macaddress", "ts_date", "ts_time", "lic_used", "lic_prepaid", "lic_metered"]
RECORD_KEYS = ["macaddress", "ts_date", "ts_time"]
ROLLUP_COLUMNS = [
    "macaddress", "granularity", "bucket", "samples",
    "used_min", "used_max", "used_sum",
    "prepaid_min", "prepaid_max", "prepaid_sum",
    "metered_min", "metered_max", "metered_sum",
]  # fmt: skip
ROLLUP_KEYS = ["macaddress", "granularity", "bucket"]


def normalize_mac(value):
    """'aa-bb-cc-dd-ee-ff', 'AABB.CCDD.EEFF' or 'aa:bb:..' -> 'AA:BB:CC:DD:EE:FF', as Qube prints it."""
    digits = re.sub(r"[\s:.\-]", "", str(value)).upper()
    if not re.fullmatch(r"[0-9A-F]{12}", digits):
        raise ValueError(f"{value!r} is not a MAC address (12 hex digits, any separator)")
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


class MlsConnector(Connector):
    kind = "mls"
    params_help = {
        "macaddresses": "comma-separated supervisor MAC addresses (any case or separator)",
        "per_page": f"records per request (default {DEFAULT_PER_PAGE}, a week of minutes)",
    }

    @classmethod
    def clean_params(cls, params):
        params = super().clean_params(params)
        macs = params.get("macaddresses", "")
        if isinstance(macs, str):
            macs = [m for m in macs.split(",") if m.strip()]
        if not macs:
            raise ValueError("MLS needs --param macaddresses=AA:BB:CC:DD:EE:FF[,...]")
        params["macaddresses"] = [normalize_mac(m) for m in macs]
        try:
            params["per_page"] = int(params.get("per_page", DEFAULT_PER_PAGE))
        except (TypeError, ValueError):
            raise ValueError(f"per_page must be a whole number, not {params['per_page']!r}") from None
        if not 1 <= params["per_page"] <= 100_000:
            raise ValueError("per_page must be between 1 and 100000")
        return params

    def fetch(self):
        self.http = HttpClient(self.source.base_url, secrets=self.source.secrets())
        self.token = self.source.token or None
        self.token_expires = float("inf") if self.token else 0.0
        for mac in self.params["macaddresses"]:
            self.fetch_supervisor(mac)

    def fetch_supervisor(self, mac):
        starting_id = int(self.run.cursor(mac, "0"))
        page_num = 1
        while True:
            records = self.get_page(mac, starting_id, page_num)
            if not records:
                return
            rows, last_id, first_day, last_day = parse_page(records, mac, self.source.pk, page_num)
            with self.run.page() as page:
                scope = MlsRecord.objects.filter(macaddress=mac, ts_date__range=(first_day, last_day))
                page.upsert(MlsRecord, RECORD_COLUMNS, rows, keys=RECORD_KEYS, scope=scope, prepared=True)
                refresh_rollups(mac, first_day, last_day)
                page.set_cursor(mac, last_id + 1)
            page_num += 1

    # --- HTTP -----------------------------------------------------------------------
    def get_page(self, mac, starting_id, page_num):
        # Reference: GET /api/v2/records?macaddress=&starting_id=&page=&per_page=
        params = {"macaddress": mac, "starting_id": starting_id, "page": page_num, "per_page": self.params["per_page"]}
        try:
            return self.http.get_json("/api/v2/records", params=params, headers=self.auth_header())
        except CredentialsError:
            if not self.can_login():
                raise CredentialsError(
                    "MLS refused the token (HTTP 401): supply a fresh --token, or a username and password"
                ) from None
            self.login()
        try:
            return self.http.get_json("/api/v2/records", params=params, headers=self.auth_header())
        except CredentialsError:
            raise CredentialsError(
                f"MLS refused a freshly issued token (HTTP 401): check that this account may read supervisor {mac}"
            ) from None

    def can_login(self):
        return bool(self.source.username and self.source.password)

    def auth_header(self):
        if self.token is None or time.monotonic() >= self.token_expires:
            if not self.can_login():
                raise CredentialsError("MLS needs a --token, or a username and password to log in with")
            self.login()
        return {"Authorization": f"Bearer {self.token}"}

    def login(self):
        # Reference: POST /api/v2/login with the Metered Portal credentials, as PipelineFX's own page does.
        body = {"username": self.source.username, "password": self.source.password}
        try:
            answer = self.http.post_json("/api/v2/login", body)
        except CredentialsError:
            raise CredentialsError(
                f"MLS login refused for user {self.source.username!r} (HTTP 401): check the username and password"
            ) from None
        token = answer.get("token") or answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise PayloadError("MLS login answered without a token")
        self.http.secrets.append(token)
        self.token = token
        self.token_expires = time.monotonic() + TOKEN_LIFETIME


def parse_page(records, mac, source_id, page_num):
    """Validate one page; return its rows (database-ready), last id and first/last day."""
    if not isinstance(records, list):
        raise PayloadError(
            f"MLS page {page_num} for {mac}: expected a JSON list of records, got {type(records).__name__}"
        )
    rows = []
    for i, r in enumerate(records):
        try:
            rows.append(_row(r, mac, source_id))
        except KeyError as exc:
            raise PayloadError(f"MLS page {page_num} for {mac}, record {i}: missing field {exc}") from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise PayloadError(f"MLS page {page_num} for {mac}, record {i}: {exc}") from None
    last_id = max(row[1] for row in rows)
    days = [row[3] for row in rows]
    return rows, last_id, min(days), max(days)


def _row(r, mac, source_id):
    record_id = r["id"]
    if type(record_id) is not int:
        raise TypeError(f"id is {type(record_id).__name__}, not a whole number")
    counts = (r["lic_used"], r["lic_prepaid"], r["lic_metered"])
    if any(type(c) is not int or c < 0 for c in counts):
        raise TypeError(f"license counts must be whole numbers ≥ 0, got {counts}")
    day = date.fromisoformat(r["ts_date"]).isoformat()
    minute = dtime.fromisoformat(r["ts_time"]).isoformat()
    return (source_id, record_id, mac, day, minute, *counts)


def refresh_rollups(mac, first_day, last_day):
    """Recompute the hourly and daily rollups of whole days from the minute records."""
    hours = (
        MlsRecord.objects.filter(macaddress=mac, ts_date__range=(first_day, last_day))
        .values("ts_date", hour=ExtractHour("ts_time"))
        .annotate(
            samples=Count("id"),
            used_min=Min("lic_used"),
            used_max=Max("lic_used"),
            used_sum=Sum("lic_used"),
            prepaid_min=Min("lic_prepaid"),
            prepaid_max=Max("lic_prepaid"),
            prepaid_sum=Sum("lic_prepaid"),
            metered_min=Min("lic_metered"),
            metered_max=Max("lic_metered"),
            metered_sum=Sum("lic_metered"),
        )  # fmt: skip
        .order_by()
    )
    hour_rows, days = [], {}
    for h in hours:
        stats = [h[c] for c in ROLLUP_COLUMNS[3:]]
        bucket = datetime.combine(h["ts_date"], dtime(h["hour"]), tzinfo=UTC)
        hour_rows.append((mac, "hour", bucket, *stats))
        day = days.get(h["ts_date"])
        days[h["ts_date"]] = stats if day is None else merge_stats(day, stats)
    day_rows = [(mac, "day", datetime.combine(d, dtime(0), tzinfo=UTC), *s) for d, s in days.items()]
    upsert(MlsRollup, ROLLUP_COLUMNS, hour_rows + day_rows, keys=ROLLUP_KEYS)


def merge_stats(a, b):
    """Combine [samples, min, max, sum] x 3 of two buckets."""
    merged = [a[0] + b[0]]
    for i in range(1, len(a), 3):
        merged += [min(a[i], b[i]), max(a[i + 1], b[i + 1]), a[i + 2] + b[i + 2]]
    return merged
