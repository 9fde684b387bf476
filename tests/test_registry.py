"""The vendor registry is the one list of vendors: everything that lists them agrees with it."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import get_template
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
    assert [kind for kind, _label in field.formfield().choices] == ["", *KINDS]
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


# A vendor's folders name each role's file alike (docs/architecture.md, "A vendor lives in its folders").
INGEST_ROLES = {"apps", "connector", "client", "parsing", "storage", "forms", "models", "admin", "simulator"}
REPORTS_ROLES = {"selectors", "views", "urls"}
WITH_REPORTS = {"reports", "charts"}  # a vendor that declares reports
# What a vendor has only where it needs it: (folder, role file) -> the registry field naming it, or None.
DECLARED = {
    ("ingest", "personal"): "personal_data",
    ("ingest", "retention"): "thinning",
    ("reports", "alerts"): "alert_series",
}
OPTIONAL = {"forms", "tables"}  # its reports' query forms and tables, where shared ones do not do


def _files(folder):
    return {path.stem for path in folder.glob("*.py") if path.stem != "__init__"}


def test_every_vendor_folder_has_the_same_file_for_the_same_role():
    for vendor in VENDORS:
        ingest, reports = (ROOT.joinpath(*package.split(".")) for package in (vendor.package, vendor.reports_package))
        declared = {role: getattr(vendor, field) for (_side, role), field in DECLARED.items()}
        required = INGEST_ROLES | REPORTS_ROLES | (WITH_REPORTS if vendor.reports else set())
        required |= {role for role, path in declared.items() if path}
        files = _files(ingest) | _files(reports)
        assert required <= files, (vendor.kind, sorted(required - files))
        # the test vendor's folder holds its tests, and their ground truth (truth.py)
        tests = {name for name in files if name.startswith("test_") or name == "truth"}
        assert files - required - tests <= OPTIONAL, (vendor.kind, sorted(files - required - tests - OPTIONAL))
        assert (ingest / "migrations" / "0001_initial.py").is_file(), vendor.kind
        for (side, role), field in DECLARED.items():
            if getattr(vendor, field):
                package = vendor.package if side == "ingest" else vendor.reports_package
                assert getattr(vendor, field).startswith(f"{package}.{role}"), (vendor.kind, field)
        assert vendor.connector.startswith(f"{vendor.package}.connector.")
        assert vendor.simulator.startswith(f"{vendor.package}.simulator.")
        assert all(path.startswith(f"{vendor.reports_package}.reports.") for path in vendor.reports)
        assert get_template(vendor.home_card[0])
        assert (ROOT / "tests" / vendor.kind / "truth.py").is_file(), vendor.kind  # the fault tests' Truth


def test_every_vendor_is_an_app_of_its_own_labelled_its_kind_with_its_own_migrations():
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    migrations = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    for vendor in VENDORS:
        app = apps.get_app_config(vendor.kind)
        assert app.name == vendor.package and app.models_module.__name__ == f"{vendor.package}.models"
        assert list(app.get_models()), vendor.kind
        assert (vendor.kind, "0001_initial") in migrations, vendor.kind


@pytest.mark.django_db
def test_nav_and_home_cards_come_from_the_registry(viewer):
    page = viewer.get(reverse("reports:home")).content.decode()
    for vendor in VENDORS:
        assert f'href="{reverse(vendor.nav_url)}"' in page
        assert callable(import_string(vendor.home_card[1]))
        assert callable(import_string(vendor.licensed_things))
        assert callable(import_string(vendor.weekly_peaks))
        assert not vendor.summaries or callable(import_string(vendor.day_summaries))


@pytest.mark.django_db
def test_every_vendor_page_answers(viewer):
    for vendor in VENDORS:
        assert viewer.get(reverse(vendor.nav_url)).status_code == 200


# Where a vendor may be named: its own folders (below), and these, which describe or set up every vendor.
ASIDE_DIRS = {"tests", "docs", "benchmarks", "migrations", "node_modules", "__pycache__"}
GENERATED = ("var/", "staticfiles/", "screenshots/", "sent-emails/")  # what runs write, git-ignored
ASIDE_FILES = {
    "ingest/vendors/__init__.py",  # the registry
    "dashboard/settings.py", "dashboard/settings_test.py",  # settings
    "README.md", "pyproject.toml",  # documentation
    "static/vendor/plotly.min.js",  # a library, not ours
}  # fmt: skip
SCANNED = {".py", ".html", ".txt", ".js", ".css", ".toml", ".cfg", ".ini", ".sh", ".yml", ".yaml", ""}
# Files that still name vendors, each with why, until the report objects (issue 18) move what they hold into the
# vendors' folders. This list only shrinks: a file listed here that names no vendor any more fails the test.
STILL_NAMING_VENDORS = {}  # file: why it still names a vendor (none: the API's routes come from the registry)


def _vendor_folders():
    folders = []
    for vendor in VENDORS:
        folders += [vendor.package.replace(".", "/"), vendor.reports_package.replace(".", "/")]
    return tuple(f"{folder}/" for folder in folders)


def _shared_files():
    """Every project file outside the vendors' folders and the places set aside above."""
    folders = _vendor_folders()
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        name = relative.as_posix()
        if (
            path.is_file()
            and not ASIDE_DIRS.intersection(relative.parts[:-1])
            and not any(part.startswith(".") for part in relative.parts)  # .git, .venv, caches
            and not name.startswith(GENERATED)
            and name not in ASIDE_FILES
            and not name.startswith(folders)
            and (path.suffix in SCANNED or path.name == "Makefile")
            and not path.name.startswith(".")
        ):
            yield name, path.read_text(errors="replace")


def _naming(name, text):
    """How a file names a vendor: [(kind, what), ...]."""
    from django.apps import apps

    found = []
    for vendor in VENDORS:
        models = [m.__name__ for m in apps.get_models() if m.__module__.startswith(f"{vendor.package}.")]
        patterns = {
            "imports its code": rf"\b({re.escape(vendor.package)}|{re.escape(vendor.reports_package)})\b",
            "names its models": rf"\b({'|'.join(models)})\b" if models else None,
            "uses its kind as a string": rf"""["']{re.escape(vendor.kind)}["']""",
        }
        if name.endswith((".html", ".txt")):
            labels = "|".join(re.escape(label) for label in (vendor.label, vendor.nav_label))
            patterns["shows its label"] = rf"(?<![\w-])({labels})(?![\w-])"
        found += [(vendor.kind, what) for what, pattern in patterns.items() if pattern and re.search(pattern, text)]
    return found


def test_outside_its_folders_a_vendor_is_named_only_in_the_registry():
    """Code that lists vendors reads VENDORS; a vendor's own code, models, kind and labels stay in its folders."""
    offences = {name: found for name, text in _shared_files() if (found := _naming(name, text))}
    scanned = {name for name, _text in _shared_files()}
    assert {"ingest/signals.py", "reports/alerts/services.py", "templates/reports/home.html"} <= scanned
    assert {name: found for name, found in offences.items() if name not in STILL_NAMING_VENDORS} == {}
    cleared = sorted(set(STILL_NAMING_VENDORS) - set(offences))
    assert not cleared, f"{cleared} name no vendor any more: take them off STILL_NAMING_VENDORS"


def test_the_guard_sees_each_way_of_naming_a_vendor():
    vendor = VENDORS[0]
    model = next(
        m.__name__
        for m in __import__("django.apps").apps.apps.get_models()
        if m.__module__.startswith(f"{vendor.package}.")
    )
    assert _naming("x.py", f"from {vendor.package}.models import x") == [(vendor.kind, "imports its code")]
    assert _naming("x.py", f"from {vendor.reports_package} import views") == [(vendor.kind, "imports its code")]
    assert _naming("x.py", f"apps.get_model('ingest', '{model}')") == [(vendor.kind, "names its models")]
    assert _naming("x.py", f"if kind == '{vendor.kind}':") == [(vendor.kind, "uses its kind as a string")]
    assert _naming("x.html", f"<p>{vendor.nav_label} peaks</p>") == [(vendor.kind, "shows its label")]
    assert _naming("x.py", f"# {vendor.nav_label} peaks") == []  # labels in words are for templates only
    assert not _naming("x.html", "<p>{{ vendor.nav_label }}</p>")


def test_the_simulators_command_sizes_a_simulator_with_the_options_it_declares():
    from django.core.management import CommandError

    from ingest.management.commands.simulators import sized_options, sizing_flags

    for flag, (kind, option, _text) in sizing_flags().items():
        assert flag.startswith(f"--{kind}-") and option in BY_KIND[kind].simulator_class().__init__.__code__.co_varnames
    options = sized_options(1, {"lstat_servers": 100, "lstat_features": None})
    assert options["lstat"]["server_count"] == 100 and "feature_count" not in options["lstat"]
    with pytest.raises(CommandError, match="--lstat-sessions takes a whole number from 1 to 100000"):
        sized_options(1, {"lstat_sessions": 0})
