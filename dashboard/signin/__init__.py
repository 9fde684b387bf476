"""Sign-in: local accounts, LDAP / Active Directory (django-auth-ldap) and OpenID Connect (mozilla-django-oidc).

A directory decides each of its users' role (dashboard/roles.py: admin = staff, viewer = any active user) from
group membership at every login; `directory.py` holds that decision and the record (`DirectoryAccount`) that
lets API tokens keep their user's current role.
"""
