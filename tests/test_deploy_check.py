"""`manage.py check --deploy --fail-level WARNING` is clean with the production settings the README documents,
and `make run`'s settings (DEBUG=true) still serve plain HTTP on 127.0.0.1."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = str(Path(sys.executable).parent)


def readme_production_exports():
    """The `export` lines of the README's *Running in production* commands."""
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("## Running in production", 1)[1]
    commands = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    exports = [line for line in commands.splitlines() if line.startswith("export ")]
    assert any("SECRET_KEY" in line for line in exports) and any("ALLOWED_HOSTS" in line for line in exports)
    return exports


def production_env(tmp_path, **extra):
    """The environment those exports make (run by bash, `python` being ours), on an SQLite file.

    Nothing else of ours leaks in (DATABASE_URL, TEST_TIME_ZONE, ...); DEBUG is said off, as its default,
    so that a developer's .env cannot turn it on."""
    script = "\n".join(
        [
            *readme_production_exports(),
            f"exec {sys.executable} -c 'import json, os; print(json.dumps(dict(os.environ)))'",
        ]
    )
    base = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path)}
    made = subprocess.run(["bash", "-ec", script], env=base, capture_output=True, text=True, timeout=60, check=True)
    env = json.loads(made.stdout)
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DEBUG="false", **extra)
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_readme_production_settings(tmp_path):
    env = production_env(tmp_path)
    assert "SECURE_SSL_REDIRECT" not in env  # the defaults with DEBUG off are production's

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_mysql_time_zone_warning_does_not_fire_on_sqlite(tmp_path):
    env = production_env(tmp_path, TIME_ZONE="Asia/Kolkata")

    result = manage(env, "check", "--deploy", "--database", "default", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "ingest.W001" not in result.stdout + result.stderr


def test_turning_https_off_in_production_is_warned_about(tmp_path):
    env = production_env(tmp_path, SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0")

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps([s.DEBUG, "
    "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE]))"
)


def test_make_run_still_serves_plain_http_with_debug_on(tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "dashboard.settings"}
    env.update(DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env["FIELD_ENCRYPTION_KEYS"] = "dGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI="  # so no .meterboard-key is made

    result = subprocess.run([sys.executable, "-c", SHOW], cwd=BASE_DIR, env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [True, False, 0, False, False]
