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
The Import-* headers of each answer say whether BigFix is importing (`import_state`).
"""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from django.utils import timezone

from ingest.errors import PayloadError
from ingest.vendors.parsing import Record, one_record, records

DIMENSION = "software_title_dimension"
ROW_KEYS = ("rows",)  # where a wrapped answer carries its rows
IMPORT_MODES = {"none", "idle", "running", "pending"}


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


def import_state(headers):
    """The Import-* headers as run details, with a one-line summary for the Sources page."""
    mode = (headers.get("Import-Mode") or "").strip().lower()
    if not mode:
        return None
    if mode not in IMPORT_MODES:
        raise PayloadError(f"BigFix answered Import-Mode {mode!r}; expected one of {', '.join(sorted(IMPORT_MODES))}")
    progress = headers.get("Import-Progress")
    if progress is not None:
        try:
            progress = float(progress.strip().rstrip("%"))
        except ValueError:
            raise PayloadError(f"BigFix answered Import-Progress {progress!r}, not a percentage") from None
        progress = int(progress) if progress.is_integer() else progress
    status = (headers.get("Import-Last-Status") or "").strip().lower() or None
    try:
        success = parse_time(headers.get("Import-Last-Success-Time"))
    except ValueError as exc:
        raise PayloadError(f"BigFix answered Import-Last-Success-Time {exc}") from None
    state = {
        "import_mode": mode,
        "import_progress": progress,
        "import_last_status": status,
        "import_last_success_time": success.isoformat() if success else None,
    }
    state["import_summary"] = import_summary(mode, progress, status, success)
    return state


def import_summary(mode, progress, status, success):
    if mode == "none":
        return "BigFix has never imported data"
    if mode == "running":
        return f"BigFix import running, {progress} %" if progress is not None else "BigFix import running"
    text = "BigFix import pending (a change waits for the next import)" if mode == "pending" else "BigFix import idle"
    if status == "failed":
        text += "; the last import failed"
    if success:
        text += f"; last successful import {timezone.localtime(success):%Y-%m-%d %H:%M %Z}"
    return text


def parse_time(value):
    """'Mon, 23 Jun 2014 12:18:29 GMT' (the seed's sample) or '2014-06-18T04:00:29Z' (its table) -> UTC."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            raise ValueError(f"{value!r}, not a date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
