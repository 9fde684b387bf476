"""The PDF printer runs no script of the page and reaches no network, and PDFs are bounded: PDF_MAX_CONCURRENT at
once across every process (a 503 past it), PDF_RATE_LIMIT per user (a 429), each with Retry-After."""

import io
import json

import pytest
from pypdf import PdfReader

from ingest.services import run_fetch
from reports.charts.base import base_layout, figure, line
from reports.limits.models import PdfSlot
from reports.limits.slots import PdfBusy, pdf_slot
from reports.pdf import print_pdf
from tests.conftest import MAC_A
from tests.test_pdf import needs_chromium

pytestmark = pytest.mark.django_db
URL = f"/mls/{MAC_A}/"


def hostile_page(url):
    """What a slip in escaping would let through: every way a page reaches the network or runs a script."""
    return f"""<!doctype html><html><head>
      <link rel="stylesheet" href="{url}/style.css"><style>@import url("{url}/import.css");
      body {{ background: url("{url}/background.png"); }}</style>
      <script src="{url}/script.js"></script></head><body>
      <p id="said">printed as written</p>
      <img src="{url}/image.png"><iframe src="{url}/frame"></iframe><object data="{url}/object"></object>
      <script>
        document.getElementById("said").textContent = "javascript ran";
        new WebSocket("{url.replace("http", "ws")}/socket"); fetch("{url}/fetch"); navigator.sendBeacon("{url}/beacon");
      </script></body></html>"""


def pdf_text(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@needs_chromium
def test_the_printer_runs_no_script_and_reaches_no_network(canary):
    chart = figure([line([1, 2], [3, 4], "drawn series")], base_layout(title="A chart drawn offline"))
    drawn = []

    def page(charts):
        drawn.extend(charts)
        return hostile_page(canary.url).replace("<body>", "<body>" + "".join(f'<img src="{c}">' for c in charts))

    pdf = print_pdf(page, header=f'<img src="{canary.url}/header.png">', plots=[json.dumps(chart)])

    text = pdf_text(pdf)
    assert "printed as written" in text and "javascript ran" not in text
    assert len(drawn) == 1 and drawn[0].startswith("data:image/svg+xml")
    assert canary.requests == []


def test_with_every_printer_busy_a_pdf_is_a_503_with_retry_after(settings, viewer, mls_source):
    settings.PDF_MAX_CONCURRENT = 1
    assert run_fetch(mls_source).error == ""

    with pdf_slot():  # another process prints: it holds the one slot
        response = viewer.get(URL, {"format": "pdf"})

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "all 1 PDF printers are busy" in response.content.decode()


def test_a_slot_is_freed_after_its_print_and_one_left_by_a_dead_process_in_time(settings, time_machine):
    settings.PDF_MAX_CONCURRENT, settings.PDF_TIMEOUT = 2, 60
    with pdf_slot(), pdf_slot():
        with pytest.raises(PdfBusy), pdf_slot():
            pass
    with pdf_slot(), pdf_slot():  # both were given back
        pass

    time_machine.move_to("2026-03-04 12:00Z")
    PdfSlot.objects.update(holder="a killed process", taken_at="2026-03-04T12:00Z")
    with pytest.raises(PdfBusy), pdf_slot():
        pass
    time_machine.move_to("2026-03-04 12:01:31Z")  # PDF_TIMEOUT and the grace later
    with pdf_slot():
        pass


def test_a_user_past_pdf_rate_limit_gets_a_429_with_retry_after(settings, viewer, mls_source):
    settings.PDF_RATE_LIMIT, settings.PDF_MAX_CONCURRENT = "2/hour", 1
    assert run_fetch(mls_source).error == ""

    with pdf_slot():  # the first two are counted (and answered busy, so no Chromium starts); the third is refused
        answers = [viewer.get(URL, {"format": "pdf"}) for _ in range(3)]

    assert [a.status_code for a in answers] == [503, 503, 429]
    assert 0 < int(answers[2]["Retry-After"]) <= 3600
    assert "at most 2 per hour each" in answers[2].content.decode()
