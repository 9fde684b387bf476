"""What every browser test shares: Debian's Chromium driven by Playwright (never `playwright install`)."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# A browser test module sets `pytestmark = BROWSER_TEST`.
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("REQUIRE_BROWSER"),
        reason="Debian's chromium is not installed (apt-get install chromium); CI sets REQUIRE_BROWSER",
    ),
]


@pytest.fixture
def browser():
    """A headless Chromium for the test."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()
