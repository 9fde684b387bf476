"""Raw vendor rows are shown in the admin but never added, changed or deleted there: rollups are built from them."""

import pytest
from django.contrib import admin
from django.urls import reverse

from ingest.admin.readonly import RawRowsAdmin
from ingest.services import run_fetch
from ingest.vendors.bigfix.models import BigfixUsage
from ingest.vendors.metering.models import MeteringEvent, MeteringHourSummary, MeteringInterval
from ingest.vendors.mls.models import MlsRecord, MlsRollup

pytestmark = pytest.mark.django_db

RAW_MODELS = [MlsRecord, MlsRollup, BigfixUsage, MeteringEvent, MeteringInterval, MeteringHourSummary]


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="root-pass-123"))
    return client


@pytest.fixture
def fetched(mls_source, bigfix_source, metering_source):
    for source in (mls_source, bigfix_source, metering_source):
        run_fetch(source)


@pytest.mark.parametrize("model", RAW_MODELS, ids=lambda m: m.__name__)
def test_raw_rows_are_listed_and_shown_but_not_editable(admin_client, fetched, model):
    assert isinstance(admin.site._registry[model], RawRowsAdmin)
    row = model.objects.first()
    info = model._meta.app_label, model._meta.model_name

    listing = admin_client.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert listing.status_code == 200
    page = admin_client.get(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert admin_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 403
    deleted = admin_client.post(reverse("admin:{}_{}_delete".format(*info), args=[row.pk]), {"post": "yes"})
    assert deleted.status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


def test_the_mls_record_list_is_ordered_by_its_unique_key_not_by_id(admin_client, fetched):
    listing = admin_client.get(reverse("admin:mls_mlsrecord_changelist"))
    sql = str(listing.context["cl"].queryset.query)
    order_by = sql.rsplit("ORDER BY", 1)[1]
    assert "ts_date" in order_by and "ts_time" in order_by and '"id"' not in order_by and "`id`" not in order_by
