"""Admin registrations of the core models (each vendor's app registers its own, in its admin.py)."""

from . import core  # noqa: F401
