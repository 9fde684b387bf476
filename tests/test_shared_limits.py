"""Login lockout and API rate limits hold across processes without Redis: each is counted in the database, so a
second gunicorn worker (here: a second Python process on the test database) sees the count the first one made.
And a user holds at most API_TOKENS_PER_USER tokens."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from reports.api.tokens import token_create, token_revoke
from reports.limits.counters import hit, peek

BASE_DIR = Path(__file__).resolve().parent.parent
# Another process, with no Redis: it sends the requests given as JSON and prints the status codes it got.
OTHER_PROCESS = """
import json, sys
import django
from django.conf import settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]  # the test database, not the one it was made for
settings.LOGIN_FAILURE_LIMIT, settings.API_RATE_LIMIT = 3, "3/hour"
settings.ALLOWED_HOSTS = ["testserver"]
django.setup()
from django.test import Client
statuses = []
for method, path, data, headers in json.loads(sys.argv[2]):
    client = Client(REMOTE_ADDR="10.0.0.1")
    response = client.post(path, data) if method == "POST" else client.get(path, headers=headers)
    statuses.append(response.status_code)
print(json.dumps(statuses))
"""


def in_another_process(*requests):
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    done = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, str(connection.settings_dict["NAME"]), json.dumps(requests)],
        cwd=BASE_DIR, env={**env, "DJANGO_SETTINGS_MODULE": "dashboard.settings_test"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def ann(transactional_db, django_user_model, settings):
    settings.LOGIN_FAILURE_LIMIT, settings.API_RATE_LIMIT = 3, "3/hour"
    return django_user_model.objects.create_user("ann", password="ann-pass-12345")


def login(password):
    return ["POST", "/login/", {"username": "ann", "password": password}, {}]


def test_a_user_locked_out_in_one_process_stays_locked_out_in_another(ann):
    client = Client(REMOTE_ADDR="10.0.0.1")
    assert [client.post("/login/", login("wrong")[2]).status_code for _ in range(3)] == [200, 200, 200]

    assert in_another_process(login("ann-pass-12345")) == [429]
    assert client.post("/login/", login("ann-pass-12345")[2]).status_code == 429


def test_failures_made_in_another_process_count_here(ann):
    assert in_another_process(login("wrong"), login("wrong"), login("wrong")) == [200, 200, 200]

    response = Client(REMOTE_ADDR="10.0.0.1").post("/login/", login("ann-pass-12345")[2])

    assert response.status_code == 429 and "Too many failed login attempts" in response.content.decode()


def test_a_tokens_rate_limit_is_shared_by_every_process(ann):
    secret = token_create(user=ann, name="laptop")[1]
    bearer = {"Authorization": f"Bearer {secret}"}
    api = Client()
    assert [api.get("/api/v1/vendors", headers=bearer).status_code for _ in range(2)] == [200, 200]

    assert in_another_process(["GET", "/api/v1/vendors", None, bearer], ["GET", "/api/v1/vendors", None, bearer]) == [
        200,
        429,
    ]
    assert api.get("/api/v1/vendors", headers=bearer).status_code == 429


def test_a_count_is_one_row_bumped_in_place_and_a_new_window_starts_again(db, time_machine):
    time_machine.move_to("2026-03-04 12:00:00Z", tick=False)
    assert [hit("k", 60)[0] for _ in range(3)] == [1, 2, 3]
    assert peek("k") == (3, 60)

    time_machine.move_to("2026-03-04 12:01:00Z", tick=False)

    assert peek("k") == (0, 0)
    assert hit("k", 60) == (1, 60)


def test_a_user_holds_at_most_api_tokens_per_user_tokens(viewer, settings, django_user_model):
    settings.API_TOKENS_PER_USER = 2
    user = django_user_model.objects.get(username="viewer")
    first = token_create(user=user, name="one")[0]
    token_create(user=user, name="two")

    refused = viewer.post("/account/tokens/", {"name": "three"})

    assert refused.status_code == 400
    assert "You already have 2 active tokens" in refused.content.decode()
    assert user.api_tokens.count() == 2
    token_revoke(first)  # a revoked token does not count
    assert viewer.post("/account/tokens/", {"name": "three"}).status_code == 200
    assert user.api_tokens.filter(revoked_at=None).count() == 2
