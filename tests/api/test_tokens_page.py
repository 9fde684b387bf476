"""The API tokens page: a user makes a token (shown once), sees their tokens and revokes them."""

import re

import pytest

from reports.api.models import ApiToken
from reports.api.tokens import token_create
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db


def make(client, name):
    response = client.post("/account/tokens/", {"name": name})
    assert response.status_code == 200
    return re.search(r"mb_[A-Za-z0-9_-]{40,}", response.content.decode())[0], response


def test_a_new_token_is_shown_once_and_opens_the_api(viewer):
    secret, response = make(viewer, "Power Query")

    assert response["Cache-Control"] == "no-store"
    assert Api(secret).get("/api/v1/sources").status_code == 200
    page = viewer.get("/account/tokens/").content.decode()
    assert "Power Query" in page and secret[:10] in page and secret not in page


def test_the_page_lists_only_the_users_own_tokens(viewer, admin_user):
    token_create(user=admin_user, name="someone else's")
    make(viewer, "mine")

    page = viewer.get("/account/tokens/").content.decode()

    assert "mine" in page and "someone else" not in page


def test_a_token_name_is_required(viewer):
    response = viewer.post("/account/tokens/", {"name": ""})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_a_token_ends_it(viewer):
    secret, _ = make(viewer, "old script")
    token = ApiToken.objects.get()

    response = viewer.post(f"/account/tokens/{token.pk}/revoke/", follow=True)

    assert "revoked" in response.content.decode()
    assert Api(secret).get("/api/v1/sources").status_code == 401


def test_a_user_cannot_revoke_another_users_token(viewer, admin_user):
    token, secret = token_create(user=admin_user, name="admin's")

    assert viewer.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert Api(secret).get("/api/v1/sources").status_code == 200


def test_the_token_name_is_escaped(viewer):
    make(viewer, "<script>alert(1)</script>")

    page = viewer.get("/account/tokens/").content.decode()

    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_the_navigation_links_the_tokens_page(viewer):
    assert 'href="/account/tokens/"' in viewer.get("/subscriptions/").content.decode()
