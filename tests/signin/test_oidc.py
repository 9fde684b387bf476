"""OpenID Connect sign-in against a real provider on loopback (tests/signin/provider.py): the code flow with PKCE,
roles from the groups claim at every sign-in, refusals and a provider that is down, and API tokens' role expiry."""

from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.contrib.auth.models import User
from django.utils import timezone

from dashboard.signin.models import DirectoryAccount
from reports.api.tokens import token_create
from tests.signin.conftest import use_oidc
from tests.signin.slapd import free_port


def sign_in(client, provider, username):
    """The browser's round trip: Meterboard -> the provider's authorize endpoint -> Meterboard's callback."""
    provider.next_user = username
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302 and start.url.startswith(provider.url), start
    back = requests.get(start.url, allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def login_page(client):
    return client.get("/login/").content.decode()


def test_the_login_page_offers_the_provider_only_when_configured(oidc_signin, client, settings):
    assert "Sign in with Example ID" in login_page(client)

    settings.OIDC_RP_CLIENT_ID = ""
    assert "Sign in with" not in login_page(client)
    assert client.get("/oidc/authenticate/").status_code == 404


def test_a_member_of_the_admin_group_signs_in_as_admin_with_name_and_email(oidc_signin, client):
    response = sign_in(client, oidc_signin, "olga")

    assert response.status_code == 302 and response.url == "/"
    user = User.objects.get(username="olga")
    assert (user.is_staff, user.first_name, user.last_name, user.email) == (True, "Olga", "Owner", "olga@example.org")
    assert client.get("/admin/").status_code == 200


def test_a_member_of_the_viewer_group_signs_in_as_viewer(oidc_signin, client):
    sign_in(client, oidc_signin, "pete")

    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 403


def test_a_user_in_neither_group_is_refused_with_a_message(oidc_signin, client):
    response = sign_in(client, oidc_signin, "quinn")

    assert response.status_code == 302 and response.url == "/login/"
    assert "in none of Meterboard&#x27;s groups (mb-admins, mb-viewers) in Example ID" in login_page(client)
    assert client.get("/").status_code == 302


def test_group_changes_between_sign_ins_change_the_role_of_the_same_account(oidc_signin, client):
    sign_in(client, oidc_signin, "pete")
    oidc_signin.users["pete"]["groups"] = ["mb-admins"]
    sign_in(client, oidc_signin, "pete")

    assert User.objects.get(username="pete").is_staff
    oidc_signin.users["pete"]["groups"] = []
    sign_in(client, oidc_signin, "pete")
    assert not User.objects.get(username="pete").is_active
    assert User.objects.filter(username="pete").count() == 1


def test_a_provider_that_is_down_sends_back_to_the_login_page_where_local_accounts_still_work(
    oidc_signin, client, settings
):
    use_oidc(settings, f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration")
    User.objects.create_superuser("rescue", password="rescue-pass-123")

    response = client.get("/oidc/authenticate/")

    assert response.status_code == 302 and response.url == "/login/"
    assert "Example ID could not be reached" in login_page(client)
    assert client.post("/login/", {"username": "rescue", "password": "rescue-pass-123"}).status_code == 302


def test_a_wrong_client_secret_and_a_replayed_answer_are_refused_with_a_message(oidc_signin, client, settings):
    settings.OIDC_RP_CLIENT_SECRET = "not-the-secret"
    assert sign_in(client, oidc_signin, "olga").url == "/login/"
    page = login_page(client)
    assert "Example ID did not confirm the sign-in" in page and "not-the-secret" not in page

    response = client.get("/oidc/callback/?code=made-up&state=made-up")
    assert response.status_code == 302 and "sign in again" in login_page(client)
    assert not User.objects.filter(username="olga", is_active=True, last_login__isnull=False).exists()


def test_a_local_superuser_is_never_taken_over_by_a_provider_user_of_its_name(oidc_signin, client):
    User.objects.create_superuser("olga", password="local-olga-pass-1")

    assert sign_in(client, oidc_signin, "olga").url == "/login/"
    assert "olga is a local admin account here" in login_page(client)
    assert not DirectoryAccount.objects.exists()


def test_an_api_token_keeps_the_role_until_it_expires_then_needs_a_new_sign_in(oidc_signin, client, settings):
    sign_in(client, oidc_signin, "pete")
    _, secret = token_create(user=User.objects.get(username="pete"), name="laptop")
    headers = {"authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/sources", headers=headers).status_code == 200

    DirectoryAccount.objects.update(
        checked_at=timezone.now() - timedelta(hours=settings.OIDC_ROLE_MAX_AGE_HOURS, minutes=1)
    )
    response = client.get("/api/v1/sources", headers=headers)
    assert response.status_code == 401 and "sign in on the dashboard again" in response.json()["error"]

    sign_in(client, oidc_signin, "pete")
    assert client.get("/api/v1/sources", headers=headers).status_code == 200
