import pytest
from django.test import Client

from reports.api.tokens import token_create


@pytest.fixture
def viewer_user(db, django_user_model):
    return django_user_model.objects.create_user("ann", password="ann-pass-12345")


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_user("boss", password="boss-pass-12345", is_staff=True)


@pytest.fixture
def viewer_token(viewer_user):
    return token_create(user=viewer_user, name="viewer's laptop")[1]


@pytest.fixture
def admin_token(admin_user):
    return token_create(user=admin_user, name="admin's script")[1]


class Api:
    """A client of the API that sends a token, as curl would (no session, no cookies)."""

    def __init__(self, token):
        self.client, self.token = Client(), token

    def get(self, url, params=None, **headers):
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.client.get(url, params or {}, headers=headers)

    def json(self, url, params=None):
        response = self.get(url, params)
        assert response.status_code == 200, (url, params, response.content[:500])
        return response.json()

    def walk(self, url, params=None):
        """Every row, following `next` links from the first page."""
        page = self.json(url, params)
        rows = list(page["results"])
        while page["next"]:
            page = self.json(page["next"])
            rows += page["results"]
        return rows


@pytest.fixture
def api(viewer_token):
    return Api(viewer_token)


@pytest.fixture
def admin_api(admin_token):
    return Api(admin_token)
