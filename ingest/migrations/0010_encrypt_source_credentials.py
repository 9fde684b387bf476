"""Source passwords and tokens encrypted at rest (Fernet, keys from FIELD_ENCRYPTION_KEYS)."""

from django.db import migrations

import ingest.crypto


def _rewrite(schema_editor, change):
    """Rewrite every stored password and token with CHANGE, in raw SQL (the field would decrypt on reading)."""
    connection = schema_editor.connection
    table = connection.ops.quote_name("ingest_source")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, password, token FROM {table}")
        rows = cursor.fetchall()
        for pk, password, token in rows:
            new = (change(password or ""), change(token or ""))
            if new != (password or "", token or ""):
                cursor.execute(f"UPDATE {table} SET password = %s, token = %s WHERE id = %s", [*new, pk])


def encrypt_plain(apps, schema_editor):
    _rewrite(schema_editor, lambda v: v if not v or v.startswith(ingest.crypto.PREFIX) else ingest.crypto.encrypt(v))


def decrypt_all(apps, schema_editor):
    _rewrite(schema_editor, ingest.crypto.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0009_mls_hour_rollups_only"),
    ]

    operations = [
        migrations.AlterField(
            model_name="source", name="password", field=ingest.crypto.EncryptedTextField(blank=True)
        ),
        migrations.AlterField(model_name="source", name="token", field=ingest.crypto.EncryptedTextField(blank=True)),
        migrations.RunPython(encrypt_plain, decrypt_all),
    ]
