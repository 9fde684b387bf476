"""The core models: sources, their runs and cursors (each vendor's models are its own app's)."""

from .core import Cursor, IngestRun, Source

__all__ = ["Cursor", "IngestRun", "Source"]
