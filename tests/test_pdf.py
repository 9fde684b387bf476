"""Every report page prints as a PDF (?format=pdf): the email's content under the page's title, A4 landscape.

Each PDF launches Chromium (a second or two), so one page per vendor and the overview; the PDF tests skip where
Chromium is missing, unless REQUIRE_BROWSER is set (as CI does).
"""

import io
import os
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from ingest.models import IngestRun
from ingest.services import run_fetch
from ingest.vendors import BY_KIND, VENDORS
from reports.pdf import page_title, print_context
from reports.report import ReportData
from tests.browser import CHROMIUM
from tests.conftest import MAC_A
from tests.walks import Example

pytestmark = pytest.mark.django_db

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("REQUIRE_BROWSER"),
    reason="Debian's chromium is not installed (apt-get install chromium); CI sets REQUIRE_BROWSER",
)
A4_LANDSCAPE = (842, 595)  # points (Chromium rounds to whole CSS pixels: 842.25 x 595.5)


def fetch(source):
    run = run_fetch(source)
    assert run.status == IngestRun.Status.SUCCEEDED, run.error


def read_pdf(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@needs_chromium
@pytest.mark.parametrize("kind", [vendor.kind for vendor in VENDORS if vendor.reports])
def test_a_report_page_downloads_as_a_pdf_with_its_title(request, lstat_clock, viewer, kind):
    """Each vendor's first report (of its registry record), at its example (tests/walks.py)."""
    fetch(request.getfixturevalue(f"{kind}_source"))
    report = BY_KIND[kind].report_classes()[0]
    example = Example(report, *report.example())
    path, title = example.url, report(**example.kwargs).build(example.query).title

    response = viewer.get(path, {**example.query, "format": "pdf"})

    reader, text = read_pdf(response)
    assert title in text
    assert (
        response["Content-Disposition"].startswith("attachment; filename=")
        and '.pdf"' in response["Content-Disposition"]
    )
    assert "generated" in text and "Page 1 of" in text
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert abs(width - A4_LANDSCAPE[0]) < 2 and abs(height - A4_LANDSCAPE[1]) < 2


@needs_chromium
def test_the_overview_pdf_holds_its_figures_and_period(lstat_clock, viewer, mls_source):
    fetch(mls_source)

    response = viewer.get("/", {"start": "2026-03-01", "end": "2026-03-04", "format": "pdf"})

    _reader, text = read_pdf(response)
    assert "Overview" in text
    assert "1 Mar 2026 – 4 Mar 2026" in text
    assert "Licensed things" in text and MAC_A in text


@needs_chromium
def test_a_page_links_its_pdf_beside_csv_and_xlsx(viewer, mls_source):
    fetch(mls_source)

    html = viewer.get(f"/mls/{MAC_A}/", {"granularity": "day"}).content.decode()

    assert '<a href="?granularity=day&amp;format=pdf">PDF</a>' in html


def test_without_chromium_the_pdf_link_says_why_and_the_download_is_a_503(settings, viewer, mls_source):
    settings.CHROMIUM = "/nonexistent/chromium"
    fetch(mls_source)

    page = viewer.get(f"/mls/{MAC_A}/").content.decode()
    pdf = viewer.get(f"/mls/{MAC_A}/", {"format": "pdf"})

    assert "format=pdf" not in page and "PDF needs Chromium on the server" in page
    assert pdf.status_code == 503
    assert pdf["Content-Type"].startswith("text/plain")
    assert "Chromium was not found at /nonexistent/chromium" in pdf.content.decode()


def test_without_chromium_tables_and_the_overview_say_why_there_is_no_pdf(settings, viewer, metering_source):
    settings.CHROMIUM = "/nonexistent/chromium"
    fetch(metering_source)

    for path in ("/metering/", "/"):
        html = viewer.get(path).content.decode()
        assert "format=pdf" not in html and "PDF needs Chromium on the server" in html, path
    assert viewer.get("/", {"format": "pdf"}).status_code == 503


def test_upstream_text_is_escaped_once_in_the_printed_html():
    title = page_title("reports/lstat/feature.html", {"feature": "<b>Tom & Jerry</b> 2025"})
    report = ReportData(
        title="", rows=[{"user": "<img src=x onerror=alert(1)>"}], columns=[("user", "User")], filename="x"
    )

    html = render_to_string("reports/pdf.html", print_context(title, report))

    assert title == "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; 2025"
    assert ">&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; 2025</div>" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html


@needs_chromium
def test_a_chromium_that_fails_to_start_is_a_503_not_a_500(settings, viewer, mls_source):
    settings.CHROMIUM = "/bin/false"
    fetch(mls_source)

    response = viewer.get(f"/mls/{MAC_A}/", {"format": "pdf"})

    assert response.status_code == 503
    assert "Chromium failed to print the report" in response.content.decode()
