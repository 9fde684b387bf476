"""Each token may make API_RATE_LIMIT requests per window; more get a 429 with Retry-After."""

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured

from reports.api.tokens import rate_limit
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(settings):
    settings.API_RATE_LIMIT = "3/minute"


def test_a_token_over_its_limit_gets_a_429_until_the_window_ends(api, three_a_minute):
    with time_machine.travel("2026-03-04 12:00:10Z", tick=False) as clock:
        assert [api.get("/api/v1/vendors").status_code for _ in range(3)] == [200, 200, 200]

        response = api.get("/api/v1/vendors")

        assert response.status_code == 429
        assert response["Retry-After"] == "50" and response.json()["retry_after"] == 50
        assert "3 a minute" in response.json()["error"]
        clock.move_to("2026-03-04 12:01:00Z")
        assert api.get("/api/v1/vendors").status_code == 200


def test_each_token_has_its_own_count(api, admin_token, three_a_minute):
    with time_machine.travel("2026-03-04 12:00:10Z", tick=False):
        for _ in range(4):
            api.get("/api/v1/vendors")

        assert api.get("/api/v1/vendors").status_code == 429
        assert Api(admin_token).get("/api/v1/vendors").status_code == 200


def test_requests_without_a_valid_token_are_not_counted_against_it(api, three_a_minute):
    with time_machine.travel("2026-03-04 12:00:10Z", tick=False):
        for _ in range(5):
            Api("mb_wrong").get("/api/v1/vendors")

        assert api.get("/api/v1/vendors").status_code == 200


@pytest.mark.parametrize("value", ["120", "120/fortnight", "many/minute"])
def test_a_malformed_limit_is_a_configuration_error(settings, value):
    settings.API_RATE_LIMIT = value

    with pytest.raises(ImproperlyConfigured, match="120/minute"):
        rate_limit()
