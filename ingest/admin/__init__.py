"""Admin registrations: one module per vendor beside the core one."""

from . import bigfix, core, mls  # noqa: F401
