"""Admin registrations: the core ones here, each vendor's from its folder."""

from importlib import import_module

from ingest.vendors import VENDORS

from . import core  # noqa: F401

for _vendor in VENDORS:
    import_module(f"{_vendor.package}.admin")
