import os

import pytest

from signin.config import authentication_backends, ldap_settings
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
