"""Login attempts are rate-limited; every page carries a Content-Security-Policy."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password=PASSWORD)


def log_in(client, password, username="alice", address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_ten_wrong_passwords_then_even_the_right_one_must_wait(client, alice):
    for _ in range(10):
        assert log_in(client, "wrong").status_code == 200

    response = log_in(client, PASSWORD)

    assert response.status_code == 429
    assert "Too many failed login attempts: wait 15 minutes, then try again." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_nine_wrong_passwords_still_let_the_right_one_in(client, alice):
    for _ in range(9):
        log_in(client, "wrong")

    assert log_in(client, PASSWORD).status_code == 302


def test_the_limit_is_per_username_and_address(client, alice, django_user_model):
    django_user_model.objects.create_user("bob", password=PASSWORD)
    for _ in range(10):
        log_in(client, "wrong")

    assert log_in(client, PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert log_in(client, PASSWORD, username="bob").status_code == 302


def test_the_wait_ends_after_fifteen_minutes(client, alice):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(10):
            log_in(client, "wrong")
        assert log_in(client, PASSWORD).status_code == 429

        clock.shift(timedelta(minutes=15, seconds=1))

        assert log_in(client, PASSWORD).status_code == 302


def test_the_admin_logs_in_through_the_limited_page(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302 and response.url == "/login/?next=/admin/"


@pytest.mark.parametrize("url", ["/login/", "/", "/sources/"])
def test_every_page_allows_scripts_only_from_our_own_static_files(admin_client, url):
    policy = admin_client.get(url)["Content-Security-Policy"]

    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "default-src 'self'" in policy
