"""Start-up checks of the deployment around the code."""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import connection
from django.db.utils import DatabaseError


@register("database", deploy=False)
def mysql_time_zone_tables(app_configs=None, databases=None, **kwargs):
    """MySQL/MariaDB need their time zone tables for date queries in a display zone other than UTC.

    Without them CONVERT_TZ returns NULL, so the admin's date drill-down finds nothing.
    """
    if connection.vendor != "mysql" or settings.TIME_ZONE == "UTC" or not databases:
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT CONVERT_TZ('2000-01-01 00:00:00', 'UTC', %s)", [settings.TIME_ZONE])
            (converted,) = cursor.fetchone()
    except DatabaseError:
        return []
    if converted is not None:
        return []
    return [
        Warning(
            f"The database has no time zone tables, so it cannot convert dates to TIME_ZONE={settings.TIME_ZONE}.",
            hint="Load them once: mysql_tzinfo_to_sql /usr/share/zoneinfo | mysql -u root mysql",
            id="ingest.W001",
        )
    ]


@register("database", deploy=False)
def credentials_decrypt(app_configs=None, databases=None, **kwargs):
    """Every stored source credential decrypts with FIELD_ENCRYPTION_KEYS (a wrong or dropped key says so here,
    at `migrate` or `check --database default`, rather than as an error page)."""
    from ingest.crypto import DecryptionError
    from ingest.models import Source

    if not databases:
        return []
    try:
        list(Source.objects.only("name", "password", "token"))
    except DecryptionError as exc:
        return [
            Error(str(exc), hint="Add the key they were encrypted with to FIELD_ENCRYPTION_KEYS.", id="ingest.E001")
        ]
    except DatabaseError:
        return []  # not migrated yet
    return []
