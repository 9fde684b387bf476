"""A staff license admin reads the overview in a real browser, sorts it and prices a feature's seats."""

from datetime import timedelta

from ingest.services import run_fetch
from tests.browser import BROWSER_TEST
from tests.conftest import SIM_END

pytestmark = BROWSER_TEST


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
