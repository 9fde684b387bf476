"""Each vendor's models were ingest's until the vendor became an app of its own (its label is its kind).

Their move is in state only (`SeparateDatabaseAndState`: each vendor's `0001_initial` creates its models, and
ingest's `0020_vendor_models_move_to_their_apps` deletes them from ingest, neither touching a table; the tables
keep their names through `Meta.db_table`), so an install upgrades with `migrate` and keeps every row. Their
content types move with them (`move_content_types`), so the permissions given on them and the admin's log
entries of them keep pointing at them.
"""

from django.db import migrations


def move_content_types(app_label, model_names):
    """The operation moving the content types of `model_names` from ingest to `app_label`, and back."""

    def forwards(apps, schema_editor):
        _move(apps, model_names, "ingest", app_label)

    def backwards(apps, schema_editor):
        _move(apps, model_names, app_label, "ingest")

    return migrations.RunPython(forwards, backwards)


def _move(apps, model_names, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for name in model_names:
        if not ContentType.objects.filter(app_label=old, model=name).exists():
            continue  # none was made yet (a database migrated in one go): `migrate` makes the new one
        # One made under the new label since (a `migrate` back and forth) holds only its default permissions,
        # which `migrate` makes again: the old one, which permissions were given on, is kept.
        ContentType.objects.filter(app_label=new, model=name).delete()
        ContentType.objects.filter(app_label=old, model=name).update(app_label=new)
