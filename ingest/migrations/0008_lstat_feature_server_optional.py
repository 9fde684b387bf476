"""A License Statistics feature fetched by id, without a feature list to read, has no known server."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0007_lstat_readable_names"),
    ]

    operations = [
        migrations.AlterField(
            model_name="lstatfeature",
            name="server",
            field=models.ForeignKey(
                blank=True,
                help_text="Unknown for a feature fetched by id from a License Statistics without a feature list.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="features",
                to="ingest.lstatserver",
            ),
        ),
    ]
