"""Declared tables and figure boxes: one partial draws every table, one every set of figures."""

from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string

from dashboard.tables import Column, Kpi, Table, columns_of


def test_numbers_align_right_links_come_from_the_row_and_text_is_escaped(settings):
    settings.TIME_ZONE = "UTC"
    rows = [
        {
            "macaddress": "00:1A:2B:3C:4D:5E",
            "owner": "<b>studio</b>",
            "peak": 12,
            "at": datetime(2026, 3, 2, 9, 5, tzinfo=UTC),
        },
        {"macaddress": "00:1A:2B:3C:4D:5F", "owner": "R&D", "peak": 7.5, "at": None},
    ]
    table = Table(
        [
            Column("macaddress", "Supervisor", link="reports:mls_supervisor", link_args=("macaddress",)),
            Column("owner", "Owner"),
            Column("peak", "Peak"),
            Column("at", "Peak time", format="Y-m-d H:i", css="muted"),
        ],
        rows,
        id="supervisors",
    )

    html = render_to_string("partials/table.html", {"table": table})

    assert '<table class="data sortable" id="supervisors">' in html
    assert '<th class="num">Peak</th>' in html and "<th>Owner</th>" in html
    assert '<td><a href="/mls/00:1A:2B:3C:4D:5E/">00:1A:2B:3C:4D:5E</a></td>' in html
    assert "<td>&lt;b&gt;studio&lt;/b&gt;</td>" in html and "<td>R&amp;D</td>" in html
    assert (
        '<td class="num">12.00</td>' in html and '<td class="num">7.50</td>' in html
    )  # one column, one number of decimals
    assert '<td class="muted">2026-03-02 09:05</td>' in html and '<td class="muted"></td>' in html


def test_an_empty_table_says_so_across_all_its_columns():
    table = Table([Column("a", "A"), Column("b", "B")], [], empty="No runs yet.")

    html = render_to_string("partials/table.html", {"table": table})

    assert '<td colspan="2" class="muted">No runs yet.</td>' in html


def test_a_selectors_columns_keep_their_keys_and_labels_for_the_download():
    pairs = [("feature", "Feature"), ("peak", "Peak used")]
    link = Column("feature", "Feature", link=lambda row: f"/lstat/features/{row['pk']}/")

    table = Table(columns_of(pairs, feature=link), [{"pk": 3, "feature": "matlab", "peak": 4}], "summary")

    assert table.pairs == pairs
    assert [cell.url for cell in table.body[0].cells] == ["/lstat/features/3/", ""]


def test_a_column_that_is_not_in_the_selectors_columns_is_refused():
    with pytest.raises(ValueError, match="No column featur "):
        columns_of([("feature", "Feature")], featur=Column("featur", "Feature"))


def test_figure_boxes_show_label_value_and_note():
    html = render_to_string("partials/kpis.html", {"kpis": [Kpi("Peak used", 42, note="at 09:00"), Kpi("Denials", 0)]})

    assert '<span class="label">Peak used</span><span class="value">42</span><span class="note">at 09:00</span>' in html
    assert '<span class="label">Denials</span><span class="value">0</span></div>' in html
    assert render_to_string("partials/kpis.html", {"kpis": []}).strip() == ""
