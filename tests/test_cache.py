"""Chart data is cached per source: the next request of a page reads the cache, not the usage rows, until a fetch
stores new rows or an admin edits the source's data. Every test runs on Django's local-memory cache and on
Redis (db 5) when it is reachable."""

import csv
import io
import os
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ingest.models import Source
from ingest.services import run_fetch, source_save
from ingest.vendors.lstat.models import LstatFeature
from ingest.vendors.metering.simulator import DEFAULT_TENANTS
from ingest.vendors.mls.models import MlsSupervisor
from reports.cache import cached
from reports.forms import PeriodForm
from reports.mls import selectors as mls
from reports.overview.models import Entitlement
from tests.conftest import MAC_A, MAC_B, SIM_END

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")  # make test gives parallel runs their own
URL = f"/mls/{MAC_A}/"
DAY = {"start": SIM_END.date().isoformat(), "end": SIM_END.date().isoformat(), "granularity": "hour"}


def redis_reachable():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        return False


@pytest.fixture(autouse=True, params=["locmem", "redis"])
def chart_cache(request, settings):
    """The cache the charts are kept in: this process's memory, or Redis as several machines share it."""
    from django.core.cache import caches

    if request.param == "redis":
        if not redis_reachable():
            pytest.skip(f"Redis is not reachable at {REDIS_URL}")
        redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        settings.CACHES = {"default": redis, "charts": {**redis, "KEY_PREFIX": "charts"}}
    caches["charts"].clear()
    yield request.param
    caches["charts"].clear()


def selector_queries(selector, *args):
    """The SQL the selector runs when nothing is cached."""
    with CaptureQueriesContext(connection) as queries:
        selector.uncached(*args)
    return {q["sql"] for q in queries}


def page_queries(client, url, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200, response.content.decode()[:500]
    return response, {q["sql"] for q in queries}


def day_period():
    form = PeriodForm(DAY, latest=SIM_END.date())
    assert form.is_valid()
    return form.period()


def test_the_second_request_of_a_page_reads_its_chart_rows_from_the_cache(viewer, mls_fetched):
    supervisor = MlsSupervisor.objects.get(macaddress=MAC_A)
    usage = selector_queries(mls.mls_usage, supervisor, day_period())
    heatmap = selector_queries(mls.mls_heatmap, supervisor, day_period())

    first, ran_first = page_queries(viewer, URL, DAY)
    second, ran_second = page_queries(viewer, URL, DAY)

    assert usage <= ran_first and heatmap <= ran_first
    assert not (usage | heatmap) & ran_second
    assert second.context["rows"] == first.context["rows"] == mls.mls_usage.uncached(supervisor, day_period())


def test_a_fetch_that_stores_new_minutes_shows_them_at_once(viewer, sim, mls_source):
    simulator = sim.simulators["mls"]
    simulator.fixed_end = SIM_END.replace(hour=10)
    run_fetch(mls_source)
    before = viewer.get(URL, DAY).context["rows"]
    assert viewer.get(URL, DAY).context["rows"] == before  # cached

    simulator.fixed_end = SIM_END.replace(hour=11)
    assert run_fetch(mls_source).records_created == 2 * 60
    after = viewer.get(URL, DAY).context["rows"]

    assert len(after) == len(before) + 1
    assert after[-1]["bucket"] == timezone.localtime(SIM_END.replace(hour=10))
    assert after[-1]["samples"] == 60


def test_a_fetch_that_stores_nothing_leaves_the_cache(viewer, mls_fetched):
    version = Source.objects.get(pk=mls_fetched.pk).data_version
    assert version > 0  # the first fetch stored pages
    viewer.get(URL, DAY)

    again = run_fetch(mls_fetched)
    _response, ran = page_queries(viewer, URL, DAY)

    assert (again.status, again.records_fetched) == ("succeeded", 0)
    assert Source.objects.get(pk=mls_fetched.pk).data_version == version
    assert not selector_queries(mls.mls_usage, MlsSupervisor.objects.get(macaddress=MAC_A), day_period()) & ran


def test_the_same_page_in_another_display_zone_is_its_own_entry(viewer, mls_fetched, settings):
    here = viewer.get(URL, DAY).context["rows"]

    other = "America/New_York" if settings.TIME_ZONE == "Asia/Kolkata" else "Asia/Kolkata"
    settings.TIME_ZONE = other
    there = viewer.get(URL, DAY).context["rows"]

    assert there != here
    assert there == mls.mls_usage.uncached(MlsSupervisor.objects.get(macaddress=MAC_A), day_period())
    assert str(there[0]["bucket"].tzinfo) == other


def test_with_no_cache_seconds_every_request_reads_the_rows(viewer, mls_fetched, settings):
    settings.CHART_CACHE_SECONDS = 0
    usage = selector_queries(mls.mls_usage, MlsSupervisor.objects.get(macaddress=MAC_A), day_period())

    viewer.get(URL, DAY)
    _response, ran = page_queries(viewer, URL, DAY)

    assert usage <= ran


def test_rows_larger_than_the_limit_are_not_kept(viewer, mls_fetched, settings):
    settings.CHART_CACHE_MAX_BYTES = 100
    usage = selector_queries(mls.mls_usage, MlsSupervisor.objects.get(macaddress=MAC_A), day_period())

    viewer.get(URL, DAY)
    _response, ran = page_queries(viewer, URL, DAY)

    assert usage <= ran


# --- the overview: every source's licensed things ---------------------------------------------------------
@pytest.fixture
def everything(sim, lstat_clock, mls_source, bigfix_source, lstat_source, metering_source):
    for source in (mls_source, bigfix_source, lstat_source, metering_source):
        assert run_fetch(source).status == "succeeded", source.kind
    return sim


OVERVIEW = {"start": (SIM_END.date() - timedelta(days=29)).isoformat(), "end": SIM_END.date().isoformat()}


def overview_period():
    from reports.overview.forms import OverviewForm

    form = OverviewForm(OVERVIEW, latest=timezone.localdate(), sources=Source.objects.all())
    assert form.is_valid(), form.errors
    return form.period()


def test_the_overview_reads_every_source_s_things_from_the_cache_the_second_time(viewer, everything):
    from reports.views.home import _cards

    things = set()
    for selector in all_things_selectors():
        things |= selector_queries(selector, overview_period())
    with CaptureQueriesContext(connection) as cards:
        _cards()  # the vendors' home cards (their supervisors and servers), read on every request
    things -= {q["sql"] for q in cards}
    things = {q for q in things if "data_version" not in q}  # each cached call reads its sources' versions
    assert things

    first, _ran = page_queries(viewer, "/", OVERVIEW)
    second, ran = page_queries(viewer, "/", OVERVIEW)

    assert not things & ran
    assert [r.thing for r in second.context["rows"]] == [r.thing for r in first.context["rows"]]


def all_things_selectors():
    from django.utils.module_loading import import_string

    from ingest.vendors import VENDORS

    return [import_string(v.licensed_things) for v in VENDORS]


def test_a_fetch_of_one_source_reads_that_kind_again_and_keeps_the_others(viewer, everything, mls_source):
    viewer.get("/", OVERVIEW)
    everything.simulators["mls"].fixed_end = SIM_END + timedelta(hours=1)
    assert run_fetch(mls_source).records_created == 2 * 60

    _response, ran = page_queries(viewer, "/", OVERVIEW)

    from reports.lstat.selectors import licensed_things as lstat_things
    from reports.mls.selectors import licensed_things as mls_things

    assert selector_queries(mls_things, overview_period()) & ran
    assert not selector_queries(lstat_things, overview_period()) & ran


def test_a_seat_price_set_inline_shows_at_once(admin_client, everything):
    assert admin_client.get("/", OVERVIEW).status_code == 200

    admin_client.post(reverse("reports:seat_price"), {"kind": "mls", "key": MAC_A, "price": "1000", "next": "/"})
    row = next(r for r in admin_client.get("/", OVERVIEW).context["rows"] if r.thing.key == MAC_A)

    assert row.price == Entitlement.objects.get(kind="mls", key=MAC_A).price_per_year == 1000


def test_an_admin_renaming_a_feature_shows_the_new_name_at_once(admin_client, everything):
    feature = LstatFeature.objects.get(name="MATLAB")
    names = {r.thing.name for r in admin_client.get("/", OVERVIEW).context["rows"] if r.thing.kind == "lstat"}
    assert any(name.startswith("MATLAB") for name in names)

    url = reverse("admin:lstat_lstatfeature_change", args=[feature.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(seen_at_0=feature.seen_at.date(), seen_at_1=feature.seen_at.time())  # the admin's split widget
    response = admin_client.post(url, {**data, "name": "MATLAB Campus"})
    assert response.status_code == 302, response.context["adminform"].form.errors

    names = {r.thing.name for r in admin_client.get("/", OVERVIEW).context["rows"] if r.thing.kind == "lstat"}
    assert any(name.startswith("MATLAB Campus") for name in names)


# --- what depends on the clock --------------------------------------------------------------------------------
def test_an_open_metering_location_keeps_counting_up_to_now(viewer, sim, settings):
    settings.CHART_CACHE_MOVING_SECONDS = 60
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=True) as clock:
        simulator = sim.simulators["metering"]
        simulator.fixed_end = now
        spec = DEFAULT_TENANTS["globex"]
        simulator.inject("globex", {"id": 5, "tenantId": "globex", "ampId": spec["amp"], "locId": "globex-vm-new",
                                    "date": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                    "state": "Created", "entityId": "e", "user": "erin"})  # fmt: skip
        since = (now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        source = source_save(kind="metering", name="now", base_url=sim.url("metering"), username="admin",
                             password="admin-password", params={"tenants": "globex", "since": since})  # fmt: skip
        assert run_fetch(source).status == "succeeded"
        today = timezone.localdate()
        url = f"/metering/globex/globex-vm-new/?start={today - timedelta(days=1)}&end={today + timedelta(days=1)}&format=csv&table=intervals"

        def hours():
            (row,) = csv.DictReader(io.StringIO(b"".join(viewer.get(url).streaming_content).decode()))
            return float(row["Active hours in range"])

        assert hours() == pytest.approx(2.0, abs=0.05)
        clock.shift(timedelta(minutes=30))
        assert hours() == pytest.approx(2.5, abs=0.05)


def test_a_selector_keyed_on_something_it_cannot_name_is_refused():
    @cached(lambda thing: {"pk": 1})
    def unkeyable(thing):
        return []

    with pytest.raises(TypeError, match="cannot be keyed on a object"):
        unkeyable(object())


def test_the_period_and_the_supervisor_are_part_of_the_key(viewer, mls_fetched):
    supervisor_a = MlsSupervisor.objects.get(macaddress=MAC_A)
    supervisor_b = MlsSupervisor.objects.get(macaddress=MAC_B)
    period = day_period()

    assert mls.mls_usage(supervisor_a, period) == mls.mls_usage.uncached(supervisor_a, period)
    assert mls.mls_usage(supervisor_b, period) == mls.mls_usage.uncached(supervisor_b, period)
    assert mls.mls_usage(supervisor_a, period) != mls.mls_usage(supervisor_b, period)
    week = PeriodForm({**DAY, "start": (SIM_END.date() - timedelta(days=6)).isoformat()}, latest=SIM_END.date())
    assert week.is_valid()
    assert len(mls.mls_usage(supervisor_a, week.period())) > len(mls.mls_usage(supervisor_a, period))
