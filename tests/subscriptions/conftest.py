from datetime import UTC, datetime

import pytest

from tests.conftest import MAC_A

REPORT = f"/mls/{MAC_A}/?granularity=day"
# A send just after the simulators' history ends: "last 7 days" is 25 Feb – 3 Mar 2026.
SEND_AT = datetime(2026, 3, 4, 12, 30, tzinfo=UTC)


@pytest.fixture
def no_chromium(settings):
    """Charts cannot be drawn: no Chromium where CHROMIUM points."""
    settings.CHROMIUM = "/nonexistent/chromium"
