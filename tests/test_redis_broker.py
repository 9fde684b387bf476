"""Workers on several machines: a fetch queued on the Redis broker is run by a real django-q2 cluster.

The cluster is `manage.py qcluster` in a process of its own with REDIS_URL set (the broker is then Redis, as
dashboard/settings.py says), on this test's database (a file on SQLite: see settings_test), so the test commits
what the cluster must see (`transactional_db`). It also shows that chart data cached in this process is read
again once another process's fetch has committed new rows.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_q.conf import Conf
from django_q.models import OrmQ

from ingest.models import IngestRun
from ingest.services import run_fetch
from ingest.tasks import request_fetch
from ingest.vendors.mls.models import MlsRecord
from tests.conftest import MAC_A, SIM_END

BASE_DIR = Path(__file__).resolve().parent.parent
BROKER_URL = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/6")  # make test gives parallel runs their own
QCLUSTER = """
import sys
import django
from django.conf import settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]  # the test database, not the one it was made for
settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False, "workers": 1}
django.setup()
from django.core.management import call_command
call_command("qcluster")
"""
DAY = {"start": SIM_END.date().isoformat(), "end": SIM_END.date().isoformat(), "granularity": "hour"}


def redis_broker():
    import redis

    try:
        connection = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=0.5)
        connection.ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {BROKER_URL} ({exc}): the Redis broker cannot be tested")
    return connection


@pytest.fixture
def broker(monkeypatch):
    """This process queues on Redis (TEST_BROKER_URL), as a web process with REDIS_URL does; the queue starts empty."""
    redis_broker().flushdb()
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", BROKER_URL)
    yield
    redis_broker().flushdb()


@pytest.fixture
def cluster(broker):
    """`manage.py qcluster` on the Redis broker and this test's database; stopped as an operator would."""
    process = subprocess.Popen(
        [sys.executable, "-c", QCLUSTER, str(connection.settings_dict["NAME"])],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dashboard.settings_test", "REDIS_URL": BROKER_URL},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    yield process
    process.send_signal(signal.SIGTERM)  # the cluster stops its workers and exits
    try:
        output = process.communicate(timeout=30)[0]
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output = process.communicate()[0]
    print(output)


def wait_for_run(source, cluster, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        run = IngestRun.objects.filter(source=source, trigger="manual").exclude(status="running").first()
        if run is not None:
            return run
        if cluster.poll() is not None:
            pytest.fail(f"the cluster stopped: {cluster.stdout.read()}")
        if time.monotonic() > deadline:
            os.killpg(cluster.pid, signal.SIGTERM)
            pytest.fail(f"no fetch was run by the cluster within {timeout} s: {cluster.communicate(timeout=30)[0]}")
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_a_fetch_queued_on_the_redis_broker_is_run_by_the_cluster(sim, mls_source, cluster, viewer):
    simulator = sim.simulators["mls"]
    simulator.fixed_end = SIM_END.replace(hour=10)
    assert run_fetch(mls_source).status == "succeeded"  # here, before the cluster's fetch
    before = MlsRecord.objects.count()
    rows = viewer.get(f"/mls/{MAC_A}/", DAY).context["rows"]  # now cached in this process
    simulator.fixed_end = SIM_END.replace(hour=11)

    request_fetch(mls_source)
    run = wait_for_run(mls_source, cluster)

    assert run.status == "succeeded", run.error
    assert not OrmQ.objects.exists()  # queued on Redis, not in the database
    assert run.records_created == 2 * 60
    assert MlsRecord.objects.count() == before + 2 * 60
    after = viewer.get(f"/mls/{MAC_A}/", DAY).context["rows"]
    assert len(after) == len(rows) + 1  # the other process's fetch cleared this process's cached rows


BROKER = """
import django
django.setup()
from django_q.brokers import get_broker
print(type(get_broker()).__name__)
"""


@pytest.mark.parametrize(("redis_url", "broker_class"), [("", "ORM"), (BROKER_URL, "Redis")])
def test_the_broker_is_the_database_unless_redis_url_is_set(redis_url, broker_class):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dashboard.settings_test", "REDIS_URL": redis_url}
    done = subprocess.run([sys.executable, "-c", BROKER], cwd=BASE_DIR, env=env, capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [broker_class]
