"""An emailed report fits a phone: in Chromium, nothing of the email is wider than 600 px, nor than a 390 px screen."""

import base64
import re

import pytest
from django.core import mail

from reports.subscriptions.models import Subscription
from reports.subscriptions.services import send_subscription
from tests.browser import BROWSER_TEST, browser  # noqa: F401 (fixture)
from tests.conftest import MAC_A
from tests.subscriptions.conftest import SEND_AT
from tests.subscriptions.test_email import html_of, parts

pytestmark = BROWSER_TEST

# The email's elements wider than 600 px, leaving out those that hold the whole card (the page's background), or
# past the screen's right edge outside a box that scrolls sideways on its own (a wide table's); and how far the
# page itself scrolls sideways.
MEASURE = """() => {
  const card = document.querySelector('table[style*="max-width:600px"]');
  const scrolls = e => e.closest('div[style*="overflow-x:auto"]') !== null;
  const wide = [...document.querySelectorAll('body *')].filter(e => !e.contains(card))
    .map(e => [e.tagName, e.getBoundingClientRect().width, e.getBoundingClientRect().right, scrolls(e)])
    .filter(([, width, right, inBox]) => width > 600 || (right > window.innerWidth + 0.5 && !inBox));
  return {wide, card: card.getBoundingClientRect().width, scroll: document.documentElement.scrollWidth};
}"""


def email_html(report):
    """The HTML part of the report's email, its inline charts as data: URLs (as a mail client shows them)."""
    subscription = Subscription.objects.create(
        name="Weekly MLS", report=report, recipients="boss@example.com", attach_csv=True
    )
    entry = send_subscription(subscription, now=SEND_AT)
    assert entry.status == "sent", entry.error
    message = mail.outbox[-1]
    images = {part["Content-ID"].strip("<>"): part.get_payload(decode=True) for part in parts(message)["image/png"]}
    html = html_of(message)
    for cid, png in images.items():
        html = html.replace(f"cid:{cid}", "data:image/png;base64," + base64.b64encode(png).decode())
    return html, len(images)


@pytest.mark.parametrize("granularity", ["day", "hour"])
def test_the_email_is_at_most_600_px_wide_and_fits_a_phone(mls_fetched, browser, granularity):  # noqa: F811
    html, charts = email_html(f"/mls/{MAC_A}/?granularity={granularity}")
    assert charts == 1 and not re.search(r'src="cid:', html)

    for width in (1440, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.set_content(html, wait_until="load")
        found = page.evaluate(MEASURE)
        page.close()

        assert found["wide"] == [], (width, found)
        assert found["card"] <= min(600, width) and found["scroll"] <= width, (width, found)
