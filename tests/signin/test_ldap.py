"""LDAP sign-in against a real OpenLDAP (tests/signin/slapd.py): passwords, roles from (nested) groups at every
login, a directory that is down, the break-glass admin, and API tokens that follow group changes."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from dashboard.signin.config import authentication_backends, ldap_settings
from dashboard.signin.models import DirectoryAccount
from reports.api.tokens import token_create
from tests.signin.conftest import use_ldap
from tests.signin.slapd import ADMINS, VIEWERS, free_port, password

WRONG = "Your username and password didn't match."


def login(client, username, secret=None):
    return client.post("/login/", {"username": username, "password": secret or password(username)})


def test_an_admin_group_member_signs_in_as_admin_with_name_and_email_from_the_directory(ldap_signin, client):
    assert login(client, "alice").status_code == 302

    user = User.objects.get(username="alice")
    assert (user.is_staff, user.is_superuser, user.is_active) == (True, True, True)
    assert (user.first_name, user.last_name, user.email) == ("Alice", "Admin", "alice@example.org")
    assert not user.has_usable_password()
    assert client.get("/admin/").status_code == 200
    assert user.directory_account.role == DirectoryAccount.ADMIN


@pytest.mark.parametrize("username", ["bob", "carol"])  # carol through a group inside the viewers' group
def test_a_viewer_group_member_signs_in_as_viewer(ldap_signin, client, username):
    assert login(client, username).status_code == 302

    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 403
    assert not User.objects.get(username=username).is_staff


def test_a_wrong_password_and_an_unknown_user_are_refused_alike(ldap_signin, client):
    for username, secret in [("bob", "not-bobs-password"), ("nobody", "whatever-pass-1")]:
        response = login(client, username, secret)
        assert response.status_code == 200 and WRONG in response.content.decode()
    assert not User.objects.filter(username="nobody").exists()


def test_a_user_in_no_group_is_refused_with_a_message_saying_so(ldap_signin, client):
    response = login(client, "dave")

    page = response.content.decode()
    assert response.status_code == 200 and "in none of Meterboard&#x27;s groups" in page and WRONG not in page
    assert "cn=meterboard-viewers,ou=groups,dc=example,dc=org" in page
    assert not User.objects.get(username="dave").is_active
    assert client.get("/").status_code == 302


def test_group_changes_between_logins_change_the_role(ldap_signin, client):
    login(client, "erin")
    assert not User.objects.get(username="erin").is_staff

    ldap_signin.change(ADMINS, "erin", True)
    login(client, "erin")
    assert User.objects.get(username="erin").is_staff

    ldap_signin.change(ADMINS, "erin", False)
    ldap_signin.change(VIEWERS, "erin", False)
    assert "in none of Meterboard" in login(client, "erin").content.decode()
    assert client.get("/").status_code == 302  # the session that was open ended with the role


def test_a_directory_that_is_down_says_so_and_the_local_break_glass_admin_still_signs_in(slapd, settings, client, db):
    use_ldap(settings, f"ldap://127.0.0.1:{free_port()}")
    User.objects.create_superuser("rescue", password="rescue-pass-123")

    response = login(client, "bob")
    assert response.status_code == 200 and "The directory could not be reached" in response.content.decode()

    assert login(client, "rescue", "rescue-pass-123").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_bind_password_says_the_directory_refused_meterboards_query(ldap_signin, settings, client):
    use_ldap(settings, ldap_signin.uri, bind_password="not-the-bind-password")

    page = login(client, "bob").content.decode()

    assert "refused Meterboard&#x27;s own query" in page and "not-the-bind-password" not in page


def test_a_local_superuser_is_never_taken_over_by_a_directory_user_of_its_name(ldap_signin, client):
    User.objects.create_superuser("alice", password="local-alice-pass-1")

    assert login(client, "alice").status_code == 200  # the directory's password
    assert login(client, "alice", "local-alice-pass-1").status_code == 302
    assert not DirectoryAccount.objects.exists()


def test_local_login_superusers_refuses_other_local_accounts_with_a_message(ldap_signin, settings, client):
    settings.LOCAL_LOGIN = "superusers"
    User.objects.create_user("local-viewer", password="local-viewer-pass-1")
    User.objects.create_superuser("rescue", password="rescue-pass-123")

    page = login(client, "local-viewer", "local-viewer-pass-1").content.decode()
    assert "Local sign-in is kept for Meterboard&#x27;s break-glass admins" in page
    assert WRONG in login(client, "local-viewer", "a-wrong-pass-1").content.decode()
    assert login(client, "rescue", "rescue-pass-123").status_code == 302
    assert login(client, "bob").status_code == 302  # directory users are unaffected


def _api(client, secret):
    return client.get("/api/v1/sources", headers={"authorization": f"Bearer {secret}"})


def _age(username, minutes):
    DirectoryAccount.objects.filter(user__username=username).update(
        checked_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_an_api_token_loses_access_when_its_user_leaves_the_groups_at_the_next_check(ldap_signin, client, settings):
    login(client, "erin")
    _, secret = token_create(user=User.objects.get(username="erin"), name="laptop")
    assert _api(client, secret).status_code == 200

    ldap_signin.change(VIEWERS, "erin", False)
    assert _api(client, secret).status_code == 200  # asked again only LDAP_ROLE_CHECK_MINUTES after the last answer
    _age("erin", settings.LDAP_ROLE_CHECK_MINUTES + 1)
    response = _api(client, secret)

    assert response.status_code == 403 and "no longer in a Meterboard group" in response.json()["error"]
    assert _api(client, secret).status_code == 401  # the user is inactive now


def test_an_api_token_follows_a_promotion_and_a_directory_that_is_down_answers_503(ldap_signin, client, settings):
    login(client, "erin")
    _, secret = token_create(user=User.objects.get(username="erin"), name="laptop")
    ldap_signin.change(ADMINS, "erin", True)
    _age("erin", settings.LDAP_ROLE_CHECK_MINUTES + 1)

    assert _api(client, secret).status_code == 200
    assert User.objects.get(username="erin").is_staff

    use_ldap(settings, f"ldap://127.0.0.1:{free_port()}")
    _age("erin", settings.LDAP_ROLE_CHECK_MINUTES + 1)
    response = _api(client, secret)
    assert response.status_code == 503 and "directory could not be reached" in response.json()["error"]


def test_without_ldap_server_uri_only_local_accounts_sign_in(settings):
    assert authentication_backends(ldap=False, oidc=False) == ["dashboard.signin.local.LocalBackend"]
    assert not hasattr(settings, "AUTH_LDAP_SERVER_URI")
    with pytest.raises(ImproperlyConfigured, match="LOCAL_LOGIN=superusers needs a directory"):
        authentication_backends(ldap=False, oidc=False, local_login="superusers")
    with pytest.raises(ImproperlyConfigured, match="LDAP_ADMIN_GROUP"):
        ldap_settings(server_uri="ldap://x", user_search_base="dc=x", admin_group="", viewer_group="")
