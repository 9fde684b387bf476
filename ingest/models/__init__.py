from .bigfix import BigfixSoftwareTitle, BigfixUsage  # noqa: F401
from .core import Cursor, IngestRun, Source
from .lstat import LstatFeature, LstatServer, LstatSession, LstatSnapshot, LstatTopUser, LstatUsage  # noqa: F401
from .metering import MeteringEvent, MeteringHourSummary, MeteringInterval, MeteringLocationMetadata  # noqa: F401
from .mls import MlsRecord, MlsRollup, MlsSupervisor

__all__ = ["Cursor", "IngestRun", "MlsRecord", "MlsRollup", "MlsSupervisor", "Source"]
