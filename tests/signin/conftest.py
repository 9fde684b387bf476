import os

import pytest

from dashboard.signin.config import authentication_backends, ldap_settings
from tests.signin import slapd as directory


@pytest.fixture(scope="session")
def slapd():
    """The session's one OpenLDAP server (tests/signin/slapd.py)."""
    if not directory.available():
        if os.environ.get("REQUIRE_SLAPD"):
            pytest.fail("REQUIRE_SLAPD is set but slapd or ldapadd is missing (apt-get install slapd ldap-utils)")
        pytest.skip("Debian's slapd is not installed (apt-get install slapd ldap-utils); CI sets REQUIRE_SLAPD")
    server = directory.Slapd().start()
    yield server
    server.stop()


def use_ldap(settings, uri, **overrides):
    """Point the settings at an LDAP server, as dashboard/settings.py does from LDAP_* in the environment."""
    values = {
        "server_uri": uri,
        "bind_dn": directory.BIND_DN,
        "bind_password": directory.BIND_PASSWORD,
        "user_search_base": f"ou=people,{directory.BASE}",
        "group_search_base": f"ou=groups,{directory.BASE}",
        "group_type": "nested_group_of_names",
        "admin_group": directory.ADMINS,
        "viewer_group": directory.VIEWERS,
        "timeout": 2.0,
        **overrides,
    }
    for name, value in ldap_settings(**values).items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = authentication_backends(ldap=True, oidc=False, local_login=settings.LOCAL_LOGIN)


@pytest.fixture
def ldap_signin(slapd, settings, db):
    """Sign-in through the session's slapd; group changes a test makes are undone after it."""
    use_ldap(settings, slapd.uri)
    changes = []

    def member(group, username, present):
        slapd.member(group, username, present)
        changes.append((group, username, not present))

    slapd.change = member
    yield slapd
    for group, username, present in reversed(changes):
        slapd.member(group, username, present)


@pytest.fixture(scope="session")
def provider():
    """The session's OpenID provider on loopback (tests/signin/provider.py)."""
    from tests.signin.provider import Provider

    server = Provider().start()
    yield server
    server.stop()


def use_oidc(settings, discovery_url, **overrides):
    """Point the settings at an OpenID provider, as dashboard/settings.py does from OIDC_* in the environment."""
    from dashboard.signin.config import oidc_settings
    from tests.signin.provider import CLIENT_ID, CLIENT_SECRET

    values = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "discovery_url": discovery_url,
              "admin_group": "mb-admins", "viewer_group": "mb-viewers", "provider_name": "Example ID", "timeout": 2.0,
              **overrides}  # fmt: skip
    for name, value in oidc_settings(**values).items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = authentication_backends(ldap=False, oidc=True, local_login=settings.LOCAL_LOGIN)


@pytest.fixture
def oidc_signin(provider, settings, db):
    use_oidc(settings, f"{provider.url}/.well-known/openid-configuration")
    provider.users = {
        "olga": {"groups": ["mb-admins"], "given_name": "Olga", "family_name": "Owner"},
        "pete": {"groups": ["staff", "mb-viewers"], "given_name": "Pete", "family_name": "Reader"},
        "quinn": {"groups": ["staff"], "given_name": "Quinn", "family_name": "Outside"},
    }
    yield provider
