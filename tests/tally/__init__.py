"""Tally, a fifth vendor that lives in tests/ only: proof that adding a vendor touches only its own folders.

A tiny license counter's API (`simulator.py`), its connector, one model, a page of its counters, one report
(`reports.py`: a counter's hours, with its downloads, API route and subscriptions), its home card, its licensed
things, an alert series and its fault tests' ground truth (`truth.py`), all in this folder, and one registry
record, registered here for the test session only (dashboard/settings_test.py installs this folder as the app
`tally`). Nothing outside this folder names it; the suite's generic tests (registry, roles, the report walks,
alerts, the overview) meet it as they meet the four real vendors. Like every vendor it is an app of its own, its
label its kind, with its own migrations (tests/tally/migrations/).
"""

from ingest.vendors import Vendor, register

TALLY = Vendor(
    kind="tally",
    label="Tally License Counter",
    nav_label="Tally",
    nav_url="reports:tally",
    connector="tests.tally.connector.TallyConnector",
    simulator="tests.tally.simulator.TallySimulator",
    reports=("tests.tally.reports.Counter",),
    editable_models=("tally.TallyCount",),
    alert_series="tests.tally.alerts.SERIES",
    summaries=True,
    package="tests.tally",
    reports_package="tests.tally",
    readme=False,
)
register(TALLY)
