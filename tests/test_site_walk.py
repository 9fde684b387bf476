"""Every page reachable from the navigation and the overview, in a real browser, as an admin and as a viewer,
at 1440 and 390 px wide: it answers 200 (a viewer's 403 in the site's layout), logs no console error and no
Content-Security-Policy violation, draws every chart, and does not scroll sideways on a phone.

One browser and one page for the whole walk, each page loaded once per user and checked wide, then narrowed to
a phone's width in place (the charts resize with their container); one page per URL route, so the walk stays
cheap however many rows the overview lists.
"""

import os
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from dashboard.roles import ADMIN
from ingest.services import run_fetch
from tests.browser import BROWSER_TEST

pytestmark = BROWSER_TEST

WIDE, PHONE = 1440, 390
PASSWORD = "correct-horse-battery"
SCREENSHOTS = os.environ.get("WALK_SCREENSHOTS")  # a directory: phone-width screenshots of every page walked

# What the walk does not open: downloads, the logout form's target, the admin site's own pages (Django's), the API.
SKIP = ("/logout/", "/api/", "/static/")


def _links(page, selector):
    return page.eval_on_selector_all(selector, "els => els.map(a => a.getAttribute('href'))")


def _route(href):
    """The URL route a link opens (one page per route is walked), or None for a link the walk leaves."""
    parts = urlsplit(href)
    if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP) or "format=" in parts.query:
        return None
    if parts.path.startswith("/admin/"):
        return "admin" if parts.path == "/admin/" else None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.view_name


def _role(href):
    """The role the link's URL declares (dashboard/roles.py): a viewer gets 403 on an admin's page."""
    return getattr(resolve(urlsplit(href).path).func, "role", None)


def _add_links(page, routes, selector="header.topbar a, main a"):
    """One link per route: the first of each route the page links to."""
    for href in _links(page, selector):
        route = _route(href)
        if route and route not in routes:
            routes[route] = href


class Walk:
    """The one page object of the walk, with what its console said since the last check."""

    def __init__(self, browser, base):
        self.base = base
        self.page = browser.new_page(viewport={"width": WIDE, "height": 900})
        self.console = []
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        self.page.on("pageerror", lambda exc: self.console.append(f"pageerror: {exc}"))

    def _console(self, message):
        # a failed load is reported with its URL by _response (the page itself answers the status expected of it)
        if message.type in ("error", "warning") and not message.text.startswith("Failed to load resource"):
            self.console.append(message.text)

    def _response(self, response):
        if response.status >= 400 and response.request.resource_type != "document":
            self.console.append(f"HTTP {response.status}: {response.url}")

    def log_in(self, username):
        self.page.context.clear_cookies()
        self.page.set_viewport_size({"width": WIDE, "height": 900})
        self.page.goto(f"{self.base}/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("header.topbar nav")

    def check(self, href, status=200):
        page = self.page
        page.set_viewport_size({"width": WIDE, "height": 900})
        self.console.clear()
        response = page.goto(f"{self.base}{href}", wait_until="domcontentloaded")
        problems = []
        if response.status != status:
            problems.append(f"HTTP {response.status}, not {status}")
        own = not href.startswith("/admin/")  # the admin site has Django's layout, with our favicon
        if (own and not page.locator("header.topbar .brand").count()) or not page.locator("link[rel=icon]").count():
            problems.append("not in the site's layout")
        charts = page.locator("[data-figure]")
        if charts.count():
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-figure]')].every(c => c.querySelector('.main-svg'))"
            )
        page.set_viewport_size({"width": PHONE, "height": 844})
        # the new width is laid out by the next frame: measure after two (not the wide layout mid-change)
        page.wait_for_function(f"() => window.innerWidth === {PHONE}")
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        if charts.count():  # plotly redraws a responsive chart at its container's new width
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-figure]')]"
                ".every(c => c.querySelector('.main-svg').getBoundingClientRect().width <= c.clientWidth + 1)"
            )
        overflow = page.evaluate(
            "() => [document.documentElement.scrollWidth, [...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))"
            ".slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 30))]"
        )
        if overflow[0] > PHONE:
            problems.append(f"{overflow[0]} px wide at {PHONE} px: {overflow[1]}")
        page.wait_for_timeout(50)  # CSP violations are reported asynchronously
        if self.console:
            problems.append(f"console: {self.console[:3]}")
        if SCREENSHOTS:
            name = urlsplit(href).path.strip("/").replace("/", "_").replace(":", "") or "overview"
            page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)
        return [f"{href}: {problem}" for problem in problems]


def test_every_page_as_an_admin_and_as_a_viewer_on_a_wide_screen_and_a_phone(
    browser, live_server, sim, lstat_clock, mls_source, lstat_source, bigfix_source, metering_source, django_user_model
):
    for source in (mls_source, lstat_source, bigfix_source, metering_source):
        assert run_fetch(source).status == "succeeded"
    django_user_model.objects.create_user("boss", password=PASSWORD, is_staff=True, is_superuser=True)
    django_user_model.objects.create_user("reader", password=PASSWORD)
    walk = Walk(browser, live_server.url)

    walk.log_in("boss")
    walk.page.goto(f"{live_server.url}/")
    routes = {}
    _add_links(walk.page, routes)  # the navigation and the overview (its rows, callouts and cards)
    problems, walked = [], set()
    while unwalked := [route for route in routes if route not in walked]:  # then what those pages link to
        for route in unwalked:
            walked.add(route)
            problems += walk.check(routes[route])
            if route != "admin":
                _add_links(walk.page, routes, "main a")
    for route in ("reports:alerts", "ingest:sources", "ingest:source", "reports:subscriptions", "account:tokens"):
        assert route in routes, sorted(routes)
    for vendor in ("mls_supervisor", "lstat_feature", "lstat_users", "bigfix_product", "bigfix_system"):
        assert f"reports:{vendor}" in routes, sorted(routes)
    assert "reports:metering_location" in routes, sorted(routes)
    assert _role(routes["reports:alerts"]) == _role(routes["ingest:source"]) == ADMIN

    walk.log_in("reader")
    assert walk.page.locator("header.topbar a[href='/alerts/']").count() == 0  # a viewer's navigation
    for route, href in routes.items():
        if route != "admin":  # the admin site sends a viewer to its own login page
            problems += walk.check(href, status=403 if _role(href) == ADMIN else 200)
    assert problems == [], "\n".join(problems)
