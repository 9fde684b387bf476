"""Test settings: the real settings with fast, inline and quiet parts swapped in."""

import atexit
import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("PSEUDONYM_KEY", "test-only-pseudonym-key")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "dGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI=")

from dashboard.settings import *  # noqa: E402,F403
from dashboard.settings import DATABASES, Q_CLUSTER, STORAGES  # noqa: E402

# Tally, the test vendor (tests/tally/): a fifth vendor registered for the test session only.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.tally"]  # noqa: F405

# The test client speaks plain HTTP (tests/test_deploy_check.py checks the production defaults).
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
# Retries and timeouts short enough to test without waiting.
FETCH_RETRIES = 2
FETCH_BACKOFF = 0.01
FETCH_READ_TIMEOUT = 1.0
FETCH_CONNECT_TIMEOUT = 1.0
# Pages are rendered on every request, so that tests read each response's context: tests/test_page_cache.py
# turns the page cache on, and checks it.
PAGE_CACHE_SECONDS = 0
# The display zone the suite runs in: `make test` runs it in UTC, in a zone with DST
# (America/New_York) and in one with a half-hour offset (Asia/Kolkata).
TIME_ZONE = os.environ.get("TEST_TIME_ZONE", "UTC")
# SQLite's test database is a file, not memory: the crash tests run fetches in processes of their own on it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _TEST_DB = os.path.join(tempfile.gettempdir(), f"meterboard-test-{os.getpid()}.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": _TEST_DB}
    # Django removes the database file when the tests end, but not the WAL files a connection left open keeps.
    atexit.register(lambda: [os.remove(f) for f in (f"{_TEST_DB}-wal", f"{_TEST_DB}-shm") if os.path.exists(f)])
