"""One mechanism for every vendor: the email of a report page attaches exactly that page's download."""

import csv
import io

import pytest
from django.core import mail

from ingest.models import IngestRun
from ingest.services import run_fetch
from reports.subscriptions.models import Subscription
from reports.subscriptions.services import send_subscription
from tests.subscriptions.conftest import SEND_AT

pytestmark = pytest.mark.django_db


def email_csv(report, period):
    sub = Subscription.objects.create(name="x", report=report, recipients="a@example.com", period=period)
    entry = send_subscription(sub, now=SEND_AT)
    assert entry.status == "sent", entry.error
    (content,) = [content for name, content, _type in mail.outbox[-1].attachments if name.endswith(".csv")]
    return list(csv.reader(io.StringIO(content))), entry


def page_csv(viewer, path, query, entry):
    response = viewer.get(path, {**query, "start": entry.period_start, "end": entry.period_end, "format": "csv"})
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize(
    "source_fixture, path, query, period",
    [
        ("bigfix_source", "/bigfix/", {}, "last-30-days"),
        ("metering_source", "/metering/", {}, "month-to-date"),
        ("metering_source", "/metering/acme/", {"by": "user"}, "month-to-date"),
    ],
)
def test_the_email_of_any_report_attaches_its_download(
    request, viewer, no_chromium, source_fixture, path, query, period
):
    source = request.getfixturevalue(source_fixture)
    assert run_fetch(source).status == IngestRun.Status.SUCCEEDED

    report = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    emailed, entry = email_csv(report, period)

    assert len(emailed) > 1
    assert emailed == page_csv(viewer, path, query, entry)
