"""MLS keeps only hour rollups (UTC): days, weeks and months are built from them in the display zone."""

from django.db import migrations, models


def delete_day_rollups(apps, schema_editor):
    apps.get_model("ingest", "MlsRollup").objects.filter(granularity="day").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0008_lstat_feature_server_optional"),
    ]

    operations = [
        # Day rollups were UTC days; nothing reads them any more. They cannot be rebuilt on the
        # way back, but the reports they fed no longer exist either.
        migrations.RunPython(delete_day_rollups, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="mlsrollup",
            name="granularity",
            field=models.CharField(choices=[("hour", "Hour")], max_length=4),
        ),
    ]
