"""HTTP to the Tally API: GET /api/hours?after=CURSOR&limit=N, a page of counters' hours after a cursor."""

from ingest.http import HttpClient


class TallyClient:
    def __init__(self, source):
        self.http = HttpClient(source.base_url, secrets=source.secrets())

    def get_hours(self, after, limit):
        return self.http.get_json("/api/hours", params={"after": after, "limit": limit})
