"""The shared HTTP client: which answers are retried, Retry-After, the error it builds, and redaction."""

import base64
import json
import logging
import time
from urllib.parse import quote

import pytest

from ingest.errors import CredentialsError, HttpError
from ingest.http import HttpClient
from ingest.simulators.server import Response, error

PATH = "/api/v2/records"  # served by the MLS simulator; each test answers it its own way
SECRET = 'pa$$ w/rd+&"é'  # a secret that URL-encoding and JSON-escaping both change


def serve(sim, *answers):
    """Answer PATH with these responses in turn (the last one for ever); return the requests seen."""
    seen = []

    def records(request):
        seen.append(request)
        return answers[min(len(seen), len(answers)) - 1](request)

    sim.simulators["mls"].records = records
    return seen


def ok(request):
    return Response([{"ok": True}])


def test_429_502_503_504_are_retried_by_default(sim):
    seen = serve(sim, lambda r: error(429, "slow down"), lambda r: error(502, "gateway"), ok)

    body = HttpClient(sim.url("mls")).get_json(PATH)

    assert body == [{"ok": True}] and len(seen) == 3


def test_other_statuses_are_not_retried_and_the_error_names_status_and_body(sim):
    seen = serve(sim, lambda r: Response({"error": "Bad Request", "message": "limit must be a number"}, status=500))

    with pytest.raises(HttpError) as failure:
        HttpClient(sim.url("mls")).request("GET", PATH)

    assert len(seen) == 1
    assert failure.value.status == 500
    assert (
        str(failure.value)
        == 'GET /api/v2/records answered HTTP 500: {"error": "Bad Request", "message": "limit must be a number"}'
    )


def test_a_vendor_may_retry_other_statuses(sim):
    seen = serve(sim, lambda r: error(500, "flaky"), ok)

    HttpClient(sim.url("mls"), retry_statuses={500}).request("GET", PATH)

    assert len(seen) == 2


def test_the_error_after_the_last_retry_says_how_many_attempts_were_made(sim, settings):
    serve(sim, lambda r: error(503, "down for maintenance"))

    with pytest.raises(HttpError, match=r"answered HTTP 503 after 3 attempts: .*down for maintenance"):
        HttpClient(sim.url("mls")).request("GET", PATH)


def test_a_vendor_reads_its_own_error_bodies(sim):
    class Vendor(HttpClient):
        def vendor_message(self, response):
            return response.json()["error"].upper()

    serve(sim, lambda r: error(400, "no such supervisor"))

    with pytest.raises(HttpError, match="answered HTTP 400: NO SUCH SUPERVISOR$"):
        Vendor(sim.url("mls")).request("GET", PATH)


def test_401_is_a_credentials_error(sim):
    serve(sim, lambda r: error(401, "Unauthorized"))

    with pytest.raises(CredentialsError, match=r"GET /api/v2/records was refused \(HTTP 401\)"):
        HttpClient(sim.url("mls")).request("GET", PATH)


def test_retry_after_is_waited_for(sim):
    seen = serve(sim, lambda r: Response({"error": "busy"}, status=429, headers={"Retry-After": "1"}), ok)

    started = time.monotonic()
    HttpClient(sim.url("mls")).request("GET", PATH)

    assert len(seen) == 2 and time.monotonic() - started >= 1.0


def test_a_very_long_retry_after_is_cut_short(sim, monkeypatch):
    monkeypatch.setattr("ingest.http.MAX_RETRY_AFTER", 0.1)
    seen = serve(sim, lambda r: Response({"error": "busy"}, status=503, headers={"Retry-After": "3600"}), ok)

    started = time.monotonic()
    HttpClient(sim.url("mls")).request("GET", PATH)

    assert len(seen) == 2 and time.monotonic() - started < 5


@pytest.mark.parametrize("ascii_only", [True, False])
def test_a_secret_echoed_back_in_any_form_is_redacted_from_the_error(sim, ascii_only):
    def raw_echo(request):
        text = (
            f"{request.headers} {request.body.decode()} {quote(SECRET)} {json.dumps(SECRET, ensure_ascii=ascii_only)}"
        )
        return Response(raw=text.encode(), status=400)

    serve(sim, raw_echo)
    http = HttpClient(sim.url("mls"), secrets=[SECRET], headers={"X-Token": quote(SECRET)}, auth=("admin", "pw-2"))

    with pytest.raises(HttpError) as failure:
        http.request("GET", PATH, params={"token": SECRET})

    basic = base64.b64encode(b"admin:pw-2").decode()
    message = str(failure.value)
    assert "answered HTTP 400" in message and "********" in message
    for form in (SECRET, quote(SECRET), json.dumps(SECRET)[1:-1], json.dumps(SECRET, ensure_ascii=False)[1:-1], basic):
        assert form not in message


def test_a_secret_is_redacted_before_the_error_body_is_cut_short(sim):
    serve(sim, lambda r: Response(raw=("x" * 290 + SECRET).encode(), status=400))

    with pytest.raises(HttpError) as failure:
        HttpClient(sim.url("mls"), secrets=[SECRET]).request("GET", PATH)

    assert SECRET[:5] not in str(failure.value)


def test_a_retry_is_logged_with_the_path_but_never_the_query_string(sim, caplog):
    serve(sim, lambda r: error(503, "busy"), ok)

    with caplog.at_level(logging.WARNING, logger="ingest.http"):
        HttpClient(sim.url("mls")).request("GET", PATH, params={"token": "in-the-query"})

    (line,) = [r.getMessage() for r in caplog.records if r.name == "ingest.http"]
    assert line.startswith("GET /mls/api/v2/records answered HTTP 503; retrying in ")
    assert "in-the-query" not in line
