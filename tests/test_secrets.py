"""A vendor password or token never reaches a run error, a log line, a viewer's page or the admin lists,
in any encoding it travels in, even when the upstream echoes the request back in its error body."""

import base64
import html
import json
import logging
from urllib.parse import quote, quote_plus

import pytest
from django.utils.timezone import localtime

from ingest.errors import REDACTED
from ingest.services import run_fetch

pytestmark = pytest.mark.django_db

PASSWORD = 'pä/ss"w+rd&1 x'
TOKEN = 'tök/en"+&=2 y'

# (kind, credentials set on the simulator's test source, other parameters): each vendor's ways of authenticating.
AUTH_STYLES = {
    "mls-login": ("mls", {"password": PASSWORD, "token": ""}, {}),
    "mls-token": ("mls", {"token": TOKEN}, {}),
    "bigfix-login": ("bigfix", {"password": PASSWORD, "token": ""}, {}),
    "bigfix-token": ("bigfix", {"token": TOKEN}, {}),
    "lstat-token": ("lstat", {"token": TOKEN}, {}),
    "metering-basic": ("metering", {"password": PASSWORD}, {}),
    "metering-bearer": ("metering", {"token": TOKEN}, {"auth": "bearer"}),
}
ECHOES = ["echo", "echo-json", "echo-unicode", "echo-url"]


def encodings(secret):
    """Every way the secret may come back: plain, JSON-escaped, URL-encoded, unicode-escaped."""
    return {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote_plus(secret),
        "".join(f"\\u{ord(c):04x}" for c in secret),
    }


def forbidden(source):
    forms = set()
    for secret in (source.password, source.token):
        if secret:
            forms |= encodings(secret)
    if source.password:
        basic = base64.b64encode(f"{source.username}:{source.password}".encode("latin1")).decode()
        forms |= encodings(basic)
    return forms


@pytest.fixture
def hostile_source(request, sim, db):
    from ingest.services import source_save

    kind, credentials, params = AUTH_STYLES[request.param]
    args = sim.simulators[kind].test_source(sim.url(kind))
    args.update(credentials)
    args["params"] = {**args.get("params", {}), **params}
    return source_save(**args)


@pytest.mark.parametrize("echo", ECHOES)
@pytest.mark.parametrize("hostile_source", list(AUTH_STYLES), indirect=True)
def test_an_upstream_echoing_the_request_never_leaks_the_secret(
    hostile_source, echo, sim, caplog, viewer, admin_client
):
    sim.faults.add(echo, f"/{hostile_source.kind}/", times=-1)

    with caplog.at_level(logging.DEBUG):
        run = run_fetch(hostile_source)

    assert run.status == "failed"
    assert REDACTED in run.error  # the echo did carry the secret, and it was redacted
    places = {
        "run.error": run.error,
        "logs": caplog.text,
        "viewer's Sources page": viewer.get("/sources/").content.decode(),
        "viewer's source page": viewer.get(f"/sources/{hostile_source.pk}/").content.decode(),
        "admin's runs": admin_client.get("/admin/ingest/ingestrun/").content.decode(),
        "admin's Sources page": admin_client.get("/sources/").content.decode(),
        "admin's sources": admin_client.get("/admin/ingest/source/").content.decode(),
    }
    for place, text in places.items():
        for form in forbidden(hostile_source):
            assert form not in text and form not in html.unescape(text), f"{form!r} in {place}"


def test_a_viewer_sees_that_a_fetch_failed_but_not_the_upstream_text(viewer, admin_client, sim, mls_source):
    sim.faults.add("500", "/mls/", times=-1)
    run = run_fetch(mls_source)

    page = viewer.get("/sources/").content.decode()
    assert "answered HTTP 500" not in page
    assert f"The last fetch failed at {localtime(run.finished_at):%H:%M}; an admin can see why." in page
    assert "answered HTTP 500" not in viewer.get(f"/sources/{mls_source.pk}/").content.decode()
    assert "answered HTTP 500" in admin_client.get("/sources/").content.decode()
    assert "answered HTTP 500" in admin_client.get(f"/sources/{mls_source.pk}/").content.decode()


def test_a_secret_holding_whitespace_is_redacted_before_the_excerpt_collapses_it(sim, mls_source):
    mls_source.password = "two  spaces\tand a tab"
    mls_source.save()
    sim.faults.add("echo", "/mls/", times=-1)

    run = run_fetch(mls_source)

    assert REDACTED in run.error
    assert "spaces" not in run.error and "two spaces and a tab" not in run.error
