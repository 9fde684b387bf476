"""The emailed report: the page's figures, charts inline, a link back, and the download's rows attached."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.core import mail
from openpyxl import load_workbook

from ingest.models import IngestRun
from ingest.services import run_fetch
from reports.subscriptions.email import report_link
from reports.subscriptions.models import Subscription
from reports.subscriptions.services import send_subscription
from tests.conftest import MAC_A
from tests.subscriptions.conftest import REPORT, SEND_AT

pytestmark = pytest.mark.django_db

WEEK = {"start": "2026-02-25", "end": "2026-03-03"}


def subscription(report=REPORT, **fields):
    fields = {"name": "Weekly MLS", "report": report, "recipients": "boss@example.com, ops@example.com",
              "attach_csv": True, "attach_xlsx": True, **fields}  # fmt: skip
    return Subscription.objects.create(**fields)


def parts(message):
    """{content type: [parts]} of the sent MIME message, however deeply nested."""
    found = {}
    for part in message.message().walk():
        found.setdefault(part.get_content_type(), []).append(part)
    return found


def html_of(message):
    return next(body for body, kind in message.alternatives if kind == "text/html")


def attachment(message, suffix):
    return next(content for name, content, _type in message.attachments if name.endswith(suffix))


def download_rows(viewer, path, fmt, **query):
    response = viewer.get(path, {**WEEK, **query, "format": fmt})
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode())))
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def xlsx_rows(content):
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_the_email_has_the_subject_recipients_figures_link_and_text_part(mls_fetched, no_chromium, settings, viewer):
    settings.SITE_URL = "https://meterboard.example.com"
    entry = send_subscription(subscription(), now=SEND_AT)

    assert entry.status == "sent", entry.error
    message = mail.outbox[0]
    assert message.subject == "Weekly MLS: 25 Feb 2026 – 3 Mar 2026"
    assert [m.to for m in mail.outbox] == [["boss@example.com"], ["ops@example.com"]]
    html, text = html_of(message), message.body
    summary = viewer.get(f"/mls/{MAC_A}/", {**WEEK, "granularity": "day"}).context["summary"]
    for body in (html, text):
        assert (
            f"https://meterboard.example.com/mls/{MAC_A}/?granularity=day&amp;start=2026-02-25&amp;end=2026-03-03".replace(
                "&amp;", "&" if body is text else "&amp;"
            )
            in body
        )
        assert f"Used peak: {summary['used_peak']}" in text
        assert str(summary["used_peak"]) in body
        assert "Charts were unavailable" in body
    assert "<script" not in html and "http://" not in html.replace("https://meterboard.example.com", "")
    assert 'style="' in html  # inline styles: mail clients drop <style> sheets and links


def test_the_attachments_hold_exactly_the_rows_of_the_reports_download(mls_fetched, no_chromium, viewer):
    send_subscription(subscription(), now=SEND_AT)
    message = mail.outbox[0]

    path = f"/mls/{MAC_A}/"
    csv_rows = list(csv.reader(io.StringIO(attachment(message, ".csv"))))
    assert csv_rows == download_rows(viewer, path, "csv", granularity="day")
    days = [row[0][:10] for row in csv_rows[1:]]
    assert days and all("2026-02-25" <= day <= "2026-03-03" for day in days)  # the week's days with data
    assert xlsx_rows(attachment(message, ".xlsx")) == download_rows(viewer, path, "xlsx", granularity="day")


def test_the_xlsx_attachment_says_what_it_is_and_links_to_the_report(mls_fetched, no_chromium, settings):
    settings.SITE_URL = "https://meterboard.example.com"
    send_subscription(subscription(), now=SEND_AT)

    book = load_workbook(io.BytesIO(attachment(mail.outbox[0], ".xlsx")))
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["Report"] == f"Supervisor {MAC_A}" and about["Source"] == mls_fetched.name
    assert about["Period"] == f"{WEEK['start']} – {WEEK['end']}"
    assert (
        about["Page"].startswith(f"https://meterboard.example.com/mls/{MAC_A}/?")
        and "start=2026-02-25" in about["Page"]
    )


def test_a_report_with_several_tables_attaches_its_default_download(lstat_clock, lstat_source, no_chromium, viewer):
    assert run_fetch(lstat_source).status == IngestRun.Status.SUCCEEDED
    from ingest.vendors.lstat.models import LstatServer

    path = f"/lstat/servers/{LstatServer.objects.first().pk}/"
    sub = subscription(report=path, period="month-to-date")
    entry = send_subscription(sub, now=SEND_AT)

    assert entry.status == "sent", entry.error
    message = mail.outbox[0]
    csv_rows = list(csv.reader(io.StringIO(attachment(message, ".csv"))))
    page = viewer.get(path, {"start": "2026-03-01", "end": "2026-03-04", "format": "csv"})
    assert csv_rows == list(csv.reader(io.StringIO(b"".join(page.streaming_content).decode())))
    assert len(csv_rows) > 1
    # the per-feature summary (peak, utilization, denials) is in the email as a table, led by names, not ids
    assert "Utilization %" in html_of(message) and "denials" in message.body.lower()
    assert ">Pk<" not in html_of(message) and "Pk " not in message.body


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed")
def test_charts_are_inline_png_parts_the_html_refers_to(mls_fetched, viewer):
    entry = send_subscription(subscription(), now=SEND_AT)

    assert entry.status == "sent" and entry.charts == 1, entry.error
    message = mail.outbox[0]
    found = parts(message)
    (image,) = found["image/png"]
    assert image.get_payload(decode=True).startswith(b"\x89PNG")
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html_of(message)
    assert found["multipart/related"] and found["text/plain"] and found["text/html"]
    assert "Charts were unavailable" not in html_of(message)


def test_without_chromium_the_email_goes_with_tables_and_says_so(mls_fetched, no_chromium):
    entry = send_subscription(subscription(), now=SEND_AT)

    assert (entry.status, entry.charts) == ("sent", 0)
    assert "image/png" not in parts(mail.outbox[0])
    assert "Charts were unavailable: Chromium was not found" in mail.outbox[0].body


def test_the_text_part_lists_the_rows_and_names_the_attachments(mls_fetched, no_chromium):
    send_subscription(subscription(), now=SEND_AT)
    body = mail.outbox[0].body

    assert "all of them in the attached CSV and XLSX." in body
    assert "Period start | Minutes | Used min" in body and "['" not in body


def test_each_recipient_gets_a_message_of_their_own(mls_fetched, no_chromium):
    send_subscription(subscription(recipients="boss@example.com, ops@example.com, cfo@example.com"), now=SEND_AT)

    sent = {tuple(message.recipients()): message.message().as_bytes() for message in mail.outbox}
    assert set(sent) == {("boss@example.com",), ("ops@example.com",), ("cfo@example.com",)}
    for (address,), raw in sent.items():
        others = {"boss@example.com", "ops@example.com", "cfo@example.com"} - {address}
        assert f"To: {address}".encode() in raw and not any(other.encode() in raw for other in others)


def test_the_subject_is_the_name_as_written_and_the_html_escapes_it(mls_fetched, no_chromium):
    send_subscription(subscription(name="R&D <b>weekly</b>", recipients="boss@example.com"), now=SEND_AT)

    message = mail.outbox[0]
    assert message.subject == "R&D <b>weekly</b>: 25 Feb 2026 – 3 Mar 2026"
    assert message.body.startswith("R&D <b>weekly</b>\n")
    assert "R&amp;D &lt;b&gt;weekly&lt;/b&gt;" in html_of(message) and "<b>weekly" not in html_of(message)


def test_the_link_keeps_the_reports_query_as_it_was(settings):
    settings.SITE_URL = "https://meterboard.example.com/"
    report = "/lstat/compare/?features=6&features=7&user=a%26b&start=2020-01-01&granularity=day"

    link = report_link(Subscription(report=report), date(2026, 2, 25), date(2026, 3, 3))

    assert link == (
        "https://meterboard.example.com/lstat/compare/?features=6&features=7&user=a%26b&start=2026-02-25"
        "&granularity=day&end=2026-03-03"
    )
