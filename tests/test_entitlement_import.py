"""Entitlements in bulk: the overview's download, filled in and read back (command and upload), all or nothing."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from reports.overview.models import Entitlement
from tests.conftest import MAC_A, MAC_B, SIM_END

pytestmark = pytest.mark.django_db
HOME = reverse("reports:home")
QUERY = {"start": SIM_END.date() - timedelta(days=3), "end": SIM_END.date()}
NEW_COLUMNS = [
    "Key", "Owned", "Owned from", "Unit", "Price per unit per year", "Renews on", "Reference", "Over-deployed",
    "Right-size", "Saving per year",
]  # fmt: skip


@pytest.fixture
def supervisors(lstat_clock, mls_fetched):
    """Both MLS supervisors stored, our clock at the simulators' end (the vendor's owned figures are current)."""


def download_csv(client):
    response = client.get(HOME, {**QUERY, "format": "csv"})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def as_csv(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def run_import(tmp_path, data, name="e.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_entitlements", str(path), stdout=out)
    return out.getvalue()


def fill(rows, key, **cells):
    """The download's rows with `cells` ({column: value}) written into the row of `key`."""
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("Key")] == key:
            for column, value in cells.items():
                row[header.index(column)] = value
    return rows


def state():
    return sorted(Entitlement.objects.values_list("kind", "key", "owned", "unit", "price_per_year", "renews_on",
                                                  "reference", "metered_rate"))  # fmt: skip


def test_the_download_holds_the_entitlement_columns_and_uploads_as_it_is_changing_nothing(
    admin_client, supervisors, tmp_path
):
    Entitlement.objects.create(kind="mls", key=MAC_B, price_per_year=Decimal("300"), renews_on=date(2026, 6, 30))
    rows = download_csv(admin_client)
    header, by_key = rows[0], {r[rows[0].index("Key")]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    before = state()

    output = run_import(tmp_path, as_csv(rows))

    assert set(NEW_COLUMNS) <= set(header) and "Price per seat per year" in header and "Licensed thing" in header
    assert by_key[f"mls:{MAC_A}"]["Owned from"] == "vendor" and by_key[f"mls:{MAC_A}"]["Unit"] == "seats"
    assert by_key[f"mls:{MAC_B}"]["Renews on"] == "2026-06-30"
    assert by_key[f"mls:{MAC_B}"]["Price per unit per year"] == "300.0"
    assert output.strip() == "0 values changed."
    assert state() == before


def test_a_filled_in_csv_enters_its_values_and_blank_cells_leave_them(admin_client, supervisors, tmp_path):
    Entitlement.objects.create(kind="mls", key=MAC_B, owned=Decimal("9"), reference="PO-1")
    rows = fill(download_csv(admin_client), f"mls:{MAC_A}", **{
        "Owned": "25", "Unit": "licenses", "Price per unit per year": "1,200.50", "Renews on": "2026-09-30",
        "Reference": "C-2026-7", "Metered rate per license-hour": "2.5",
    })  # fmt: skip
    rows = fill(rows, f"mls:{MAC_B}", Owned="", Reference="", **{"Price per unit per year": "80"})

    output = run_import(tmp_path, as_csv(rows))

    a = Entitlement.objects.get(key=MAC_A)
    assert (a.owned, a.unit, a.price_per_year, a.renews_on, a.reference, a.metered_rate) == (
        Decimal("25"), "licenses", Decimal("1200.50"), date(2026, 9, 30), "C-2026-7", Decimal("2.5"),
    )  # fmt: skip
    assert a.label == f"Supervisor {MAC_A}"
    b = Entitlement.objects.get(key=MAC_B)
    assert (b.owned, b.reference, b.price_per_year) == (Decimal("9"), "PO-1", Decimal("80"))  # blanks kept
    assert f"mls:{MAC_A}: owned blank -> 25.00" in output and "7 values changed." in output
    row = next(r for r in download_csv(admin_client)[1:] if f"mls:{MAC_A}" in r)
    assert "entered" in row and "25" in row


def test_an_xlsx_download_round_trips(admin_client, supervisors, tmp_path):
    response = admin_client.get(HOME, {**QUERY, "format": "xlsx"})
    sheet_book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = sheet_book.worksheets[0]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("Key")].value == f"mls:{MAC_A}":
            row[header.index("Price per unit per year")].value = 999
            row[header.index("Renews on")].value = date(2027, 1, 31)  # an Excel date, as Excel keeps one
    out = io.BytesIO()
    sheet_book.save(out)

    output = run_import(tmp_path, out.getvalue(), "e.xlsx")

    a = Entitlement.objects.get(key=MAC_A)
    assert (a.price_per_year, a.renews_on, a.owned) == (Decimal("999"), date(2027, 1, 31), None)
    assert "2 values changed." in output


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Key", "mls:00:00:00:00:00:00", "Line 3, column Key: no licensed thing has the key"),
        ("Owned", "-1", "Line 3, column Owned: -1 is negative"),
        ("Owned", "twenty", "Line 3, column Owned: 'twenty' is not a number"),
        ("Price per unit per year", "12 EUR", "Line 3, column Price per unit per year: '12 EUR' is not a number"),
        ("Price per unit per year", "-5", "Line 3, column Price per unit per year: -5 is negative"),
        ("Renews on", "31/12/2026", "Line 3, column Renews on: '31/12/2026' is not a date (YYYY-MM-DD)"),
        ("Renews on", "2026-02-30", "Line 3, column Renews on: '2026-02-30' is not a date"),
    ],
)
def test_a_bad_cell_rejects_the_whole_file_naming_line_and_column(tmp_path, db, column, value, message):
    Entitlement.objects.create(kind="mls", key=MAC_A, price_per_year=Decimal("10"))
    Entitlement.objects.create(kind="mls", key=MAC_B)
    rows = [
        ["Key", "Owned", "Price per unit per year", "Renews on"],
        [f"mls:{MAC_A}", "30", "20", "2026-12-31"],  # good, but must not be applied
        [f"mls:{MAC_B}", "4", "5", "2026-12-31"],
    ]
    rows[2][rows[0].index(column)] = value
    before = state()

    with pytest.raises(CommandError, match="nothing imported") as error:
        run_import(tmp_path, as_csv(rows))

    assert message in str(error.value)
    assert state() == before


def test_a_file_without_a_key_column_or_not_a_table_is_refused(tmp_path, db):
    with pytest.raises(CommandError, match="no Key column"):
        run_import(tmp_path, b"Owned,Unit\n3,seats\n")
    with pytest.raises(CommandError, match="not an XLSX workbook"):
        run_import(tmp_path, b"PK\x03\x04 not really a zip", "e.xlsx")
    with pytest.raises(CommandError, match="neither an XLSX workbook nor UTF-8"):
        run_import(tmp_path, b"\xff\xfe\x00K")


def test_the_upload_form_imports_for_admins_and_shows_what_changed(admin_client, viewer, supervisors):
    rows = fill(download_csv(admin_client), f"mls:{MAC_B}", Owned="10", Reference="<b>PO-9</b>")
    page = admin_client.get(HOME, QUERY).content.decode()
    upload = reverse("reports:import_entitlements")

    response = admin_client.post(upload, {"file": io.BytesIO(as_csv(rows)), "next": HOME}, follow=True)

    assert f'action="{upload}"' in page and f'action="{upload}"' not in viewer.get(HOME, QUERY).content.decode()
    assert Entitlement.objects.get(key=MAC_B).owned == Decimal("10")
    text = response.content.decode()
    assert "Imported 2 changes" in text and "&lt;b&gt;PO-9&lt;/b&gt;" in text and "<b>PO-9" not in text


def test_a_rejected_upload_says_why_and_changes_nothing(admin_client, supervisors):
    workbook = Workbook()
    workbook.active.append(["Key", "Owned"])
    workbook.active.append([f"mls:{MAC_A}", -3])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)

    response = admin_client.post(reverse("reports:import_entitlements"), {"file": out, "next": HOME}, follow=True)

    assert "Nothing was imported: Line 2, column Owned: -3 is negative" in response.content.decode()
    assert not Entitlement.objects.exists()


def test_a_viewer_may_not_upload(viewer, db):
    response = viewer.post(reverse("reports:import_entitlements"), {"file": io.BytesIO(b"Key\n")})
    assert response.status_code == 403


def test_an_admin_edits_one_things_entitlement_and_a_blank_form_clears_it(admin_client, viewer, supervisors):
    url = reverse("reports:entitlement", args=["mls", MAC_A])

    form = admin_client.get(url, {"next": HOME, "label": "<i>A</i>"})
    saved = admin_client.post(url, {"owned": "22", "unit": "", "price_per_year": "10", "renews_on": "2026-12-01",
                                    "reference": "PO-7", "next": HOME, "label": "Supervisor A"})  # fmt: skip
    refused = admin_client.post(url, {"owned": "-2"})

    assert form.status_code == 200 and "&lt;i&gt;A&lt;/i&gt;" in form.content.decode()
    assert saved.status_code == 302 and saved["Location"] == HOME
    e = Entitlement.objects.get(key=MAC_A)
    assert (e.owned, e.price_per_year, e.renews_on, e.reference, e.label) == (
        Decimal("22"), Decimal("10"), date(2026, 12, 1), "PO-7", "Supervisor A",
    )  # fmt: skip
    assert refused.status_code == 400 and Entitlement.objects.get(key=MAC_A).owned == Decimal("22")
    assert admin_client.post(url, {"owned": ""}).status_code == 302 and not Entitlement.objects.exists()
    assert admin_client.get(reverse("reports:entitlement", args=["mls", "no-such-mac"])).status_code == 404
    assert viewer.get(url).status_code == 403
