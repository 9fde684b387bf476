"""BigFix license_usages answers -> usage rows and software titles.

Reference: IBM BigFix Inventory / License Metric Tool REST API, "Retrieval of license usage"
(GET /api/sam/license_usages): each row has software_title_id, metric_name, computer_system_id,
peak_value, peak_date, peak_time, reporting_period_start_date and reporting_period_end_date, and, when
asked for with columns[], the hidden software_title_dimension {name, guid, publisher_name, publisher_guid}.

What the document leaves open is read in every form met, never guessed into a failure:
- the envelope: the document shows rows, not the answer around them. v1 servers answer a bare array,
  newer ones {"total": N, "rows": [...]}; `total` may be left out;
- peak_date and peak_time may be absent, null or blank (a period without a peak yet);
- the dimension is hidden unless asked for: a server that ignores columns[] answers rows without it, which are
  stored all the same (the reports name such a product by its id) and counted on the run; of the dimension
  only `name` is needed, and guid, publisher_name and publisher_guid may be absent.
Ids are BigIntegerFields; text longer than its column fails the page naming the row and field.
"""

from datetime import UTC

from ingest.errors import PayloadError
from ingest.vendors.parsing import Record, one_record, records

DIMENSION = "software_title_dimension"
ROW_KEYS = ("rows",)  # where a wrapped answer carries its rows


def page_rows(body, offset):
    """(rows, total or None) of one answer, bare array or wrapped."""
    where = f"BigFix license_usages at offset {offset}"
    if isinstance(body, list):
        return body, None
    if isinstance(body, dict):
        key = next((k for k in ROW_KEYS if isinstance(body.get(k), list)), None)
        if key is not None:
            total = one_record(body, where, what="answer").whole("total", required=False, minimum=0)
            return body[key], total
    raise PayloadError(
        f'{where}: expected a JSON array of rows or {{"total": N, "rows": [...]}}, got {type(body).__name__}'
        + (f" with keys {', '.join(sorted(map(str, body)))[:120]}" if isinstance(body, dict) else "")
    )


def parse_page(rows, source_id, offset, fetched_at):
    """Validate one page; return its usage rows (USAGE_COLUMNS order), its software titles (one per id) and
    how many rows came without the software_title_dimension."""
    usages, titles, unnamed = [], {}, 0
    for r in records(rows, "BigFix license_usages", what="row", first=offset):
        usage = usage_row(r, source_id, fetched_at)
        usages.append(usage)
        title = title_row(r, source_id, usage[1])
        if title is None:
            unnamed += 1
        else:
            titles[usage[1]] = title
    return usages, list(titles.values()), unnamed


def usage_row(r, source_id, fetched_at):
    start, end = r.date("reporting_period_start_date"), r.date("reporting_period_end_date")
    if end < start:
        r.fail(f"reporting period ends ({end}) before it starts ({start})")
    return (
        source_id,
        r.whole("software_title_id", big=True),
        r.text("metric_name", required=True, max_length=50),
        r.whole("computer_system_id", big=True),
        start,
        end,
        r.number("peak_value", minimum=0),
        r.date("peak_date", required=False),
        r.instant("peak_time", required=False, zone=UTC),
        fetched_at,
    )


def title_row(r, source_id, title_id):
    """(source, id, name, guid, publisher_name, publisher_guid) from the hidden dimension; None without it."""
    dimension = r.get(DIMENSION)
    if dimension is None or (isinstance(dimension, dict) and dimension.get("name") is None):
        return None  # a server that ignores columns[] for hidden columns
    if not isinstance(dimension, dict):
        r.fail(f"'{DIMENSION}' is {type(dimension).__name__}, not an object")
    d = Record(dimension, r.where, f"{r.label} {DIMENSION}")
    return (
        source_id,
        title_id,
        d.text("name", required=True, max_length=300),
        d.text("guid", max_length=64),
        d.text("publisher_name", max_length=300),
        d.text("publisher_guid", max_length=64),
    )
