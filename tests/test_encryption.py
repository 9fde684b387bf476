"""Source passwords and tokens are stored encrypted; keys rotate; a missing or wrong key says so clearly."""

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from ingest.crypto import DecryptionError
from ingest.models import Source
from ingest.services import source_save

PASSWORD, TOKEN = "hunter2-pa55word", "tok-0123456789abcdef"
OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored():
    with connection.cursor() as cursor:
        cursor.execute("select password, token from ingest_source")
        return cursor.fetchall()


def save_source():
    return source_save(
        kind="mls", name="enc", base_url="https://mls.example.com", username="portal", password=PASSWORD,
        token=TOKEN, params={"macaddresses": "00:1A:2B:3C:4D:5E"},
    )  # fmt: skip


@pytest.mark.django_db
def test_the_database_holds_no_plaintext_credentials():
    save_source()

    [(password, token)] = stored()
    assert PASSWORD not in password and TOKEN not in token
    assert password.startswith("fernet:") and token.startswith("fernet:")
    source = Source.objects.get()
    assert (source.password, source.token) == (PASSWORD, TOKEN)


@pytest.mark.django_db
def test_rotation_re_encrypts_with_the_first_key_and_the_old_one_can_go():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        save_source()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert Source.objects.get().password == PASSWORD  # old values still read while both keys are listed
        call_command("rotate_keys", stdout=open(os.devnull, "w"))

    [(password, _)] = stored()
    assert Fernet(NEW_KEY).decrypt(password.removeprefix("fernet:").encode()).decode() == PASSWORD
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        source = Source.objects.only("password", "token").get()  # (the columns later migrations add are not there yet)
        assert (source.password, source.token) == (PASSWORD, TOKEN)


@pytest.mark.django_db
def test_a_wrong_key_is_a_clear_error_naming_the_setting():
    save_source()

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]), pytest.raises(DecryptionError) as error:
        Source.objects.get()
    assert "FIELD_ENCRYPTION_KEYS" in str(error.value)
    assert PASSWORD not in str(error.value)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_credentials_stored_in_plain():
    try:
        migrate([("ingest", "0009_mls_hour_rollups_only")])
        with connection.cursor() as cursor:
            cursor.execute(
                "insert into ingest_source (kind, name, base_url, username, password, token, params, enabled, "
                "interval_minutes, created_at) values ('mls', 'old', 'http://x/', 'u', %s, %s, '{}', 1, 15, %s)",
                [PASSWORD, TOKEN, "2026-01-01 00:00:00"],
            )

        migrate([("ingest", "0010_encrypt_source_credentials")])

        [(password, token)] = stored()
        assert password.startswith("fernet:") and PASSWORD not in password and TOKEN not in token
        source = Source.objects.only("password", "token").get()  # (the columns later migrations add are not there yet)
        assert (source.password, source.token) == (PASSWORD, TOKEN)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def start_production(**env):
    """Import the production settings in a fresh process, as a server starting with DEBUG off would."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dashboard.settings", "DEBUG": "false", **env}
    env = {k: v for k, v in env.items() if v is not None}
    code = "import django; django.setup()"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


GOOD_SECRET = "Xq2pZ" * 12


def test_production_refuses_to_start_without_an_encryption_key():
    result = start_production(SECRET_KEY=GOOD_SECRET, FIELD_ENCRYPTION_KEYS=None)

    assert result.returncode != 0
    assert "ImproperlyConfigured: FIELD_ENCRYPTION_KEYS must be set" in result.stderr


def test_production_refuses_a_key_that_is_not_a_fernet_key():
    result = start_production(SECRET_KEY=GOOD_SECRET, FIELD_ENCRYPTION_KEYS="not-a-key")

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS: key 1 is not a Fernet key" in result.stderr


@pytest.mark.parametrize("secret_key", ["short-key", "a" * 60], ids=["short", "few-characters"])
def test_production_refuses_a_weak_secret_key(secret_key):
    result = start_production(SECRET_KEY=secret_key, FIELD_ENCRYPTION_KEYS=NEW_KEY)

    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_production_starts_with_a_strong_secret_key_and_a_key():
    result = start_production(SECRET_KEY=GOOD_SECRET, FIELD_ENCRYPTION_KEYS=f"{NEW_KEY},{OLD_KEY}")

    assert result.returncode == 0, result.stderr


def test_development_makes_one_local_key_readable_by_its_owner_only(tmp_path):
    from ingest.localkey import local_key

    key = local_key(tmp_path / ".meterboard-key")

    assert Fernet(key) and local_key(tmp_path / ".meterboard-key") == key
    assert (tmp_path / ".meterboard-key").stat().st_mode & 0o777 == 0o600


@pytest.mark.django_db
def test_the_database_check_names_a_key_that_does_not_decrypt_the_credentials():
    from ingest.checks import credentials_decrypt

    save_source()
    assert credentials_decrypt(databases=["default"]) == []

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        [error] = credentials_decrypt(databases=["default"])
    assert error.id == "ingest.E001" and "FIELD_ENCRYPTION_KEYS" in error.msg


def forms_of(secret):
    """The secret as a backup could spell it: plain, JSON- and unicode-escaped, URL-encoded, base64, hex."""
    import base64
    import json
    from urllib.parse import quote

    return [secret, json.dumps(secret)[1:-1], secret.encode("unicode_escape").decode(), quote(secret, safe=""),
            base64.b64encode(secret.encode()).decode()[:12], secret.encode().hex()]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_dumpdata_writes_credentials_encrypted_and_loaddata_takes_them_back(sim, mls_source, tmp_path, fmt):
    from ingest.models import IngestRun
    from ingest.services import run_fetch

    secret = Source.objects.get(pk=mls_source.pk).password
    backup = tmp_path / f"sources.{fmt}"

    call_command("dumpdata", "ingest.source", format=fmt, output=str(backup))

    text = backup.read_text()
    assert "fernet:" in text
    assert not [form for form in forms_of(secret) if form in text]
    Source.objects.all().delete()
    call_command("loaddata", str(backup), verbosity=0)
    restored = Source.objects.get(pk=mls_source.pk)
    assert restored.password == secret
    assert run_fetch(restored).status == IngestRun.Status.SUCCEEDED  # the simulator takes the restored password


@pytest.mark.django_db
def test_loaddata_of_a_credential_no_key_decrypts_fails_naming_the_setting(tmp_path):
    backup = tmp_path / "sources.json"
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):  # a backup of another install, with another key
        save_source()
        call_command("dumpdata", "ingest.source", output=str(backup))
        Source.objects.all().delete()

    with pytest.raises(Exception, match="FIELD_ENCRYPTION_KEYS"):
        call_command("loaddata", str(backup), verbosity=0)
