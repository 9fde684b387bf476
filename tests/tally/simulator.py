"""Tally's API: two counters' hourly peaks, `history_days` of them up to `end`."""

from datetime import UTC, datetime, timedelta

from ingest.simulators.server import Response, Simulator
from ingest.vendors.params import parse_moment, utc_text

COUNTERS = {"alpha": 5, "beta": 3}  # counter: seats


class TallySimulator(Simulator):
    routes = [("GET", r"/api/hours", "hours")]
    test_history_days = 1

    def __init__(self, history_days=1, end=None, **options):
        super().__init__(**options)
        end = (end or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)
        self.rows = [
            {
                "counter": counter,
                "hour": utc_text(end - timedelta(hours=n)),
                "used": (n * 7) % (seats + 1),
                "seats": seats,
            }
            for n in range(history_days * 24, 0, -1)
            for counter, seats in COUNTERS.items()
        ]

    def demo_source(self, base_url):
        return {"kind": "tally", "base_url": base_url}

    def test_source(self, base_url):
        return {"kind": "tally", "name": "test-tally", "base_url": base_url}

    def hours(self, request):
        after, limit = request.arg("after", ""), int(request.arg("limit", "50"))
        newer = [h for h in self.rows if not after or parse_moment(h["hour"]) > parse_moment(after)]
        return Response({"hours": newer[:limit]})
