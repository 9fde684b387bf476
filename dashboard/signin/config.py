"""The sign-in settings, built from the environment by dashboard/settings.py (and by the tests, for their servers).

Nothing here is read unless LDAP_SERVER_URI or OIDC_RP_CLIENT_ID is set: without them Meterboard signs in
local accounts only, as before.
"""

from django.core.exceptions import ImproperlyConfigured

LOCAL_LOGIN_CHOICES = ("everyone", "superusers")
LDAP_GROUP_TYPES = {
    # name: (django-auth-ldap group type class, the filter that finds groups)
    "group_of_names": ("GroupOfNamesType", "(objectClass=groupOfNames)"),
    "nested_group_of_names": ("NestedGroupOfNamesType", "(objectClass=groupOfNames)"),
    "group_of_unique_names": ("GroupOfUniqueNamesType", "(objectClass=groupOfUniqueNames)"),
    "posix": ("PosixGroupType", "(objectClass=posixGroup)"),
    "active_directory": ("ActiveDirectoryGroupType", "(objectClass=group)"),
    # AD's LDAP_MATCHING_RULE_IN_CHAIN: membership through groups in groups, in one query
    "nested_active_directory": ("NestedActiveDirectoryGroupType", "(objectClass=group)"),
}


def ldap_settings(
    *, server_uri, user_search_base, admin_group, viewer_group, bind_dn="", bind_password="",
    user_filter="(uid=%(user)s)", group_search_base="", group_type="group_of_names", start_tls=False,
    ca_cert_file="", timeout=5.0, role_check_minutes=15,
):  # fmt: skip
    """django-auth-ldap's AUTH_LDAP_* settings and Meterboard's LDAP_* ones, for `vars().update(...)`."""
    import ldap
    from django_auth_ldap import config

    if not user_search_base or not admin_group or not viewer_group:
        raise ImproperlyConfigured(
            "LDAP_SERVER_URI is set: set LDAP_USER_SEARCH_BASE, LDAP_ADMIN_GROUP and LDAP_VIEWER_GROUP too."
        )
    if group_type not in LDAP_GROUP_TYPES:
        raise ImproperlyConfigured(f"LDAP_GROUP_TYPE must be one of {', '.join(LDAP_GROUP_TYPES)}, not {group_type!r}")
    if "%(user)s" not in user_filter:
        raise ImproperlyConfigured("LDAP_USER_FILTER must hold %(user)s, e.g. (sAMAccountName=%(user)s)")
    type_name, group_filter = LDAP_GROUP_TYPES[group_type]
    options = {
        ldap.OPT_NETWORK_TIMEOUT: timeout,  # a directory that does not answer fails the login, never hangs it
        ldap.OPT_TIMEOUT: timeout,
        ldap.OPT_REFERRALS: 0,  # AD's referrals would need other credentials; searches stay on the server asked
    }
    if ca_cert_file:
        options.update({ldap.OPT_X_TLS_CACERTFILE: ca_cert_file, ldap.OPT_X_TLS_NEWCTX: 0})
    return {
        "AUTH_LDAP_SERVER_URI": server_uri,
        "AUTH_LDAP_BIND_DN": bind_dn,
        "AUTH_LDAP_BIND_PASSWORD": bind_password,
        "AUTH_LDAP_START_TLS": start_tls,
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
        "AUTH_LDAP_USER_SEARCH": config.LDAPSearch(user_search_base, ldap.SCOPE_SUBTREE, user_filter),
        "AUTH_LDAP_GROUP_SEARCH": config.LDAPSearch(
            group_search_base or user_search_base, ldap.SCOPE_SUBTREE, group_filter
        ),
        "AUTH_LDAP_GROUP_TYPE": getattr(config, type_name)(),
        "AUTH_LDAP_USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn", "email": "mail"},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,  # name, email and role from the directory at every login
        "AUTH_LDAP_CACHE_TIMEOUT": 0,  # group membership is asked afresh each time
        "LDAP_ADMIN_GROUP": admin_group,
        "LDAP_VIEWER_GROUP": viewer_group,
        "LDAP_ROLE_CHECK_MINUTES": role_check_minutes,
    }


def oidc_settings(
    *, client_id, client_secret, discovery_url="", authorization_endpoint="", token_endpoint="", userinfo_endpoint="",
    jwks_endpoint="", admin_group, viewer_group, groups_claim="groups", username_claim="preferred_username",
    provider_name="single sign-on", scopes="openid email profile", sign_algo="RS256", timeout=10.0,
    role_max_age_hours=12,
):  # fmt: skip
    """mozilla-django-oidc's OIDC_* settings and Meterboard's own, for `vars().update(...)`."""
    endpoints = (authorization_endpoint, token_endpoint, userinfo_endpoint, jwks_endpoint)
    if not client_secret or not admin_group or not viewer_group:
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID is set: set OIDC_RP_CLIENT_SECRET, OIDC_ADMIN_GROUP and OIDC_VIEWER_GROUP too."
        )
    if not discovery_url and not all(endpoints):
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID is set: set OIDC_DISCOVERY_URL (the provider's .well-known/openid-configuration), "
            "or all four of OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT and "
            "OIDC_OP_JWKS_ENDPOINT."
        )
    return {
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": client_secret,
        "OIDC_DISCOVERY_URL": discovery_url,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": authorization_endpoint,
        "OIDC_OP_TOKEN_ENDPOINT": token_endpoint,
        "OIDC_OP_USER_ENDPOINT": userinfo_endpoint,
        "OIDC_OP_JWKS_ENDPOINT": jwks_endpoint,
        "OIDC_RP_SIGN_ALGO": sign_algo,
        "OIDC_RP_SCOPES": scopes,
        "OIDC_TIMEOUT": timeout,
        "OIDC_USE_PKCE": True,
        "OIDC_AUTHENTICATE_CLASS": "dashboard.signin.oidc.SignInRequestView",
        "OIDC_CALLBACK_CLASS": "dashboard.signin.oidc.SignInCallbackView",
        "LOGIN_REDIRECT_URL_FAILURE": "login",
        "OIDC_ADMIN_GROUP": admin_group,
        "OIDC_VIEWER_GROUP": viewer_group,
        "OIDC_GROUPS_CLAIM": groups_claim,
        "OIDC_USERNAME_CLAIM": username_claim,
        "OIDC_PROVIDER_NAME": provider_name,
        "OIDC_ROLE_MAX_AGE_HOURS": role_max_age_hours,
    }


def authentication_backends(*, ldap, oidc, local_login="everyone"):
    """AUTHENTICATION_BACKENDS: the directories first, then local accounts (the break-glass admin when they fail)."""
    if local_login not in LOCAL_LOGIN_CHOICES:
        raise ImproperlyConfigured(f"LOCAL_LOGIN must be everyone or superusers, not {local_login!r}")
    if local_login == "superusers" and not (ldap or oidc):
        raise ImproperlyConfigured("LOCAL_LOGIN=superusers needs a directory: set LDAP_SERVER_URI or OIDC_RP_CLIENT_ID")
    return [
        *(["dashboard.signin.ldap.DirectoryLDAPBackend"] if ldap else []),
        *(["dashboard.signin.oidc.DirectoryOIDCBackend"] if oidc else []),
        "dashboard.signin.local.LocalBackend",
    ]
