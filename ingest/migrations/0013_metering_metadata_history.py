# Location metadata kept over time: a row per value, from the window that first reported it to the last.
# Rows stored before keep their value, first seen when they were last seen.

from django.db import migrations, models
from django.db.models import F


def first_seen_is_last_seen(apps, schema_editor):
    apps.get_model("ingest", "MeteringLocationMetadata").objects.update(first_seen_at=F("seen_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0012_metering_raw"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="meteringlocationmetadata",
            name="metering_metadata_key",
        ),
        migrations.AddField(
            model_name="meteringlocationmetadata",
            name="first_seen_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(first_seen_is_last_seen, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="meteringlocationmetadata",
            name="first_seen_at",
            field=models.DateTimeField(help_text="End of the first fetch window that reported this value."),
        ),
        migrations.AlterField(
            model_name="meteringlocationmetadata",
            name="seen_at",
            field=models.DateTimeField(help_text="End of the last fetch window that reported this value."),
        ),
        migrations.AddConstraint(
            model_name="meteringlocationmetadata",
            constraint=models.UniqueConstraint(
                fields=("source", "tenant", "loc_id", "name", "first_seen_at"), name="metering_metadata_since"
            ),
        ),
    ]
