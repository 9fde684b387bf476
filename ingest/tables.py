"""The Sources pages' tables, declared once (rendered by templates/partials/table.html); the home page shows the first."""

from dashboard.tables import Column, Table

CELLS = "ingest/cells/"


def status_table(statuses):
    """Each source's last success and last run; a stale source's row is marked."""
    return Table(
        [
            Column("source", "Source", template=CELLS + "source_name.html"),
            Column("kind", "Kind", value=lambda s: s.source.kind_label),
            Column("last_success", "Last success", template=CELLS + "last_success.html"),
            Column("last_run", "Last run", template=CELLS + "last_run.html"),
            Column("last_error", "Last error", css="error-text", template=CELLS + "last_error.html"),
            Column("fetch", "", template=CELLS + "fetch_now.html"),
        ],
        statuses,
        sortable=False,
        row_css=lambda s: "stale" if s.stale else "",
    )


def runs_table(runs):
    """A source's recent runs, newest first."""
    return Table(
        [
            Column("started_at", "Started", format="Y-m-d H:i:s"),
            Column("trigger", "Trigger"),
            Column("status", "Status", template=CELLS + "run_status.html"),
            Column("records_fetched", "Fetched", numeric=True),
            Column("records_created", "New", numeric=True),
            Column("records_updated", "Updated", numeric=True),
            Column("cursor_after", "Cursor after", template=CELLS + "run_cursor.html"),
            Column("details", "Details", template=CELLS + "run_details.html"),
            Column("error", "Error", css="error-text", template=CELLS + "run_error.html"),
        ],
        runs,
        sortable=False,
        empty="No runs yet.",
    )
