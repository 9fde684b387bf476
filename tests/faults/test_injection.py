"""The simulators' one fault mechanism, asked directly: which requests a fault meets and what each fault does."""

import pytest
import requests

from ingest.simulators.faults import cut, reset, status, timeout, truncated, unauthorized

LOGIN = {"username": "demo", "password": "demo-password"}


def login(sim, **kwargs):
    return requests.post(sim.url("mls") + "/api/v2/login", json=LOGIN, timeout=2, **kwargs)


def test_a_fault_lets_after_requests_through_then_fires_times_times(sim):
    sim.inject("/mls/api/v2/login", status(503), after=1, times=2)

    assert [login(sim).status_code for _ in range(4)] == [200, 503, 503, 200]


def test_a_fault_meets_only_the_paths_under_its_prefix(sim):
    sim.inject("/lstat/", status(500), times=-1)

    assert login(sim).status_code == 200
    assert requests.get(sim.url("lstat") + "/api/v1/license-server/json", timeout=2).status_code == 500


def test_status_faults_answer_json_and_say_when_to_come_back(sim):
    sim.inject("/mls/", status(429, retry_after=2))
    sim.inject("/mls/", unauthorized())

    busy, refused = login(sim), login(sim)

    assert (busy.status_code, busy.headers["Retry-After"], busy.json()) == (429, "2", {"error": "simulated failure"})
    assert (refused.status_code, refused.json()) == (401, {"error": "Unauthorized"})


def test_reset_closes_the_connection_with_a_tcp_reset(sim):
    sim.inject("/mls/", reset())

    with pytest.raises(requests.ConnectionError, match="reset by peer"):
        login(sim)


def test_truncated_sends_half_the_real_body_and_cut_drops_the_connection_halfway(sim):
    whole = login(sim).content
    sim.inject("/mls/", truncated())
    sim.inject("/mls/", cut())

    half = login(sim)

    assert half.status_code == 200 and len(half.content) == len(whole) // 2
    assert half.content.startswith(b'{"token": "')
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        login(sim)


def test_timeout_answers_only_after_the_clients_patience(sim):
    sim.faults.timeout_seconds = 0.3
    sim.inject("/mls/", timeout())

    with pytest.raises(requests.Timeout):
        requests.post(sim.url("mls") + "/api/v2/login", json=LOGIN, timeout=0.1)


def test_faults_are_named_over_http_too(sim):
    added = requests.post(f"{sim.url('_faults')}", json={"kind": "429", "path": "/mls/", "retry_after": 1}, timeout=2)
    unknown = requests.post(f"{sim.url('_faults')}", json={"kind": "teapot"}, timeout=2)

    assert added.status_code == 201 and login(sim).headers["Retry-After"] == "1"
    assert unknown.status_code == 400 and "unknown fault 'teapot'" in unknown.json()["error"]
