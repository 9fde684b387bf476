import pytest
from django.db import connection
from django.test import override_settings

from ingest.checks import mysql_time_zone_tables


@pytest.mark.django_db
def test_mysql_without_a_zone_it_can_convert_to_gets_a_warning_naming_the_fix():
    if connection.vendor != "mysql":
        assert mysql_time_zone_tables(databases=["default"]) == []
        return
    # A zone the server's tables cannot know stands in for a server without time zone tables.
    with override_settings(TIME_ZONE="Etc/GMT+3"):
        settings_zone_ok = mysql_time_zone_tables(databases=["default"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT CONVERT_TZ('2000-01-01 00:00:00', 'UTC', 'Etc/GMT+3')")
        loaded = cursor.fetchone()[0] is not None
    if loaded:
        assert settings_zone_ok == []
    else:
        (warning,) = settings_zone_ok
        assert warning.id == "ingest.W001"
        assert "mysql_tzinfo_to_sql" in warning.hint
