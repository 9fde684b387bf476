"""License Statistics fields under readable names instead of the vendor's codes; the data stays as it is."""

from django.db import migrations, models

RENAMES = {
    "lstatfeature": {"ftype": "feature_type"},
    "lstatusage": {
        "lud": "period_label",
        "lumin": "used_min",
        "lua": "used_avg",
        "lumax": "used_max",
        "lbmin": "borrowed_min",
        "lbmax": "borrowed_max",
        "ldtc": "denials",
        "hu": "hours_used",
        "ft": "total_seats",
        "fns": "feature_name",
        "fv": "feature_version",
        "ftype": "feature_type",
    },
    "lstatsession": {
        "lsn": "server_name",
        "fns": "feature_name",
        "fv": "feature_version",
        "ftype": "feature_type",
        "uid": "user_id",
        "un": "user",
        "hn": "host",
        "lco": "checked_out_at",
    },
    "lstattopuser": {"un": "user"},
}
LICENSES_HELP = "Licenses held, as the older or the newer response shape names them."


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0006_ingestrun_ordering"),
    ]

    operations = [
        *(
            migrations.RenameField(model_name=model, old_name=old, new_name=new)
            for model, fields in RENAMES.items()
            for old, new in fields.items()
        ),
        migrations.AlterField(
            model_name="lstatsession",
            name="licenses",
            field=models.IntegerField(help_text=LICENSES_HELP),
        ),
        migrations.AlterField(
            model_name="lstattopuser",
            name="licenses",
            field=models.IntegerField(help_text=LICENSES_HELP),
        ),
    ]
