"""Each vendor's models leave ingest's state for their vendor's app (its 0001_initial): no table changes.

See ingest/vendors/moved.py. Alert rules' foreign keys to License Statistics features and MLS supervisors, which
reports' 0008 turns into (kind, key) and back, are read while the models are still ingest's: this runs after it.
"""

from django.db import migrations

# Children before their parents, so that no model left in the state points at one deleted.
MOVED = [
    "MlsRecord", "MlsRollup", "MlsSupervisor",
    "BigfixSoftwareTitle", "BigfixUsage",
    "LstatUsage", "LstatSession", "LstatTopUser", "LstatFeature", "LstatServer", "LstatSnapshot",
    "MeteringEvent", "MeteringHourSummary", "MeteringInterval", "MeteringLocation", "MeteringLocationMetadata",
]  # fmt: skip


class Migration(migrations.Migration):

    dependencies = [
        ('ingest', '0019_source_kind_from_registry'),
        ('reports', '0008_alert_rule_watches_a_vendors_thing'),
        ('mls', '0001_initial'),
        ('bigfix', '0001_initial'),
        ('lstat', '0001_initial'),
        ('metering', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
            database_operations=[],
        ),
    ]
