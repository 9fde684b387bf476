"""The Sources page, fetch-now, and the admin's write-only credentials."""

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from ingest.models import IngestRun, Source
from ingest.services import run_fetch, source_save
from tests.conftest import MAC_A

pytestmark = pytest.mark.django_db


def test_the_sources_page_shows_freshness_and_the_last_error_to_admins(admin_client, sim, mls_source):
    run_fetch(mls_source)
    sim.faults.add("500", "/mls/", times=-1)
    run_fetch(mls_source)

    html = admin_client.get("/sources/").content.decode()

    assert "test-mls" in html and "just now" in html
    assert "POST /api/v2/login answered HTTP 500 after 3 attempts" in html


def test_a_source_never_fetched_is_stale(viewer, mls_source):
    html = viewer.get("/sources/").content.decode()

    assert "never" in html and "stale" in html


def test_fetch_now_queues_a_fetch_that_the_worker_runs(admin_client, mls_source):
    # Tests run django-q2 in sync mode, so the queued task runs at once.
    response = admin_client.post(f"/sources/{mls_source.pk}/fetch/", {"next": "/sources/"})

    assert response.status_code == 302 and response.url == "/sources/"
    run = IngestRun.objects.get()
    assert (run.trigger, run.status) == ("manual", IngestRun.Status.SUCCEEDED)


def test_fetch_now_never_redirects_off_site(admin_client, mls_source):
    response = admin_client.post(f"/sources/{mls_source.pk}/fetch/", {"next": "https://evil.example.com/"})

    assert response.url == "/sources/"


def test_fetch_now_needs_a_post(admin_client, mls_source):
    assert admin_client.get(f"/sources/{mls_source.pk}/fetch/").status_code == 405


def test_the_source_page_lists_its_runs_with_cursors(admin_client, mls_source):
    run_fetch(mls_source)

    html = admin_client.get(f"/sources/{mls_source.pk}/").content.decode()

    assert "succeeded" in html and f"{MAC_A}→" in html


def leave_a_dead_fetch(source):
    """What a killed fetch leaves: its run "running" and the source locked, with its last heartbeat long ago."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    long_ago = timezone.now() - timedelta(seconds=settings.FETCH_HEARTBEAT_TIMEOUT + 5)
    Source.objects.filter(pk=source.pk).update(locked_at=long_ago, heartbeat_at=long_ago)
    return IngestRun.objects.create(source=source, trigger="schedule", started_at=long_ago)


def test_a_run_whose_fetch_stopped_beating_shows_as_stopped(admin_client, mls_source):
    leave_a_dead_fetch(mls_source)

    for page in ("/sources/", f"/sources/{mls_source.pk}/"):
        html = admin_client.get(page).content.decode()
        assert "running" in html and "no heartbeat: stopped" in html


def test_the_next_fetch_shows_the_dead_run_interrupted_and_itself_resumed(admin_client, mls_source):
    leave_a_dead_fetch(mls_source)
    run_fetch(mls_source)

    listing = admin_client.get("/sources/").content.decode()
    detail = admin_client.get(f"/sources/{mls_source.pk}/").content.decode()

    assert "resumed from the committed cursor of the interrupted fetch started" in listing
    assert '<span class="status interrupted">interrupted</span>' in detail
    assert "interrupted: the fetch stopped without finishing (killed or timed out)" in detail
    assert "no heartbeat: stopped" not in listing + detail


@pytest.fixture
def secret_source(db):
    return source_save(
        kind="mls", name="secretive", base_url="https://mls.example.com", username="portal",
        password="pw-0f9e8d7c6b", token="tok-a1b2c3d4e5", params={"macaddresses": MAC_A},
    )  # fmt: skip


def test_the_admin_never_shows_credentials_back(admin_client, secret_source):
    pages = [
        admin_client.get("/admin/ingest/source/"),
        admin_client.get(f"/admin/ingest/source/{secret_source.pk}/change/"),
    ]

    for page in pages:
        assert page.status_code == 200
        assert "pw-0f9e8d7c6b" not in page.content.decode()
        assert "tok-a1b2c3d4e5" not in page.content.decode()


def admin_form(source, **changes):
    data = {
        "kind": source.kind, "name": source.name, "base_url": source.base_url, "username": source.username,
        "password": "", "token": "", "params_kind": source.kind, "param_macaddresses": "00:1A:2B:3C:4D:5E",
        "enabled": "on", "interval_minutes": "15",
    }  # fmt: skip
    return {**data, **changes}


def test_saving_in_the_admin_with_blank_credentials_keeps_them(admin_client, secret_source):
    response = admin_client.post(f"/admin/ingest/source/{secret_source.pk}/change/", admin_form(secret_source))

    assert response.status_code == 302
    secret_source.refresh_from_db()
    assert (secret_source.password, secret_source.token) == ("pw-0f9e8d7c6b", "tok-a1b2c3d4e5")


def test_the_admin_can_replace_or_clear_credentials(admin_client, secret_source):
    url = f"/admin/ingest/source/{secret_source.pk}/change/"
    admin_client.post(url, admin_form(secret_source, password="new-password-1"))
    secret_source.refresh_from_db()
    assert (secret_source.password, secret_source.token) == ("new-password-1", "tok-a1b2c3d4e5")

    admin_client.post(url, admin_form(secret_source, clear_credentials="on"))
    secret_source.refresh_from_db()
    assert (secret_source.password, secret_source.token) == ("", "")


@pytest.mark.parametrize(
    "change", [{"base_url": "https://attacker.example.com"}, {"kind": "bigfix"}], ids=["url", "kind"]
)
def test_pointing_a_source_elsewhere_in_the_admin_forgets_its_credentials(admin_client, secret_source, change):
    response = admin_client.post(
        f"/admin/ingest/source/{secret_source.pk}/change/", admin_form(secret_source, **change), follow=True
    )

    assert "the stored password and token were forgotten: enter them again" in response.content.decode()
    secret_source.refresh_from_db()
    assert (secret_source.password, secret_source.token) == ("", "")


def test_pointing_a_source_elsewhere_keeps_credentials_entered_in_the_same_change(admin_client, secret_source):
    form = admin_form(secret_source, base_url="https://mls2.example.com", password="pw-for-the-new-one")
    admin_client.post(f"/admin/ingest/source/{secret_source.pk}/change/", form)

    secret_source.refresh_from_db()
    assert (secret_source.password, secret_source.token) == ("pw-for-the-new-one", "")


def test_the_admin_rejects_bad_parameters_with_a_message(admin_client, secret_source):
    response = admin_client.post(
        f"/admin/ingest/source/{secret_source.pk}/change/", admin_form(secret_source, param_macaddresses="zz")
    )

    assert response.status_code == 200
    assert "&#x27;zz&#x27; is not a MAC address" in response.content.decode()
    assert Source.objects.get().params == {"macaddresses": [MAC_A], "per_page": 10080, "timezone": "UTC"}


def test_an_unknown_page_is_a_friendly_404(admin_client, settings):
    settings.DEBUG = False

    response = admin_client.get("/sources/999999/")

    assert response.status_code == 404
    assert "Back to the overview" in response.content.decode()


def test_the_admin_lists_runs_outside_utc(admin_client, mls_source):
    run_fetch(mls_source)

    with override_settings(TIME_ZONE="America/New_York"):
        assert admin_client.get("/admin/ingest/ingestrun/").status_code == 200


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_fetch_now_queues_one_fetch_however_often_it_is_clicked(admin_client, mls_source):
    clicks = [admin_client.post(f"/sources/{mls_source.pk}/fetch/", follow=True) for _ in range(30)]

    assert IngestRun.objects.count() == 1
    assert messages_of(clicks[0]) == ["Fetch of test-mls queued; the worker picks it up within seconds."]
    assert "A fetch of test-mls was queued moments ago; try again in" in messages_of(clicks[-1])[0]


@override_settings(FETCH_NOW_INTERVAL=1)
def test_fetch_now_queues_again_once_the_interval_has_passed(admin_client, mls_source):
    with time_machine.travel("2026-03-04 12:00:00Z", tick=False) as clock:
        admin_client.post(f"/sources/{mls_source.pk}/fetch/")
        clock.shift(2)
        admin_client.post(f"/sources/{mls_source.pk}/fetch/")

    assert IngestRun.objects.filter(trigger="manual").count() == 2


def test_fetch_now_refuses_a_disabled_source(admin_client, mls_source):
    Source.objects.filter(pk=mls_source.pk).update(enabled=False)

    response = admin_client.post(f"/sources/{mls_source.pk}/fetch/", follow=True)

    assert messages_of(response) == ["test-mls is disabled: enable it in the admin to fetch it."]
    assert not IngestRun.objects.exists()


def test_fetch_now_refuses_while_a_fetch_of_the_source_runs(admin_client, mls_source):
    Source.objects.filter(pk=mls_source.pk).update(locked_at=timezone.now())

    response = admin_client.post(f"/sources/{mls_source.pk}/fetch/", follow=True)

    assert "A fetch of test-mls has been running since" in messages_of(response)[0]
    assert "wait for it to finish" in messages_of(response)[0]
    assert not IngestRun.objects.exists()


def test_renaming_a_source_in_the_admin_keeps_it_one_source_with_its_credentials(admin_client, secret_source):
    url = f"/admin/ingest/source/{secret_source.pk}/change/"
    response = admin_client.post(url, admin_form(secret_source, name="renamed"))

    assert response.status_code == 302
    assert list(Source.objects.values_list("pk", "name")) == [(secret_source.pk, "renamed")]
    secret_source.refresh_from_db()
    assert (secret_source.password, secret_source.token) == ("pw-0f9e8d7c6b", "tok-a1b2c3d4e5")


def test_the_admin_fetch_now_action_refuses_a_disabled_source_saying_why(admin_client, secret_source):
    secret_source.enabled = False
    secret_source.save()

    response = admin_client.post(
        "/admin/ingest/source/", {"action": "fetch_now", "_selected_action": [secret_source.pk]}, follow=True
    )

    assert any("secretive is disabled" in str(m) for m in response.context["messages"])
    assert not secret_source.runs.exists()
