"""The documented forms of BigFix's API: where the token goes, row order under paging, and 500 "Bad Request"."""

import logging

import pytest

from ingest.models import IngestRun
from ingest.services import run_fetch
from ingest.vendors.bigfix.models import BigfixUsage
from tests.bigfix.test_tokens import TOKEN, leaks

pytestmark = pytest.mark.django_db

USAGES = "/api/sam/license_usages"


def key(row):
    return (row["software_title_id"], row["metric_name"], row["computer_system_id"], row["reporting_period_start_date"])


def stored_keys():
    return sorted(
        (u.software_title_id, u.metric_name, u.computer_system_id, u.reporting_period_start_date.isoformat())
        for u in BigfixUsage.objects.all()
    )


def token_places(simulator):
    """For each license_usages request: 'query' if the token was in its URL, else 'header'."""
    return ["query" if "token" in query else "header" for _path, query in simulator.requests]


def test_a_server_that_reads_only_the_header_gets_the_token_in_the_header(sim, bigfix_source):
    simulator = sim.simulators["bigfix"]
    simulator.token_in = "header"

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert set(token_places(simulator)) == {"header"}
    assert run.details["token_sent_in"] == "header"


def test_a_server_that_reads_only_the_query_parameter_gets_it_there_after_one_refused_header(
    sim, bigfix_source, caplog
):
    simulator = sim.simulators["bigfix"]
    simulator.token_in = "query"
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert BigfixUsage.objects.count() == len(simulator.rows())
    pages = len(simulator.rows()) // 25 + 1
    # the header once, then the parameter for every page: the place that worked is kept for the run
    assert token_places(simulator) == ["header"] + ["query"] * pages
    assert run.details["token_sent_in"] == "query parameter"
    # urllib3 logged every URL, token included: the run's log filter scrubbed it
    assert any("token=" in r.getMessage() for r in caplog.records if r.name.startswith("urllib3"))
    assert leaks(TOKEN, caplog, run) == []


def test_a_regenerated_token_on_a_query_only_server_is_replaced_once(sim, bigfix_source):
    simulator = sim.simulators["bigfix"]
    simulator.token_in = "query"
    bigfix_source.token = TOKEN
    bigfix_source.save()
    simulator.regenerate_tokens()

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert BigfixUsage.objects.count() == len(simulator.rows())


def test_a_token_refused_in_both_places_without_credentials_fails_clearly(sim, bigfix_source):
    sim.simulators["bigfix"].regenerate_tokens()
    bigfix_source.token, bigfix_source.password = TOKEN, ""
    bigfix_source.save()

    run = run_fetch(bigfix_source)

    assert run.error == "BigFix refused the token (HTTP 401): supply a fresh --token, or a username and password"
    assert token_places(sim.simulators["bigfix"]) == ["header", "query"]


def test_pages_ask_for_a_total_order_so_rows_that_tie_in_the_default_order_arrive_once(sim, bigfix_source):
    simulator = sim.simulators["bigfix"]
    served = sorted(key(r) for r in simulator.rows())

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert stored_keys() == served and run.records_fetched == len(served)
    orders = {tuple(query["order[]"]) for _path, query in simulator.requests}
    assert orders == {("computer_system_id", "software_title_id", "metric_name", "reporting_period_start_date")}


def test_the_simulators_default_order_ties_and_changes_between_requests(sim):
    """Why the order matters: without one, two requests order a tie differently."""
    simulator = sim.simulators["bigfix"]
    first = [key(r) for r in simulator.ordered(simulator.rows(), [])]
    simulator.requests.append(("", {}))
    second = [key(r) for r in simulator.ordered(simulator.rows(), [])]
    explicit = ["computer_system_id", "software_title_id", "metric_name", "reporting_period_start_date"]

    assert first != second and sorted(first) == sorted(second)
    assert [key(r) for r in simulator.ordered(simulator.rows(), explicit)] == [
        key(r) for r in simulator.ordered(simulator.rows(), explicit)
    ]


def test_a_documented_bad_request_fails_at_once_with_the_servers_message(sim, bigfix_source):
    simulator = sim.simulators["bigfix"]
    simulator.known_columns = [c for c in simulator.known_columns if c != "software_title_dimension.guid"]

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.FAILED
    assert run.error == (
        "GET /api/sam/license_usages answered HTTP 500: "
        "Bad Request: unknown column(s) in columns[]: software_title_dimension.guid"
    )
    assert len(simulator.requests) == 1  # not retried
