"""Stable pseudonyms for user and host names: the same name is the same pseudonym on every page, download,
email and API answer, and in the rows retention and forget_person rewrite.

An HMAC-SHA256 of the name under PSEUDONYM_KEY, a key of its own: rotating SECRET_KEY changes none of them,
and nobody without the key can tell which name a pseudonym stands for (with it, a guessed name can be checked).
"""

import hashlib
import hmac
import re

from django.conf import settings

KINDS = ("user", "host")
PATTERN = re.compile(r"(user|host)-[0-9a-f]{10}")


def pseudonym(kind, name):
    """`user-1a2b3c4d5e` for a user name (`host-...` for a host), whatever its case; blank stays blank, and a
    pseudonym (a name retention or forget_person already replaced) stays itself."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of name {kind!r}: choose one of {', '.join(KINDS)}")
    if not name or is_pseudonym(name):
        return name
    # case and surrounding blanks aside, as directories and MariaDB's collation compare names
    message = f"{kind}:{name.strip().casefold()}".encode()
    digest = hmac.new(settings.PSEUDONYM_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"{kind}-{digest[:10]}"


def is_pseudonym(name):
    return bool(PATTERN.fullmatch(name or ""))
