"""The BigFix connector against the BigFix simulator over real HTTP: paging, hidden columns, upserts."""

from datetime import date, timedelta

import pytest

from ingest.models import IngestRun
from ingest.services import run_fetch, source_save
from ingest.vendors.bigfix.models import BigfixSoftwareTitle, BigfixUsage
from ingest.vendors.bigfix.simulator import DEFAULT_SYSTEMS

pytestmark = pytest.mark.django_db


def served(sim):
    """Every row the simulator serves now, keyed like our table."""
    rows = sim.simulators["bigfix"].rows()
    return {
        (r["software_title_id"], r["metric_name"], r["computer_system_id"], r["reporting_period_start_date"]): r
        for r in rows
    }


def stored():
    return {
        (u.software_title_id, u.metric_name, u.computer_system_id, u.reporting_period_start_date.isoformat()): u
        for u in BigfixUsage.objects.all()
    }


def test_it_pages_with_limit_and_offset_until_a_short_page(sim, bigfix_source):
    expected = served(sim)

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert run.records_fetched == run.records_created == len(expected) > 3 * 25
    offsets = [int(q["offset"][0]) for _path, q in sim.simulators["bigfix"].requests]
    assert offsets == list(range(0, len(expected), 25))
    assert {q["limit"][0] for _path, q in sim.simulators["bigfix"].requests} == {"25"}
    assert stored().keys() == expected.keys()


def test_it_stops_after_an_empty_page_when_the_rows_fill_the_last_page_exactly(sim, bigfix_source):
    total = len(served(sim))
    bigfix_source.params = {"limit": total // 2}
    bigfix_source.save()
    assert total % 2 == 0

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert [int(q["offset"][0]) for _p, q in sim.simulators["bigfix"].requests] == [0, total // 2, total]
    assert BigfixUsage.objects.count() == total


def test_it_accepts_the_wrapped_total_and_rows_answer_of_newer_servers(sim, bigfix_source):
    sim.simulators["bigfix"].wrapped = True
    expected = served(sim)

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert stored().keys() == expected.keys()
    # the total tells the connector where the window ends: no request past it
    assert len(sim.simulators["bigfix"].requests) == -(-len(expected) // 25)


def test_it_asks_for_the_hidden_columns_and_stores_product_names(sim, bigfix_source):
    run_fetch(bigfix_source)

    _path, query = sim.simulators["bigfix"].requests[0]
    assert "software_title_dimension.name" in query["columns[]"]
    assert "software_title_dimension.publisher_name" in query["columns[]"]
    db2 = BigfixSoftwareTitle.objects.get(software_title_id=40012)
    assert (db2.name, db2.publisher_name) == ("IBM Db2 Advanced Server Edition", "IBM")
    assert BigfixSoftwareTitle.objects.count() == len({k[0] for k in stored()})


def test_it_stores_each_rows_values_as_bigfix_serves_them(sim, bigfix_source):
    run_fetch(bigfix_source)

    key, row = next(iter(served(sim).items()))
    usage = stored()[key]
    assert usage.peak_value == row["peak_value"]
    assert usage.peak_date.isoformat() == row["peak_date"]
    assert usage.peak_time.strftime("%Y-%m-%dT%H:%M:%SZ") == row["peak_time"]
    assert usage.reporting_period_end_date.isoformat() == row["reporting_period_end_date"]
    assert {u.metric_name for u in stored().values()} == {"PVU_FULL_CAP", "PVU_SUB_CAP", "RVU_FULL_CAP", "RVU_SUB_CAP"}


def test_a_new_import_updates_rows_in_place_and_keeps_rows_that_left_the_90_day_window(sim, bigfix_source):
    run_fetch(bigfix_source)
    january = BigfixUsage.objects.filter(reporting_period_start_date=date(2026, 1, 1)).count()
    simulator = sim.simulators["bigfix"]
    simulator.fixed_end += timedelta(days=92)  # three months on: January and February leave BigFix's window

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    starts = {r["reporting_period_start_date"] for r in simulator.rows()}
    assert "2026-01-01" not in starts and "2026-06-01" in starts
    assert BigfixUsage.objects.filter(reporting_period_start_date=date(2026, 1, 1)).count() == january > 0
    # March is served again (updated in place), April to June are new
    march = [k for k in served(sim) if k[3] == "2026-03-01"]
    assert run.records_updated == len(march)
    assert run.records_created == len(served(sim)) - len(march)
    assert set(served(sim)) <= set(stored())


def test_a_server_that_ignores_the_hidden_columns_still_gives_its_usage_and_says_so(sim, bigfix_source):
    sim.simulators["bigfix"].hidden_columns = False
    expected = served(sim)

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert stored().keys() == expected.keys()
    assert not BigfixSoftwareTitle.objects.exists()
    assert run.details["rows_without_product_names"] == (
        f"{len(expected)} rows came without the hidden software_title_dimension column asked for: "
        "stored, their products named by id"
    )


def test_a_malformed_row_names_the_row_and_the_field_and_keeps_the_pages_before_it(sim, bigfix_source):
    simulator = sim.simulators["bigfix"]
    simulator.systems = [*DEFAULT_SYSTEMS[:-1], {**DEFAULT_SYSTEMS[-1], "pvu_per_core": -70}]
    first_bad = next(i for i, r in enumerate(simulator.rows()) if r["peak_value"] < 0)

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.FAILED
    assert f"row {first_bad}: 'peak_value' is -" in run.error and "below 0" in run.error
    assert BigfixUsage.objects.count() == first_bad // 25 * 25 > 0


def test_a_server_that_ignores_offset_fails_instead_of_looping(sim, bigfix_source):
    sim.simulators["bigfix"].ignore_offset = True

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.FAILED
    assert run.error == "BigFix answered offset=25 with the rows of the page before: offset ignored"
    assert BigfixUsage.objects.count() == 25


def test_an_answer_that_is_neither_an_array_nor_wrapped_rows_is_a_payload_error(sim, bigfix_source):
    sim.simulators["bigfix"].wrapped = True
    sim.simulators["bigfix"].rows_key = "data"  # an unknown wrapper

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.FAILED
    assert run.error == (
        'BigFix license_usages at offset 0: expected a JSON array of rows or {"total": N, "rows": [...]}, '
        "got dict with keys data, total"
    )


def test_a_malformed_json_answer_fails_the_run_with_a_payload_error(sim, bigfix_source):
    sim.faults.add("malformed", "/bigfix/api/sam/license_usages")

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.FAILED
    assert "GET /bigfix/api/sam/license_usages answered malformed JSON" in run.error


def test_server_errors_are_retried_and_the_fetch_completes(sim, bigfix_source):
    sim.faults.add("503", "/bigfix/api/sam/license_usages", times=2, after=1)

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert BigfixUsage.objects.count() == len(served(sim))


@pytest.mark.parametrize("limit", ["0", "lots", "100001"])
def test_a_bad_limit_parameter_is_refused_with_a_clear_message(sim, db, limit):
    with pytest.raises(ValueError, match="limit: must be"):
        source_save(kind="bigfix", name="x", base_url=sim.url("bigfix"), token="t", params={"limit": limit})


def test_an_unknown_parameter_is_refused(sim, db):
    with pytest.raises(ValueError, match="unknown parameter"):
        source_save(kind="bigfix", name="x", base_url=sim.url("bigfix"), token="t", params={"page_size": "5"})


def test_it_keeps_the_publisher_guid_the_document_shows(sim, bigfix_source):
    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    db2 = BigfixSoftwareTitle.objects.get(software_title_id=40012)
    served_row = next(r for r in sim.simulators["bigfix"].rows() if r["software_title_id"] == 40012)
    assert db2.publisher_guid == served_row["software_title_dimension"]["publisher_guid"] != ""


def test_a_server_that_does_not_know_publisher_guid_is_read_without_it(sim, bigfix_source):
    simulator = sim.simulators["bigfix"]
    simulator.known_columns = [c for c in simulator.known_columns if c != "software_title_dimension.publisher_guid"]
    expected = served(sim)

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert stored().keys() == expected.keys()
    assert run.details["columns_not_served"] == "software_title_dimension.publisher_guid"
    assert set(BigfixSoftwareTitle.objects.values_list("publisher_guid", flat=True)) == {""}
    assert BigfixSoftwareTitle.objects.get(software_title_id=40012).name == "IBM Db2 Advanced Server Edition"


def test_rows_without_a_peak_date_or_time_are_stored_without_them(sim, bigfix_source):
    sim.simulators["bigfix"].null_columns = {"peak_date", "peak_time"}
    expected = served(sim)

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert stored().keys() == expected.keys()
    assert not BigfixUsage.objects.filter(peak_date__isnull=False).exists()
    assert not BigfixUsage.objects.filter(peak_time__isnull=False).exists()


def test_a_wrapped_answer_without_a_total_is_paged_to_the_short_page(sim, bigfix_source):
    simulator = sim.simulators["bigfix"]
    simulator.wrapped, simulator.wrapped_total = True, False
    expected = served(sim)

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert stored().keys() == expected.keys()
