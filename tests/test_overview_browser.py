"""A staff license admin reads the overview in a real browser, sorts it and prices a feature's seats."""

import os
from datetime import timedelta
from pathlib import Path

import pytest

from ingest.services import run_fetch
from tests.conftest import SIM_END

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("REQUIRE_BROWSER"),
        reason="Debian's chromium is not installed (apt-get install chromium); CI sets REQUIRE_BROWSER",
    ),
]


@pytest.fixture
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def test_a_staff_admin_sorts_the_overview_and_prices_seats(
    browser, live_server, sim, lstat_clock, lstat_source, mls_source, django_user_model
):
    for source in (lstat_source, mls_source):
        assert run_fetch(source).status == "succeeded"
    django_user_model.objects.create_user("boss", password="correct-horse-battery", is_staff=True)
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    end = SIM_END.date()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/?start={end - timedelta(days=89)}&end={end}")
    page.click("table.overview th >> text=Denials")
    first = page.locator("table.overview tbody tr").first
    assert first.locator("td").first.inner_text().startswith("SolidWorks 2025")

    first.locator("input[name=price]").fill("4200")
    first.locator("form.price button").click()
    page.wait_for_selector(".message.success")
    assert "set to 4,200.00 EUR per seat per year" in page.locator(".message.success").inner_text()
    assert page.locator("table.overview tbody tr").first.locator("input[name=price]").input_value() == "4200"
    assert errors == []
