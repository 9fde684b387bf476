"""Conditional requests for report pages: an ETag from what the page shows, and 304 when the browser has it.

A browser that revisits a report page sends the ETag it was given (`If-None-Match`); when nothing the page shows
has changed, the answer is a 304 with no body, before the view reads a single row. The ETag is a digest of:

- the request: path, query string, host, and the user (id, name, role) with their session and CSRF cookie (the
  page's forms carry tokens of them);
- the display zone, today's date in it (default periods end today) and the hour (charts mark the hour or the day
  still running);
- every source's row as pages show it and its `data_version` (bumped by every committed page that stores rows and
  by an admin's rename of a supervisor, server, feature or product: reports/cache.py);
- the reports settings version: the row count and latest `updated_at` of every reports model that has an
  `updated_at` field (entitlements: owned quantities and prices, and any setting added with one), one query each;
- the release (a digest of the code and templates), so a new release never answers with an old page, and the
  settings (a digest of their plain values: a restart with another CURRENCY or OFFICE_HOURS is another page);
- where the page moves with the clock: the overview's source statuses (last run, "last success 5 minutes ago",
  stale) and the window of CHART_CACHE_MOVING_SECONDS (metering locations still active count up to now).

Only report pages (the overview and each vendor's pages under /<kind>/) answer conditionally, never downloads
(`?format=`), forms or anything else; a page with a message waiting to be shown sets no ETag.
"""

import functools
import hashlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.db.models import Count, Max
from django.dispatch import receiver
from django.http import HttpResponseNotModified
from django.utils import timezone
from django.utils.http import parse_etags
from django.utils.timesince import timesince

from ingest.models import Source
from ingest.vendors import BY_KIND

SOURCE_FIELDS = ("pk", "kind", "name", "enabled", "interval_minutes", "created_at", "data_version", "locked_at")


class ConditionalReportMiddleware:
    """Answers report pages' conditional GETs with 304 and gives their 200s an ETag (see the module's text)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        etag = getattr(request, "report_etag", None)
        if etag and response.status_code == 200 and not response.has_header("ETag") and not messages_waiting(request):
            _headers(response, etag)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        kind = report_kind(request)
        if kind is None:
            return None
        request.report_etag = etag = page_etag(request, kind)
        request.report_kind = kind
        if f'"{etag}"' in {tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))}:
            response = HttpResponseNotModified()
            _headers(response, etag)
            return response
        return None


def _headers(response, etag):
    response["ETag"] = f'W/"{etag}"'  # weak: the same page compressed or not
    response["Cache-Control"] = "private, no-cache"  # the browser's own cache only, and it asks each time


def report_kind(request):
    """The page's vendor kind, "overview" for the overview, or None for anything that never answers with 304."""
    if request.method not in ("GET", "HEAD") or "format" in request.GET or not request.user.is_authenticated:
        return None
    match = request.resolver_match
    if match is None or match.namespaces != ["reports"] or messages_waiting(request):
        return None
    if match.url_name == "home":
        return "overview"
    kind = match.route.split("/", 1)[0]
    return kind if kind in BY_KIND else None


def messages_waiting(request):
    return bool(len(get_messages(request)))  # len() reads them without marking them shown


def page_etag(request, kind):
    """The page's ETag: what it shows (`shared_parts`) and whose it is (the user, their session and CSRF cookie)."""
    user = request.user
    parts = [
        *shared_parts(request, kind),
        (user.pk, user.get_username(), user.is_staff),
        request.session.session_key,  # a new login, a new page: its forms' CSRF tokens are the new session's
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
    ]
    return digest(parts)


def shared_parts(request, kind):
    """What the page shows, but for whose it is: the same for every user who sees the same page (reports/page_cache.py
    adds their audience), read once per request and kept on it."""
    cached = getattr(request, "_report_shared_parts", None)
    if cached is not None:
        return cached
    now = timezone.now()
    parts = [
        release(),
        settings_digest(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        request.get_host(),
        timezone.get_current_timezone_name(),
        timezone.localdate(now).isoformat(),
        int(now.timestamp() // 3600),  # the hour: charts mark the hour (and day) still running
        list(Source.objects.order_by("pk").values_list(*SOURCE_FIELDS)),
        settings_version(),
    ]
    if kind == "overview":
        parts.append(status_parts(now))
    if kind == "overview" or (kind in BY_KIND and BY_KIND[kind].moving):
        parts.append(int(now.timestamp() // max(1, settings.CHART_CACHE_MOVING_SECONDS)))
    request._report_shared_parts = parts
    return parts


def digest(parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def status_parts(now):
    """What the overview's source statuses show: each source's last run, its last success and how long ago, stale."""
    from ingest.selectors import source_statuses

    return [
        (
            status.source.pk,
            status.last_run and (status.last_run.pk, status.last_run.status, status.last_run.finished_at),
            status.last_error,
            status.last_success and timesince(status.last_success.finished_at, now),
            status.stale,
            status.source.locked_at is not None and status.source.lock_is_dead(now=now),
        )
        for status in source_statuses()
    ]


def settings_version():
    """The reports settings version: (model, rows, latest updated_at) of each reports model with `updated_at`."""
    return [
        (model._meta.label, *model.objects.aggregate(n=Count("pk"), last=Max("updated_at")).values())
        for model in settings_models()
    ]


@functools.cache
def settings_models():
    models = apps.get_app_config("reports").get_models()
    return sorted((m for m in models if any(f.name == "updated_at" for f in m._meta.fields)), key=str)


@functools.cache
def settings_digest():
    """A digest of every setting's plain value (strings, numbers, and lists and dicts of them), kept per process and
    forgotten when a setting is changed in it (Django's `setting_changed`: tests)."""
    plain = {}
    for name in dir(settings):
        if name.isupper() and _is_plain(value := getattr(settings, name)):
            plain[name] = value
    return hashlib.sha256(repr(sorted(plain.items())).encode()).hexdigest()


def _is_plain(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


@receiver(setting_changed)
def _forget_settings_digest(**kwargs):
    settings_digest.cache_clear()


@functools.cache
def release():
    """A digest of the code and templates this process serves."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder in ("dashboard", "ingest", "reports", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html"):
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
