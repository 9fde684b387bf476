from .core import Cursor, IngestRun, Source
from .mls import MlsRecord, MlsRollup

__all__ = ["Cursor", "IngestRun", "MlsRecord", "MlsRollup", "Source"]
