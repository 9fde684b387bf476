"""Storing BigFix pages: usage rows upserted on their natural key, and the software titles that name them."""

from ingest.db import upsert
from ingest.vendors.bigfix.models import BigfixSoftwareTitle, BigfixUsage

USAGE_COLUMNS = [
    "source", "software_title_id", "metric_name", "computer_system_id", "reporting_period_start_date",
    "reporting_period_end_date", "peak_value", "peak_date", "peak_time", "fetched_at",
]  # fmt: skip
USAGE_KEYS = ["source", "software_title_id", "metric_name", "computer_system_id", "reporting_period_start_date"]
TITLE_COLUMNS = ["source", "software_title_id", "name", "guid", "publisher_name", "publisher_guid"]
TITLE_KEYS = ["source", "software_title_id"]


def store_usages(page, source, usages, titles):
    """Upsert a page's usage rows (USAGE_COLUMNS order), counted on the run, and their titles, which are not."""
    # Titles ride along with their rows (same transaction) but are not counted as fetched records.
    upsert(BigfixSoftwareTitle, TITLE_COLUMNS, titles, keys=TITLE_KEYS)
    scope = BigfixUsage.objects.filter(
        source=source,
        computer_system_id__in={u[3] for u in usages},
        reporting_period_start_date__in={u[4] for u in usages},
    )
    page.upsert(BigfixUsage, USAGE_COLUMNS, usages, keys=USAGE_KEYS, scope=scope)
