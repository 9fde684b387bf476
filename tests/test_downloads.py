"""Every report's downloads open well: CSV with zone offsets, XLSX typed and formatted, with an About sheet.

The reports are walked from the registry (tests/walks.py: every report at its example, as the parameter fuzz
test and the role samples do), so a new report's downloads are checked too; each table of a page of several
tables, and the raw downloads, besides.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from dashboard.tables import Column, Pair, columns_of, kind_of
from reports.exports import About, csv_response, xlsx_response
from reports.periods import Period
from tests.conftest import MAC_A
from tests.downloads import comparable, csv_rows, xlsx_book
from tests.walks import RANGE, every_report, examples

pytestmark = pytest.mark.django_db

DATE_FORMATS = {"yyyy-mm-dd", "yyyy-mm-dd hh:mm", "hh:mm:ss"}
NUMBER_FORMATS = {"#,##0", "0", "0.00", "0.0%"}


@pytest.fixture
def downloads(walked, viewer):
    """(URL, query) of every download of every report (tests/walks.py: the registry's reports, each at its
    example), with stored data behind it; each page says the tables its report declares."""
    found = []
    for example in examples():
        queries = example.download_queries()
        page = viewer.get(example.url, queries[0])
        assert page.status_code == 200, example.url
        assert list(page.context.get("tables") or ()) == list(example.report.tables), example.url
        assert ("raw_csv_query" in page.context) == example.report.raw, example.url
        found += [(example.url, query) for query in queries]
    return found


def test_every_report_is_downloaded(downloads):
    urls = {url for url, _query in downloads}
    assert {f"/mls/{MAC_A}/", "/metering/", "/lstat/compare/", "/lstat/users/", "/bigfix/", "/renewals/"} <= urls
    assert "/" in urls and len(urls) == len(every_report()) >= 15 and len(downloads) >= 29
    assert sum(query.get("table") == "raw" for _url, query in downloads) == 2


def test_every_reports_example_downloads_rows(viewer, downloads):
    """Each example shows stored rows (Report.example()), so a download that breaks on a row is met here."""
    for url, query in downloads:
        assert len(csv_rows(viewer.get(url, {**query, "format": "csv"}))) > 1, (url, query)


def test_every_xlsx_has_a_bold_frozen_filtered_header_and_typed_cells(viewer, downloads):
    seen = set()
    for url, query in downloads:
        book = xlsx_book(viewer.get(url, {**query, "format": "xlsx"}))
        sheet = book.worksheets[0]
        rows = list(sheet.iter_rows())
        width = len(rows[0])
        assert all(c.font.b for c in rows[0]), url
        assert sheet.freeze_panes == "A2", url
        assert sheet.auto_filter.ref == f"A1:{rows[0][-1].column_letter}{len(rows)}", (url, query)
        assert book.sheetnames[-1] == "About"
        for row in rows[1:]:
            assert len(row) <= width
            for c in row:
                check_cell(c, rows[0][c.column - 1].value, (url, query))
                seen.add(c.number_format)
    assert {"yyyy-mm-dd", "yyyy-mm-dd hh:mm"} | NUMBER_FORMATS <= seen  # every kind of cell was met


def check_cell(c, label, where):
    if isinstance(c.value, datetime):
        assert c.number_format in DATE_FORMATS, (where, label, c.number_format)
    elif isinstance(c.value, bool) or c.value is None:
        pass
    elif isinstance(c.value, int | float):
        assert c.number_format in NUMBER_FORMATS, (where, label, c.number_format)
        assert (c.number_format == "0.0%") == ("Utilization" in label), (where, label)
    else:
        assert c.data_type == "s" and not c.value.startswith(("=", "+", "-", "@")), (where, label, c.value)
        assert label not in ("Period start", "Period end") or not c.value[:4].isdigit(), (where, label, c.value)


def test_every_xlsx_holds_the_csvs_values(viewer, downloads):
    for url, query in downloads:
        with time_machine.travel(timezone.now(), tick=False):  # still-active intervals' hours grow with the clock
            as_csv = csv_rows(viewer.get(url, {**query, "format": "csv"}))
            sheet = xlsx_book(viewer.get(url, {**query, "format": "xlsx"})).worksheets[0]
        # a percentage is a fraction in Excel (0.853 shown as 85.3 %), percent points in the CSV
        values = [
            [round(c.value * 100, 9) if c.number_format.endswith("%") else c.value for c in row]
            for row in sheet.iter_rows()
        ]
        assert comparable(values) == comparable(as_csv), (url, query)
        for cells, texts in zip(list(sheet.iter_rows())[1:], as_csv[1:], strict=True):
            for c, text in zip(cells, texts, strict=False):
                check_csv_time(c.number_format, text, (url, query))


def check_csv_time(number_format, text, where):
    """Where the XLSX has an instant, the CSV has ISO 8601 with the display zone's offset; a date, YYYY-MM-DD."""
    if number_format == "yyyy-mm-dd hh:mm":
        moment = datetime.fromisoformat(text)
        assert moment.tzinfo is not None, (where, text)
        assert moment.utcoffset() == timezone.localtime(moment).utcoffset(), (where, text)
    elif number_format == "yyyy-mm-dd":
        assert len(text) == 10 and date.fromisoformat(text), (where, text)


def test_every_xlsx_says_what_it_is_on_its_about_sheet(viewer, downloads):
    for url, query in downloads:
        book = xlsx_book(viewer.get(url, {**query, "format": "xlsx"}))
        about = {label: value for label, value in book["About"].iter_rows(values_only=True)}
        assert list(about) == ["Report", "Source", "Period", "Granularity", "Time zone", "Generated at", "Page"]
        assert about["Report"] != "—" and about["Source"] not in ("—", ""), (url, query, about)
        if url not in ("/lstat/users/", "/lstat/highest/"):  # snapshots, not periods
            assert about["Period"] == f"{query['start']} – {query['end']}", (url, about)
        assert about["Time zone"] == settings.TIME_ZONE
        generated = datetime.fromisoformat(about["Generated at"])
        assert generated.utcoffset() == timezone.localtime(generated).utcoffset()
        assert abs((generated - timezone.now()).total_seconds()) < 300
        assert about["Page"].startswith(f"http://testserver{url}?") and "format=" not in about["Page"]


def test_the_about_sheet_names_the_report_source_and_period(viewer, downloads, mls_source):
    response = viewer.get(f"/mls/{MAC_A}/", {**RANGE, "format": "xlsx"})

    about = dict(xlsx_book(response)["About"].iter_rows(values_only=True))
    assert about["Report"] == f"Supervisor {MAC_A}"
    assert about["Source"] == mls_source.name
    assert (about["Period"], about["Granularity"]) == ("2026-03-02 – 2026-03-04", "day")
    assert about["Page"] == f"http://testserver/mls/{MAC_A}/?start=2026-03-02&end=2026-03-04&granularity=day"
    overview = dict(xlsx_book(viewer.get("/", {**RANGE, "format": "xlsx"}))["About"].iter_rows(values_only=True))
    assert (overview["Report"], overview["Source"]) == ("Overview", "All sources")


@pytest.mark.parametrize(
    "zone, local, offset",
    [
        ("UTC", datetime(2026, 11, 1, 6, 30), "+00:00"),
        ("America/New_York", datetime(2026, 11, 1, 1, 30), "-05:00"),  # the second 01:30: summer time has ended
        ("Asia/Kolkata", datetime(2026, 11, 1, 12, 0), "+05:30"),
    ],
)
def test_instants_are_local_excel_datetimes_and_csv_times_with_their_offset(zone, local, offset):
    moment = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    columns = [("at", "At"), ("day", "Day"), ("n", "Count"), ("avg", "Average"), Pair("u", "Utilization %", "percent")]
    row = {"at": moment, "day": date(2026, 11, 1), "n": 1234, "avg": 2.5, "u": 85.3}
    with override_settings(TIME_ZONE=zone):
        book = xlsx_book(
            xlsx_response(
                "t", columns, [row], about=About("T", "S", Period(date(2026, 11, 1), date(2026, 11, 1), "hour"))
            )
        )
        (text,) = csv_rows(csv_response("t", columns, [row]))[1:]

    at, day, n, avg, u = book.worksheets[0][2]
    assert (at.value, at.number_format) == (local, "yyyy-mm-dd hh:mm")
    assert (day.value, day.number_format) == (datetime(2026, 11, 1), "yyyy-mm-dd")
    assert (n.value, n.number_format, avg.number_format) == (1234, "#,##0", "0.00")
    assert (u.value, u.number_format) == (pytest.approx(0.853), "0.0%")
    assert text == [local.isoformat() + offset, "2026-11-01", "1234", "2.5", "85.3"]
    assert datetime.fromisoformat(text[0]) == moment


def test_text_stays_text_and_widths_fit_the_first_rows():
    columns = [("formula", "Formula"), ("number", "Number-like text"), ("link", "Link"), ("long", "L")]
    row = {"formula": '=HYPERLINK("http://evil")', "number": "00123", "link": "http://example.com", "long": "x" * 40}

    sheet = xlsx_book(xlsx_response("t", columns, [row])).worksheets[0]

    assert [c.value for c in sheet[2]] == ['\'=HYPERLINK("http://evil")', "00123", "http://example.com", "x" * 40]
    assert all(c.data_type == "s" and c.hyperlink is None for c in sheet[2])
    assert sheet.column_dimensions["D"].width >= 40 > sheet.column_dimensions["B"].width


def test_a_columns_kind_is_declared_or_read_from_its_values():
    assert kind_of(("n", "N"), [1, 2, None]) == "int"
    assert kind_of(("n", "N"), [1, 2.5]) == "decimal"
    assert kind_of(("d", "D"), [date(2026, 1, 1), ""]) == "date"
    assert kind_of(("t", "T"), [datetime(2026, 1, 1, tzinfo=UTC)]) == "datetime"
    assert kind_of(("x", "X"), [1, "a"]) == "text"
    assert kind_of(Pair("u", "U %", "percent"), [85.3]) == "percent"
    # a Pair is still a pair, and a Table's columns keep its kind (a declared column too)
    key, label = Pair("u", "U %", "percent")
    assert (key, label) == ("u", "U %") and Pair("u", "U %", "percent") == ("u", "U %")
    (column,) = columns_of([Pair("u", "U %", "percent")], u=Column("u", "Use"))
    assert column.kind == "percent" and column.label == "Use"
    with pytest.raises(ValueError, match="Unknown column kind"):
        Pair("u", "U", "money")
