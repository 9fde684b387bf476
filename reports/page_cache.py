"""Report pages rendered once for everyone who sees the same page: the next user of the same audience reads it.

A report page's ETag (reports/conditional.py) is a digest of everything the page shows and of whose page it is.
All but the last is the same for every user: the release, the URL, the display zone, the date and hour, every
source's data version and the reports settings. Of the user, a page shows only their audience, which is part of
this cache's key: admin or viewer (`is_staff`: links, forms and error texts differ), and whether they see people's
real names or pseudonyms (dashboard.privacy.names). And two things of their own, which the kept page holds as
marks, put in on each answer: their name in the top bar (escaped) and the CSRF token of its forms (a fresh one,
for their own CSRF cookie, as `{% csrf_token %}` gives).

So 100 people opening the overview at 9:00 cost one rendering and 99 cache reads, and the first user after a
fetch still pays for the new data. Only what has an ETag is kept (report pages, never downloads or forms), only a
200 that no message waits on, compressed, in the "charts" cache for PAGE_CACHE_SECONDS (default CHART_CACHE_SECONDS;
0: off) and at most CHART_CACHE_MAX_BYTES, as chart rows are.
"""

import functools
import zlib
from collections import namedtuple

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.html import escape

from dashboard.privacy.names import names_visible
from dashboard.roles import is_admin
from reports import conditional

PREFIX = "page:"


def cached_page(request):
    """This user's copy of the kept page of the request, or None (not a report page, or not kept yet)."""
    key = _key(request)
    blob = caches["charts"].get(key) if key else None
    if blob is None:
        return None
    return _personal(request, zlib.decompress(blob).decode())


def render_page(request, template, context, status=200):
    """The report page, rendered and kept for its audience where it may be (else rendered as any page is)."""
    key = _key(request) if status == 200 else None
    if key is None:
        return render(request, template, context, status=status)
    marked = {**context, "user": _MarkedUser(request.user), "csrf_token": _marks().csrf}
    html = render_to_string(template, marked, request)
    if not conditional.messages_waiting(request):  # a message shown once is never kept for the next user
        blob = zlib.compress(html.encode(), 1)
        if len(blob) <= settings.CHART_CACHE_MAX_BYTES:
            caches["charts"].set(key, blob, settings.PAGE_CACHE_SECONDS)
    return _personal(request, html)


def _key(request):
    kind = getattr(request, "report_kind", None)
    if kind is None or settings.PAGE_CACHE_SECONDS <= 0 or conditional.messages_waiting(request):
        return None
    user = request.user
    audience = (is_admin(user), names_visible(user))
    return PREFIX + conditional.digest([*conditional.shared_parts(request, kind), audience])


def _personal(request, html):
    marks = _marks()
    html = html.replace(marks.user, escape(request.user.get_username()))
    if marks.csrf in html:
        html = html.replace(marks.csrf, get_token(request))
    return HttpResponse(html)


Marks = namedtuple("Marks", "user csrf")


def _marks():
    return _marks_of(settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _marks_of(secret_key):
    """The marks a kept page holds in place of the user's own name and CSRF token: derived from SECRET_KEY, so that
    no upstream's name can hold one, and the same in every process sharing the cache."""
    user = salted_hmac("reports.page_cache.user", "", secret=secret_key, algorithm="sha256").hexdigest()[:24]
    csrf = salted_hmac("reports.page_cache.csrf", "", secret=secret_key, algorithm="sha256").hexdigest()[:24]
    return Marks(user="mb-user-" + user, csrf="mbcsrf" + csrf)


class _MarkedUser:
    """The request's user as the kept page shows them: their audience, and a mark for their name."""

    def __init__(self, user):
        self._user = user

    def __getattr__(self, name):
        return getattr(self._user, name)

    def get_username(self):
        return _marks().user

    def __str__(self):
        return _marks().user
