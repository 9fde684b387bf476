"""Admin registrations: one module per vendor beside the core one."""

from . import bigfix, core, lstat, metering, mls  # noqa: F401
