"""A report is an object: a Report builds one ReportData, which every output renders; the registry lists them."""

import ast
from pathlib import Path

import pytest
from django.test import Client
from django.urls import resolve

from dashboard.tables import Table, columns_of
from ingest.vendors import all_reports
from reports.api.routes import ROUTES
from reports.api.tokens import token_create
from reports.mls.reports import Supervisor
from reports.report import InvalidParams, ReportData
from reports.subscriptions.capture import ReportError, capture
from reports.subscriptions.forms import report_help
from tests.conftest import MAC_A
from tests.downloads import csv_rows
from tests.walks import examples

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("dashboard", "ingest", "reports")


def test_every_report_of_the_registry_has_its_url_and_its_api_route(walked):
    reports = all_reports()

    assert len(reports) == len({report.name for report in reports}) > 0
    for example in examples():  # each report at the example it declares (tests/walks.py)
        assert example.report.template and example.report.form_class, example.report
        assert resolve(example.url).func.report_class is example.report, example.report
    api = {route.name: route for route in ROUTES if route.report}
    assert set(api) == {report.name for report in reports if report.api_route}
    assert all(api[name].tables == tuple(api[name].report.tables) for name in api)


def test_the_page_the_download_the_email_and_the_api_read_one_report(mls_fetched, viewer, django_user_model):
    query = {"start": "2026-03-02", "end": "2026-03-04", "granularity": "hour"}
    data = Supervisor(mac=MAC_A).build(query)

    csv = csv_rows(viewer.get(f"/mls/{MAC_A}/", {**query, "format": "csv"}))
    captured = capture(f"/mls/{MAC_A}/?granularity=hour&start=2026-03-02&end=2026-03-04")
    token = token_create(user=django_user_model.objects.get(username="viewer"), name="test")[1]
    answer = (
        Client()
        .get(
            f"/api/v1/reports/mls/supervisors/{MAC_A}",
            {**query, "limit": 1000},
            headers={"Authorization": f"Bearer {token}"},
        )
        .json()
    )

    assert data.rows and csv[0] == [label for _key, label in data.columns]
    assert len(csv) - 1 == len(captured.rows) == answer["count"] == len(data.rows)
    assert captured.filename == data.filename and captured.title == data.title == f"Supervisor {MAC_A}"
    assert [c["key"] for c in answer["columns"]] == [key for key, _label in data.columns]


def test_a_bad_query_is_invalid_params_and_a_subscription_error(mls_fetched):
    with pytest.raises(InvalidParams) as raised:
        Supervisor(mac=MAC_A).build({"start": "2026-02-01", "end": "2026-01-01"})

    assert "start date must not be after" in raised.value.message()
    with pytest.raises(ReportError, match="filters are invalid"):
        capture(f"/mls/{MAC_A}/?granularity=fortnight")
    with pytest.raises(ReportError, match="list of reports"):
        capture("/mls/")


def test_a_report_of_tables_is_each_tables_download_and_its_charts_are_built_once():
    built = []
    tables = [Table(columns_of([("a", "A")]), [{"a": 1}], "first", "First"), Table(columns_of([("b", "B")]), [], "two")]
    data = ReportData.of_tables(
        tables, filename="x-{table}-y z", title="T", figure=lambda: built.append("main") or {"data": []},
        charts={"top": lambda: built.append("top") or {"data": [1]}}, page_charts={"heat": lambda: {"data": [2]}},
    )  # fmt: skip

    assert (data.filename, data.rows, data.table_title) == ("x-first-y_z", [{"a": 1}], "First")
    assert (data.table_of("two").filename, data.table_of("two").columns) == ("x-two-y_z", [("b", "B")])
    assert data.figures() == [{"data": []}, {"data": [1]}] == data.figures()  # the page-only heatmap is not mailed
    assert built == ["main", "top"]
    with pytest.raises(KeyError):
        data.table_of("raw")


def test_the_projects_modules_import_no_circle():
    graph = {name: _imports(name, path) for name, path in _modules().items()}
    circles = [component for component in _components(graph) if len(component) > 1]

    assert circles == []


def test_no_shared_report_module_names_a_vendors_fields():
    """What a vendor's report adds (a snapshot, a heatmap) it puts in its ReportData; shared code never asks."""
    shared = [ROOT / "reports" / f for f in ("report.py", "renderers.py", "pdf.py")]
    shared += [*(ROOT / "reports" / "api").glob("*.py"), *(ROOT / "reports" / "subscriptions").glob("*.py")]
    for path in shared:
        text = path.read_text().lower()
        assert "snapshot" not in text and "capture_report" not in text and "heatmap" not in text, path


def _modules():
    modules = {}
    for root in PROJECT:
        for path in (ROOT / root).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


MODULES = _modules()


def _imports(name, path):
    """The project's modules `name` imports, anywhere in it (a function's import closes a circle too), and the
    packages that importing them runs."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            found |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names}
    with_packages = set()
    for module in found & set(MODULES):
        parts = module.split(".")
        with_packages |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return {m for m in with_packages & set(MODULES) if m != name and not name.startswith(m + ".")}


def _components(graph):
    """Tarjan's strongly connected components, iteratively."""
    index, low, on, stack, components, counter = {}, {}, set(), [], [], [0]
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def test_what_may_be_subscribed_to_is_the_registrys_subscribable_reports(mls_fetched, monkeypatch):
    assert "/mls/<mac>/" in report_help() and "/metering/<tenant>/<loc_id>/" in report_help()
    assert capture(f"/mls/{MAC_A}/").rows
    monkeypatch.setattr(Supervisor, "subscribable", False)

    assert "/mls/<mac>/" not in report_help()
    with pytest.raises(ReportError, match="cannot be subscribed to"):
        capture(f"/mls/{MAC_A}/")
