"""A real browser logs in and loads the supervisor report (headless Debian Chromium via Playwright)."""

import os

from ingest.services import run_fetch
from tests.browser import BROWSER_TEST
from tests.conftest import MAC_A

pytestmark = BROWSER_TEST


def test_a_license_admin_logs_in_and_sees_the_supervisor_chart(browser, live_server, mls_source, django_user_model):
    assert run_fetch(mls_source).status == "succeeded"
    django_user_model.objects.create_user("alice", password="correct-horse-battery")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server.url}/mls/{MAC_A}/?start=2026-03-02&end=2026-03-04&granularity=hour")
    assert "/login/" in page.url
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")

    page.wait_for_selector("#chart .main-svg")
    assert page.locator("h1").inner_text() == f"Supervisor {MAC_A}"
    # plotly drew the used, prepaid and metered lines with their points
    assert page.locator("#chart .scatterlayer .trace").count() == 7  # 3 used + 1 prepaid + 3 metered
    assert page.locator(".kpi .value").first.inner_text().isdigit()
    assert errors == []


def test_charts_render_under_the_content_security_policy(browser, live_server, mls_source, django_user_model):
    assert run_fetch(mls_source).status == "succeeded"
    django_user_model.objects.create_user("carol", password="correct-horse-battery")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))

    page.goto(f"{live_server.url}/login/?next=/mls/{MAC_A}/%3Fstart%3D2026-03-02%26end%3D2026-03-04")
    page.fill("input[name=username]", "carol")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_selector("#chart .main-svg")
    page.wait_for_timeout(300)  # violations are reported asynchronously

    response = page.request.get(page.url)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator("#chart .scatterlayer .trace").count() > 0
    violations = [line for line in console if "Content Security Policy" in line or "Refused to" in line]
    assert violations == [] and [line for line in console if line.startswith("pageerror")] == []


def test_the_supervisor_page_draws_the_weekday_hour_heatmap(
    browser, live_server, mls_source, django_user_model, tmp_path
):
    assert run_fetch(mls_source).status == "succeeded"
    django_user_model.objects.create_user("dora", password="correct-horse-battery")
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/mls/{MAC_A}/?start=2026-03-02&end=2026-03-04")
    page.fill("input[name=username]", "dora")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_selector("#heatmap .main-svg")

    assert page.locator("#heatmap .hm image").count() == 1  # plotly drew the heatmap's cells
    weekdays = page.locator("#heatmap .yaxislayer-above .ytick text").all_text_contents()
    assert weekdays == ["Sunday", "Saturday", "Friday", "Thursday", "Wednesday", "Tuesday", "Monday"]  # bottom up
    page.locator("#heatmap").screenshot(path=os.environ.get("HEATMAP_SCREENSHOT") or tmp_path / "mls-heatmap.png")
    assert errors == []


def test_a_long_table_is_paged_and_its_links_reopen_it(
    browser, live_server, mls_source, django_user_model, monkeypatch, tmp_path
):
    assert run_fetch(mls_source).status == "succeeded"
    monkeypatch.setattr("dashboard.tables.PAGE_SIZE", 10)  # 48 hourly rows: five pages
    django_user_model.objects.create_user("erin", password="correct-horse-battery")
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/mls/{MAC_A}/?start=2026-03-02&end=2026-03-04&granularity=hour")
    page.fill("input[name=username]", "erin")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_selector("#chart .main-svg")
    page.click("details.card > summary")

    page.click("nav.pager >> text=Next ›")
    page.wait_for_selector("#chart .main-svg")

    assert page.locator("#rows table.data tbody tr").count() == 10
    assert page.locator("#rows").is_visible()  # the page link reopened the folded table
    assert page.locator("nav.pager .current").inner_text() == "2"
    assert "Rows 11–20 of 48" in page.locator(".pager-count").inner_text()
    page.screenshot(path=os.environ.get("TABLE_SCREENSHOT") or tmp_path / "long-table.png", full_page=True)
    assert errors == []
