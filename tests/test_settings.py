"""Settings read from the environment as the README says (each case starts the real settings in a process)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
KEY = "dGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI="


def setting(name, **environ):
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    env.update(DJANGO_SETTINGS_MODULE="dashboard.settings", DEBUG="true", FIELD_ENCRYPTION_KEYS=KEY, **environ)
    done = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print(settings.{name})"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


@pytest.mark.parametrize(
    "environ, path",
    [
        ({"EMAIL_URL": "filemail:///var/mail/meterboard"}, "/var/mail/meterboard"),
        ({"EMAIL_URL": "filemail:///var/mail/meterboard", "EMAIL_FILE_PATH": "/elsewhere"}, "/var/mail/meterboard"),
        ({"EMAIL_URL": "filemail://", "EMAIL_FILE_PATH": "/elsewhere"}, "/elsewhere"),
        ({"EMAIL_URL": "filemail://"}, str(BASE_DIR / "sent-emails")),
    ],
    ids=["url-path", "url-path-wins", "file-path-setting", "default"],
)
def test_filemail_writes_where_its_url_says_else_where_email_file_path_says(environ, path):
    assert setting("EMAIL_FILE_PATH", **environ) == path
