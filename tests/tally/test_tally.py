"""The test vendor, present in the whole session, is met by the shared code as the real vendors are."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from ingest.models import IngestRun, Source
from ingest.services import run_fetch
from ingest.vendors import BY_KIND, VENDORS
from reports.alerts.models import AlertRule
from reports.alerts.services import evaluate
from tests.conftest import SIM_END
from tests.downloads import csv_rows
from tests.faults.truth import every_truth
from tests.tally.models import TallyCount
from tests.walks import example_of

pytestmark = pytest.mark.django_db


def test_it_is_a_vendor_of_the_registry_for_this_session():
    assert VENDORS[-1] is BY_KIND["tally"] and len(VENDORS) == 5


def test_its_source_fetches_from_its_simulator_page_by_page_and_then_nothing_new(tally_source):
    run = run_fetch(tally_source)
    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert run.records_created == TallyCount.objects.count() == 48  # a day of two counters' hours, 50 a page
    again = run_fetch(tally_source)
    assert again.status == IngestRun.Status.SUCCEEDED and again.records_fetched == 0


def test_its_page_home_card_and_overview_rows_come_from_its_folder(viewer, tally_fetched, sim):
    assert "alpha" in viewer.get(reverse("reports:tally")).content.decode()
    home = viewer.get("/", {"start": "2026-03-03", "end": "2026-03-04"})
    things = {r.thing.name: r.thing for r in home.context["rows"] if r.thing.kind == "tally"}
    assert set(things) == {"alpha", "beta"} and things["alpha"].owned == 5
    assert "Tally counters" in home.content.decode() and 'href="/tally/"' in home.content.decode()


def test_an_alert_rule_watches_its_counter_through_its_declaration(tally_fetched):
    watch = AlertRule(name="full", kind="utilization", thing_kind="tally", thing_key=f"{tally_fetched.pk}:alpha",
                      threshold=100, hours=1, recipients="a@example.com")  # fmt: skip
    watch.full_clean()
    watch.save()
    assert watch.source == tally_fetched and watch.watches == "counter alpha"
    TallyCount.objects.filter(counter="alpha").update(used=5)

    assert evaluate(watch, SIM_END + timedelta(minutes=5)).change == "fired"
    assert (
        "counter alpha on test-tally: 5 of 5 seats in use (100 %) for 1 h, at or above 100 % of seats"
        in mail.outbox[0].body
    )


def test_an_edit_of_its_declared_rows_makes_its_charts_read_again(tally_fetched):
    before = Source.objects.get(pk=tally_fetched.pk).data_version
    count = TallyCount.objects.first()
    count.seats = 9
    count.save()
    assert Source.objects.get(pk=tally_fetched.pk).data_version == before + 1


def test_its_report_is_walked_served_by_the_api_described_and_offered_for_subscription(walked, viewer, sim):
    example = example_of("tally_counter")  # every walk's reports (tests/walks.py)

    assert example.url == "/tally/alpha/" and example.report in BY_KIND["tally"].report_classes()
    assert "/tally/alpha/?granularity=hour&format=csv" in example.page_urls()  # the role samples
    assert [query.get("table") for query in example.download_queries()] == [None]  # the download walk
    assert example.api_urls() == ["/api/v1/reports/tally/counters/alpha?granularity=hour"]  # the API route walk
    page = viewer.get(example.url, example.query)
    assert page.status_code == 200 and page.context["report"].__class__ is example.report
    assert len(csv_rows(viewer.get(example.url, {**example.query, "format": "csv"}))) == 1 + 24
    schema = Client().get("/api/v1/schema").json()
    assert "/api/v1/reports/tally/counters/{counter}" in schema["paths"]
    assert "/tally/&lt;counter&gt;/" in viewer.get("/subscriptions/new/").content.decode()  # the picker's list
    assert "tally" in every_truth()  # the fault tests' ground truth
