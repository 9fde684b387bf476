"""The core models; each vendor's own models load from its folder, in registry order."""

from importlib import import_module

from ingest.vendors import VENDORS

from .core import Cursor, IngestRun, Source

for _vendor in VENDORS:
    import_module(f"{_vendor.package}.models")

__all__ = ["Cursor", "IngestRun", "Source"]
