"""The vendor registry is the one list of vendors: everything that lists them agrees with it."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.module_loading import import_string

from ingest.management.commands.simulators import simulator_options
from ingest.models import Source
from ingest.simulators.server import SimulatorServer
from ingest.vendors import BY_KIND, VENDORS, connector_class
from ingest.vendors.base import Connector

ROOT = Path(__file__).resolve().parent.parent
KINDS = [vendor.kind for vendor in VENDORS]


def test_a_sources_kind_is_checked_against_the_registry_and_offered_from_it():
    field = Source._meta.get_field("kind")
    assert not field.choices  # no choices in migrations: a new vendor needs no ingest migration
    assert [kind for kind, _label in field.formfield().choices] == KINDS
    for kind in KINDS:
        field.run_validators(kind)
        assert Source(kind=kind).kind_label == BY_KIND[kind].label
    with pytest.raises(ValidationError, match="'flexlm' is not a vendor kind; choose one of mls, bigfix"):
        field.run_validators("flexlm")
    assert Source(kind="flexlm").kind_label == "flexlm"  # a source of a vendor no longer declared still shows


def test_every_connector_is_a_connector_of_its_kind():
    for vendor in VENDORS:
        cls = connector_class(vendor.kind)
        assert issubclass(cls, Connector)
        assert cls.kind == vendor.kind


def test_an_unknown_kind_names_the_known_ones():
    with pytest.raises(ValueError, match="choose one of mls, bigfix"):
        connector_class("flexlm")


def test_the_simulators_command_serves_every_vendor():
    assert list(simulator_options(history_days=1)) == KINDS
    server = SimulatorServer(options={kind: {"history_days": 1} for kind in KINDS})
    try:
        assert list(server.simulators) == KINDS
    finally:
        server.httpd.server_close()


def test_every_simulator_offers_a_demo_source_of_its_kind():
    for vendor in VENDORS:
        spec = vendor.simulator_class()(history_days=1).demo_source(f"http://127.0.0.1:1/{vendor.kind}")
        assert spec["kind"] == vendor.kind
        connector_class(vendor.kind).clean_params(spec.get("params") or {})


def test_every_vendor_has_a_source_fixture_from_its_simulator(request, sim):
    for vendor in VENDORS:
        source = request.getfixturevalue(f"{vendor.kind}_source")
        assert source.kind == vendor.kind
        assert source.base_url == sim.url(vendor.kind)


def test_each_vendor_lives_in_its_two_folders():
    for vendor in VENDORS:
        for module in ("connector", "models", "admin", "simulator"):
            assert (ROOT / "ingest" / "vendors" / vendor.kind / f"{module}.py").is_file(), (vendor.kind, module)
        for module in ("selectors", "charts", "views", "urls"):
            assert (ROOT / "reports" / vendor.kind / f"{module}.py").is_file(), (vendor.kind, module)
        assert (ROOT / "templates" / vendor.home_card[0]).is_file()
        assert (ROOT / "tests" / vendor.kind).is_dir()


@pytest.mark.django_db
def test_nav_and_home_cards_come_from_the_registry(viewer):
    page = viewer.get(reverse("reports:home")).content.decode()
    for vendor in VENDORS:
        assert f'href="{reverse(vendor.nav_url)}"' in page
        assert callable(import_string(vendor.home_card[1]))
        assert callable(import_string(vendor.licensed_things))


@pytest.mark.django_db
def test_every_vendor_page_answers(viewer):
    for vendor in VENDORS:
        assert viewer.get(reverse(vendor.nav_url)).status_code == 200


def test_outside_its_folders_a_vendor_is_named_only_in_the_registry():
    """Code that lists vendors reads VENDORS; a vendor's own code stays in its folders."""
    shared = [
        ROOT / "ingest" / "models" / "__init__.py",
        ROOT / "ingest" / "admin" / "__init__.py",
        ROOT / "ingest" / "simulators" / "server.py",
        ROOT / "ingest" / "management" / "commands" / "simulators.py",
        ROOT / "ingest" / "management" / "commands" / "demo.py",
        ROOT / "reports" / "urls.py",
        ROOT / "reports" / "views" / "home.py",
        ROOT / "templates" / "partials" / "vendor_nav.html",
    ]
    for path in shared:
        text = path.read_text()
        for vendor in VENDORS:
            assert f"vendors.{vendor.kind}" not in text and f"'{vendor.kind}'" not in text, (path, vendor.kind)
            assert f'"{vendor.kind}"' not in text, (path, vendor.kind)
