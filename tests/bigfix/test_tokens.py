"""BigFix tokens: obtained with get_token or given, sent in the Token header, never leaked."""

import logging

import pytest
from django.urls import reverse

from ingest.models import IngestRun, Source
from ingest.services import run_fetch, source_save
from ingest.vendors.bigfix.models import BigfixUsage

pytestmark = pytest.mark.django_db

TOKEN = "7adc3efb175e2bc0f4484bdd2efca54a8fa04623"  # the simulator's token for user demo


@pytest.fixture
def token_source(sim, db):
    return source_save(kind="bigfix", name="bigfix-token", base_url=sim.url("bigfix"), token=TOKEN, params={})


@pytest.fixture
def all_logs(caplog):
    """Every log record at every level, urllib3's request lines included."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")
    return caplog


def leaks(secret, caplog, run):
    texts = [r.getMessage() for r in caplog.records] + [caplog.text, run.error, str(run.details)]
    texts += [str(v) for v in run.cursor_after.values()] + [Source.objects.get(pk=run.source_id).base_url]
    return [t for t in texts if secret in t]


def test_it_gets_a_token_with_the_username_and_password_and_sends_it_in_the_token_header(sim, bigfix_source):
    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert BigfixUsage.objects.exists()
    # the token travelled in the header: it is in no URL the server saw
    assert all("token" not in query for _path, query in sim.simulators["bigfix"].requests)


def test_a_given_token_is_used_without_logging_in(sim, token_source):
    run = run_fetch(token_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert BigfixUsage.objects.exists()


def test_a_rejected_token_without_credentials_fails_clearly_and_without_the_token(sim, token_source, all_logs):
    sim.simulators["bigfix"].regenerate_tokens()

    run = run_fetch(token_source)

    assert run.status == IngestRun.Status.FAILED
    assert run.error == "BigFix refused the token (HTTP 401): supply a fresh --token, or a username and password"
    assert leaks(TOKEN, all_logs, run) == []


def test_a_regenerated_token_is_replaced_by_logging_in_again(sim, bigfix_source):
    bigfix_source.token = TOKEN
    bigfix_source.save()
    sim.simulators["bigfix"].regenerate_tokens()

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert BigfixUsage.objects.exists()


def test_a_wrong_password_names_the_user_but_not_the_password(sim, bigfix_source, all_logs):
    bigfix_source.password = "wrong-secret-password"
    bigfix_source.save()

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.FAILED
    assert "BigFix refused user 'demo' (HTTP 401)" in run.error
    assert leaks("wrong-secret-password", all_logs, run) == []


def test_a_token_from_get_token_is_in_no_log_record_and_no_stored_error(sim, bigfix_source, all_logs):
    sim.faults.add("503", "/bigfix/api/sam/license_usages", times=1)  # a retry logs a warning
    sim.faults.add("503", "/bigfix/api/sam/license_usages", times=3, after=1)  # then the run fails

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.FAILED
    assert "GET /api/sam/license_usages answered HTTP 503 after 3 attempts" in run.error
    assert any("retrying" in r.getMessage() for r in all_logs.records)
    assert any("license_usages" in r.getMessage() for r in all_logs.records if r.name.startswith("urllib3"))
    assert leaks(TOKEN, all_logs, run) == []
    assert leaks("demo-password", all_logs, run) == []


def test_a_given_token_is_in_no_log_record_when_the_server_cannot_be_reached(db, all_logs):
    source = source_save(kind="bigfix", name="gone", base_url="http://127.0.0.1:9/bf", token=TOKEN, params={})

    run = run_fetch(source)

    assert run.status == IngestRun.Status.FAILED
    assert "could not connect" in run.error
    assert leaks(TOKEN, all_logs, run) == []


def test_the_admin_list_of_sources_does_not_show_the_token(admin_client, token_source):
    page = admin_client.get(reverse("admin:ingest_source_changelist"))

    assert page.status_code == 200
    assert "bigfix-token" in page.content.decode()
    assert TOKEN not in page.content.decode()
