from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils.module_loading import import_string
from django.utils.timezone import localdate

from ingest.models import IngestRun
from ingest.services import run_fetch, source_save
from ingest.simulators.server import SimulatorServer
from ingest.vendors import VENDORS
from tests.browser import browser  # noqa: F401  (the headless Chromium fixture of the browser tests)
from tests.canary import canary  # noqa: F401  (the loopback server that records every request it gets)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with no counted login failures and no cached charts (caches outlive a test in one process)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


# The simulators' history ends here in tests, so data is the same on every run.
SIM_END = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday noon
MAC_A = "00:1A:2B:3C:4D:5E"
MAC_B = "00:1A:2B:3C:4D:5F"


@pytest.fixture
def sim():
    """Every vendor simulator on a loopback port, with a short fixed history."""
    options = {v.kind: {"history_days": v.simulator_class().test_history_days, "end": SIM_END} for v in VENDORS}
    server = SimulatorServer(options=options).start()
    server.faults.timeout_seconds = 2.0
    yield server
    server.stop()


def _source_fixture(kind):
    def source(sim, db):
        return source_save(**sim.simulators[kind].test_source(sim.url(kind)))

    source.__doc__ = f"A {kind} source reading the `sim` simulator (see its simulator's test_source)."
    return pytest.fixture(source, name=f"{kind}_source")


def _fetched_fixture(kind):
    def fetched(request):
        if kind == "lstat":
            request.getfixturevalue("lstat_clock")  # License Statistics' open hour and day are "now"
        source = request.getfixturevalue(f"{kind}_source")
        run = run_fetch(source)
        assert run.status == IngestRun.Status.SUCCEEDED, run.error
        return source

    fetched.__doc__ = f"The {kind} test source, fetched once from the `sim` simulator (a succeeded run)."
    return pytest.fixture(fetched, name=f"{kind}_fetched")


# One `<kind>_source` and one `<kind>_fetched` fixture per vendor in the registry: mls_source, mls_fetched, ...
for _vendor in VENDORS:
    globals()[f"{_vendor.kind}_source"] = _source_fixture(_vendor.kind)
    globals()[f"{_vendor.kind}_fetched"] = _fetched_fixture(_vendor.kind)


@pytest.fixture
def all_fetched(request, sim, lstat_clock):
    """Every vendor's test source fetched once from its simulator, our clock at the simulators' end."""
    for vendor in VENDORS:
        request.getfixturevalue(f"{vendor.kind}_fetched")
    return sim


@pytest.fixture
def walked(all_fetched):
    """Every vendor's test source fetched, and an entitlement of each vendor's first licensed thing renewing in a
    month: stored data behind an example of every report (tests/walks.py)."""
    from reports.overview.models import Entitlement

    for vendor in VENDORS:
        key = min(import_string(vendor.licensed_keys)())
        Entitlement.objects.create(kind=vendor.kind, key=key, owned=1, renews_on=localdate() + timedelta(days=30))
    return all_fetched


@pytest.fixture
def lstat_clock():
    """Our clock at the simulators' end, ticking: License Statistics' open hour and day are "now"."""
    with time_machine.travel(SIM_END, tick=True) as traveller:
        yield traveller


@pytest.fixture
def viewer(db, django_user_model, client):
    """A logged-in license admin who is not staff."""
    user = django_user_model.objects.create_user("viewer", password="viewer-pass-123")
    client.force_login(user)
    return client


# Modules that check nothing the display zone (TIME_ZONE) changes: transport faults against ground truth in UTC,
# killed processes, secrets, roles, security headers, the PDF and browser plumbing, the broker. `make test` runs
# them on SQLite in UTC (-m zone_free) and the others in America/New_York and Asia/Kolkata (-m "not zone_free");
# MariaDB runs all of them in UTC. So every test runs on both databases, and every test the zone can change runs
# outside UTC twice, within the suite's time budget.
ZONE_FREE = {
    "tests/faults/",
    "tests/test_crashed_fetches.py",
    "tests/test_pdf.py",
    "tests/test_chart_escaping.py",
    "tests/test_pdf_limits.py",
    "tests/test_shared_limits.py",
    "tests/test_settings.py",
    "tests/test_browser.py",
    "tests/test_site_walk.py",
    "tests/test_secrets.py",
    "tests/test_encryption.py",
    "tests/test_deploy_check.py",
    "tests/test_roles.py",
    "tests/test_security.py",
    "tests/test_redis_broker.py",
    "tests/subscriptions/test_names.py",
    "tests/subscriptions/test_recipients.py",
    "tests/subscriptions/test_send_now.py",
    "tests/test_entitlement_migration.py",
    "tests/test_vendor_app_migration.py",
    "tests/signin/",
    "tests/privacy/",
    "tests/test_transport.py",
    # Checks of input, escaping, transport, parsing and plumbing that read no local day or hour:
    "tests/test_hostile_payloads.py",
    "tests/test_params.py",
    "tests/test_formats.py",
    "tests/test_registry.py",
    "tests/test_http.py",
    "tests/test_tables.py",
    "tests/test_connection_test.py",
    "tests/test_admin_raw_rows.py",
    "tests/test_sources_pages.py",
    "tests/api/test_errors.py",
    "tests/api/test_auth.py",
    "tests/api/test_roles.py",
    "tests/api/test_rate_limit.py",
    "tests/api/test_tokens_page.py",
    "tests/lstat/test_errors.py",
    "tests/lstat/test_parsing.py",
    "tests/metering/test_errors.py",
    "tests/mls/test_failures.py",
    "tests/bigfix/test_tokens.py",
    "tests/bigfix/test_api_forms.py",
    "tests/bigfix/test_simulator.py",
    "tests/test_overview_browser.py",
    "tests/subscriptions/test_chart_images.py",
    "tests/test_report_objects.py",
    "tests/lstat/test_hourly_cursor.py",  # License Statistics' zone is set explicitly, the three of them
    "tests/test_conditional.py",  # ETags and 304s: the display zone is one part of the key, checked by changing it
}


def pytest_collection_modifyitems(config, items):
    root = str(config.rootpath) + "/"
    for item in items:
        path = str(item.path).removeprefix(root)
        if any(path.startswith(prefix) for prefix in ZONE_FREE):
            item.add_marker(pytest.mark.zone_free)
