"""License Statistics' raw rows are read-only in the admin."""

import pytest
from django.urls import reverse

from ingest.services import run_fetch
from ingest.vendors.lstat.models import LstatSession, LstatUsage

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", password="root-pass-123")
    client.force_login(user)
    return client


def test_usage_rows_and_sessions_are_shown_but_cannot_be_changed(admin_client, lstat_clock, lstat_source):
    run_fetch(lstat_source)
    usage = LstatUsage.objects.filter(granularity="day").first()
    session = LstatSession.objects.first()

    assert admin_client.get(reverse("admin:lstat_lstatusage_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:lstat_lstatusage_change", args=[usage.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    posted = admin_client.post(reverse("admin:lstat_lstatusage_change", args=[usage.pk]), {"used_max": 999})
    assert posted.status_code == 403
    assert (
        admin_client.post(reverse("admin:lstat_lstatsession_delete", args=[session.pk]), {"post": "yes"}).status_code
        == 403
    )
    usage.refresh_from_db()
    assert usage.used_max != 999 and LstatSession.objects.filter(pk=session.pk).exists()
