"""Hostile names in charts: Plotly draws its texts as pseudo-HTML, so every upstream string is escaped by the chart
builder (reports/charts/base.py) and the only tags a figure holds are the <br> and <extra> of our own templates.
kaleido, which draws the emailed charts, loads nothing from the network (MathJax off, plotly.js from disk)."""

import json
import os
import re
from datetime import UTC, date, datetime

import pytest
from django.core import mail

from ingest.services import run_fetch
from ingest.vendors.bigfix.models import BigfixSoftwareTitle, BigfixUsage
from reports.bigfix.charts import product_series_figure, stacked_periods_figure, top_products_figure
from reports.charts.base import pseudo_html_escape, to_json
from reports.lstat.charts import lstat_compare_figure, lstat_server_figure, lstat_top_users_figure
from reports.metering.charts import active_hours_figure
from reports.subscriptions.models import Subscription
from reports.subscriptions.services import send_subscription
from tests.browser import CHROMIUM

pytestmark = pytest.mark.django_db
TAG = re.compile(r"<\s*/?\s*([a-zA-Z]+)")
OURS = {"br", "extra"}


def tags(figure):
    """The tag names a figure's JSON holds (as Plotly would read them), ours left out."""
    return set(TAG.findall(to_json(figure))) - OURS


def figures(names):
    """Every chart builder that draws names, fed the hostile ones (as trace names, categories, hover data, titles)."""
    day, later = date(2026, 3, 2), date(2026, 3, 3)
    bigfix = [
        {"product": name, "period_start": day, "period_end": later, "peak": 3 + i, "systems": 2,
         "computer_system_id": name, "peak_date": day, "peak_time": None}
        for i, name in enumerate(names)
    ]  # fmt: skip
    lstat = [
        {"feature": name, "feature_id": i, "bucket": datetime(2026, 3, 2, 9, tzinfo=UTC), "used_max": 2, "used_min": 1,
         "used_avg": 1.5, "total": 4, "denials": 0, "borrowed_max": 0}
        for i, name in enumerate(names)
    ]  # fmt: skip
    metric = names[0]
    return [
        product_series_figure(bigfix, metric),
        top_products_figure([{**r, "peak_period": name} for r, name in zip(bigfix, names, strict=True)], metric),
        stacked_periods_figure(bigfix, "computer_system_id", names[1], metric),
        lstat_compare_figure(lstat, "used_max"),
        lstat_server_figure([{"pk": i, "feature": name} for i, name in enumerate(names)], lstat),
        lstat_top_users_figure([{"user": name, "licenses": 2} for name in names]),
        active_hours_figure([{"group": name, "bucket": day, "hours": 1.5} for name in names]),
    ]


def test_a_chart_built_from_hostile_names_holds_no_tag_it_did_not_write(canary):
    names = canary.hostile_names()

    for figure in figures(names):
        text = to_json(figure)
        assert tags(figure) == set(), text
        assert "$" not in text.replace("&#36;", ""), text  # no name can start MathJax
        assert canary.url in text  # the names are there, as text


def test_escaped_names_read_back_as_the_same_text_and_our_own_markup_stays():
    trace = {"name": "R&D <b>", "x": ["a<br>b"], "hovertemplate": "<b>%{x}</b><br>%{y:$.2f}<extra></extra>"}

    escaped = pseudo_html_escape({"data": [trace], "layout": {"xaxis": {"tickformat": "$.2f"}}})

    assert escaped["data"][0]["name"] == "R&amp;D &lt;b&gt;"
    assert escaped["data"][0]["x"] == ["a&lt;br&gt;b"]
    assert escaped["data"][0]["hovertemplate"] == "&lt;b&gt;%{x}&lt;/b&gt;<br>%{y:$.2f}<extra></extra>"
    assert escaped["layout"]["xaxis"]["tickformat"] == "$.2f"


@pytest.fixture
def hostile_bigfix(bigfix_source, canary):
    """BigFix fetched, then its products and metric named as a hostile upstream would name them."""
    assert run_fetch(bigfix_source).error == ""
    names = canary.hostile_names()
    for title, name in zip(BigfixSoftwareTitle.objects.order_by("pk"), names * 50, strict=False):
        title.name = name
        title.save()
    for i, metric in enumerate(BigfixUsage.objects.values_list("metric_name", flat=True).distinct()):
        BigfixUsage.objects.filter(metric_name=metric).update(metric_name=f'<img src="{canary.url}/m{i}">')
    return names


def test_a_bigfix_page_embeds_hostile_names_only_as_text(viewer, hostile_bigfix):
    html = viewer.get("/bigfix/", {"start": "2026-01-01", "end": "2026-03-04"}).content.decode()

    blobs = re.findall(r'<script type="application/json" id="[\w-]+">(.*?)</script>', html, re.S)
    assert blobs
    for blob in blobs:
        assert tags(json.loads(blob)) == set(), blob[:500]


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("REQUIRE_BROWSER"), reason="no Chromium")
def test_an_emailed_report_of_hostile_names_makes_no_network_request(hostile_bigfix, canary, monkeypatch, settings):
    settings.CHROMIUM = CHROMIUM
    # Every request Chromium makes that is not to the canary itself goes through it, as Chromium's proxy.
    monkeypatch.setenv("CHOREO_PROXY_SERVER", canary.url)
    subscription = Subscription.objects.create(
        name="Hostile", report="/bigfix/?start=2026-01-01&end=2026-03-04", recipients="boss@example.com"
    )

    entry = send_subscription(subscription, now=datetime(2026, 3, 4, 12, 30, tzinfo=UTC))

    assert entry.status == "sent" and entry.charts == 2, entry.error
    assert len(mail.outbox) == 1
    assert canary.requests == [], "\n".join(canary.requests)
