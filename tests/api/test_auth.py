"""No token, a bad one or a revoked one: 401. A token is stored as its hash only, and its last use is recorded."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from reports.api.models import ApiToken
from reports.api.tokens import token_create, token_revoke
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db


def assert_unauthorized(response):
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "token" in response.json()["error"]


def test_it_requires_a_token():
    assert_unauthorized(Api(None).get("/api/v1/sources"))


def test_it_refuses_an_unknown_token(viewer_token):
    assert_unauthorized(Api(viewer_token[:-2] + "xx").get("/api/v1/sources"))
    assert_unauthorized(Api("not-even-ours").get("/api/v1/sources"))
    assert_unauthorized(Api(None).get("/api/v1/sources", Authorization=f"Basic {viewer_token}"))


def test_it_refuses_a_revoked_token(api):
    assert api.get("/api/v1/sources").status_code == 200

    token_revoke(ApiToken.objects.get())

    assert_unauthorized(api.get("/api/v1/sources"))


def test_it_refuses_the_token_of_a_deactivated_user(api, viewer_user):
    viewer_user.is_active = False
    viewer_user.save()

    assert_unauthorized(api.get("/api/v1/sources"))


def test_a_logged_in_session_does_not_open_the_api(viewer):
    response = viewer.get("/api/v1/sources")

    assert response.status_code == 401


def test_it_answers_only_get(api):
    response = api.client.post("/api/v1/sources", headers={"Authorization": f"Bearer {api.token}"})

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_only_the_hash_of_a_token_is_stored(viewer_user):
    token, secret = token_create(user=viewer_user, name="script")

    stored = ApiToken.objects.values().get(pk=token.pk)
    assert secret.startswith("mb_") and len(secret) > 40
    assert stored["digest"] == hashlib.sha256(secret.encode()).hexdigest()
    assert stored["prefix"] == secret[:10]
    assert not any(secret in str(value) for value in stored.values())


def test_the_last_use_is_recorded_at_most_once_a_minute(api):
    start = timezone.now()
    token = ApiToken.objects.get()
    assert token.last_used_at is None

    with time_machine.travel(start, tick=False):
        api.json("/api/v1/vendors")
    token.refresh_from_db()
    assert token.last_used_at == start

    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        api.json("/api/v1/vendors")
    token.refresh_from_db()
    assert token.last_used_at == start

    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        api.json("/api/v1/vendors")
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(seconds=61)
