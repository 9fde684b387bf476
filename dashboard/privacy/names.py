"""Who sees people's real names (NAMES_VISIBLE_TO), and the one helper every report's rows go through.

A report view asks `names_for(request.user)` once and hands the result to the selectors that name people
(`names=`); they show each user and host name as that viewer may see it. The page, its CSV/XLSX/PDF, its email
(rendered as the subscription's owner) and its API answer (as the token's user) read the same rows, so a
person is the same pseudonym everywhere, and counts and charts (built from those rows) stay exact.
"""

import functools
from dataclasses import dataclass

from django.conf import settings

from dashboard.privacy.pseudonyms import pseudonym
from dashboard.roles import is_admin

PERMISSION = "privacy.view_personal_names"


def names_visible(user):
    """May `user` (None: nobody, as an email without an owner) see real user and host names?"""
    who = settings.NAMES_VISIBLE_TO
    if who == "everyone":
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return is_admin(user) if who == "admins" else user.has_perm(PERMISSION)


@dataclass(frozen=True)
class Names:
    """People's names as one viewer sees them: real, or pseudonyms."""

    visible: bool = True

    def user(self, name):
        return name if self.visible else pseudonym("user", name)

    def host(self, name):
        return name if self.visible else pseudonym("host", name)

    def rows(self, rows, **kinds):
        """The rows (dicts) with each key of `kinds` ("user" or "host") shown as the viewer may see it."""
        if self.visible or not kinds:
            return rows
        return [{**row, **{key: pseudonym(kind, row[key]) for key, kind in kinds.items()}} for row in rows]

    def matches(self, text, *names):
        """Does `text` (a filter typed on a page) occur in one of the names as this viewer sees them?"""
        text = text.casefold()
        return any(text in (name or "").casefold() for name in names)


SHOWN = Names(visible=True)


def names_for(user):
    return Names(visible=names_visible(user))


def personal(**kinds):
    """A selector whose rows (dicts) name people under `kinds` ({"user": "user", "host": "host"}): called with
    `names=` (a Names) it shows them as that viewer may; without, as stored (for figures that name nobody)."""

    def decorate(selector):
        @functools.wraps(selector)
        def wrapper(*args, names=SHOWN, **kwargs):
            return names.rows(selector(*args, **kwargs), **kinds)

        return wrapper

    return decorate
