"""Admin registrations: one module per vendor beside the core one."""

from . import core, mls  # noqa: F401
