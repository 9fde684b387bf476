"""A page of hours -> TallyCount rows (source, counter, hour, used, seats)."""

from ingest.vendors.params import parse_moment
from ingest.vendors.parsing import records


def hour_rows(payload, source_id, where):
    rows = []
    for record in records(payload.get("hours") if isinstance(payload, dict) else payload, where):
        moment = record.text("hour", required=True, max_length=40)
        try:
            hour = parse_moment(moment)
        except ValueError:
            record.fail(f"'hour' is not a time: {moment!r}")
        rows.append((source_id, record.text("counter", required=True, max_length=100), hour,
                     record.whole("used", minimum=0), record.whole("seats", minimum=0)))  # fmt: skip
    return rows
