"""Each vendor's models move from ingest to the vendor's app: an install holding rows keeps every one of them.

The last release had them in ingest (ingest 0019, no vendor app yet); migrating moves them in state only, so
the same tables, rows, foreign keys, content types and permissions are read through the vendors' apps, and
migrating back reads them through ingest again.
"""

from datetime import UTC, date, datetime, time
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from ingest.vendors import VENDORS
from tests.migrations import migrate, migrate_to_latest

BEFORE = [("ingest", "0019_source_kind_from_registry"), *((vendor.kind, None) for vendor in VENDORS)]
AFTER = [("ingest", "0020_vendor_models_move_to_their_apps")]
AT = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
MOVED = {
    "mls": ["MlsSupervisor", "MlsRecord", "MlsRollup"],
    "bigfix": ["BigfixSoftwareTitle", "BigfixUsage"],
    "lstat": ["LstatServer", "LstatFeature", "LstatUsage", "LstatSnapshot", "LstatSession", "LstatTopUser"],
    "metering": [
        "MeteringEvent",
        "MeteringInterval",
        "MeteringLocation",
        "MeteringLocationMetadata",
        "MeteringHourSummary",
    ],
}


def _store_rows(old):
    """Rows in tables of every vendor, written through the models as ingest had them."""
    model = lambda name: old.get_model("ingest", name)  # noqa: E731
    source = {
        kind: model("Source").objects.create(kind=kind, name=f"old {kind}", base_url="http://x/") for kind in MOVED
    }
    supervisor = model("MlsSupervisor").objects.create(source=source["mls"], macaddress="00:1A:2B:3C:4D:5E")
    model("MlsRecord").objects.create(
        supervisor=supervisor, record_id=7, ts_date=date(2026, 11, 30), ts_time=time(14, 1), lic_used=3,
        lic_prepaid=5, lic_metered=0,
    )  # fmt: skip
    sums = dict.fromkeys(("used", "prepaid", "metered"), 3)
    model("MlsRollup").objects.create(
        supervisor=supervisor, granularity="hour", bucket=AT, samples=1,
        **{f"{name}_{agg}": value for name, value in sums.items() for agg in ("min", "max", "sum")},
    )  # fmt: skip
    model("BigfixSoftwareTitle").objects.create(source=source["bigfix"], software_title_id=77, name="DB2")
    model("BigfixUsage").objects.create(
        source=source["bigfix"], software_title_id=77, metric_name="PVU", computer_system_id=1,
        reporting_period_start_date=date(2026, 11, 1), reporting_period_end_date=date(2026, 11, 30), peak_value=140,
        fetched_at=AT,
    )  # fmt: skip
    server = model("LstatServer").objects.create(source=source["lstat"], lsid=1, name="flexlm-eng", seen_at=AT)
    feature = model("LstatFeature").objects.create(
        source=source["lstat"], fid=11, server=server, name="MATLAB", version="R2024b", seen_at=AT
    )
    model("LstatUsage").objects.create(
        feature=feature, granularity="day", period_start=AT, period_label="2026-11-30", used_min=1, used_avg=2.5,
        used_max=4, borrowed_min=0, borrowed_max=0, denials=2, hours_used=10.5, total_seats=10,
    )  # fmt: skip
    snapshot = model("LstatSnapshot").objects.create(
        source=source["lstat"], kind="users", taken_at=AT, shape="v2", raw={"odd": [1]}
    )
    model("LstatSession").objects.create(
        snapshot=snapshot, lsid=1, server_name="flexlm-eng", fid=11, feature_name="MATLAB", user="ada", licenses=1
    )
    model("LstatTopUser").objects.create(snapshot=snapshot, rank=1, user="ada", licenses=4)
    location = {"source": source["metering"], "tenant": "acme", "loc_id": "lab-5"}
    model("MeteringEvent").objects.create(**location, amp_id="a1", date=AT, state="created", user="ada", raw={"id": 1})
    model("MeteringInterval").objects.create(**location, amp_id="a1", started_at=AT, user="ada")
    model("MeteringLocation").objects.create(**location, first_event_at=AT, last_event_at=AT)
    model("MeteringLocationMetadata").objects.create(
        **location, name="region", value="eu", first_seen_at=AT, seen_at=AT
    )
    model("MeteringHourSummary").objects.create(**location, window_start=AT, window_end=AT, active_hours=1.5)


def _rows(models):
    """{model name: every row's values, by primary key}."""
    return {name: list(model.objects.order_by("pk").values()) for name, model in models.items()}


def _grant():
    """A group given the permission to view MLS supervisors, on the content type ingest had for them."""
    content_type = ContentType.objects.get(app_label="ingest", model="mlssupervisor")
    group = Group.objects.create(name="supervisor readers")
    group.permissions.add(Permission.objects.get(content_type=content_type, codename="view_mlssupervisor"))
    return content_type.pk


@pytest.mark.django_db(transaction=True)
def test_every_vendor_row_is_read_through_its_vendors_app_after_the_move_and_through_ingest_back_again():
    try:
        old = migrate(BEFORE)
        _store_rows(old)
        stored = _rows({name: old.get_model("ingest", name) for names in MOVED.values() for name in names})
        content_type = _grant()

        migrate(AFTER)

        moved = {name: apps.get_model(kind, name) for kind, names in MOVED.items() for name in names}
        assert _rows(moved) == stored
        assert {model._meta.db_table for model in moved.values()} == {f"ingest_{name.lower()}" for name in moved}
        record = moved["MlsRecord"].objects.select_related("supervisor__source").get()
        assert (record.supervisor.macaddress, record.supervisor.source.name) == ("00:1A:2B:3C:4D:5E", "old mls")
        assert moved["LstatUsage"].objects.get().feature.server.name == "flexlm-eng"
        assert [s.user for s in moved["LstatSnapshot"].objects.get().sessions.all()] == ["ada"]
        ContentType.objects.clear_cache()
        assert ContentType.objects.get_for_model(moved["MlsSupervisor"]).pk == content_type
        reader = User.objects.create_user("reader")
        reader.groups.add(Group.objects.get(name="supervisor readers"))
        assert reader.has_perm("mls.view_mlssupervisor")

        back = migrate(BEFORE)
        assert _rows({name: back.get_model("ingest", name) for name in moved}) == stored
        assert ContentType.objects.get(pk=content_type).app_label == "ingest"
    finally:
        migrate_to_latest()


@pytest.mark.django_db
def test_the_migrations_leave_every_app_in_the_state_its_models_are_in():
    """The state-only moves come out as the models are (foreign keys, tables, indexes): nothing to migrate."""
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())  # exits 1 on a change


def test_no_vendor_model_is_left_in_ingest():
    assert {model.__name__ for model in apps.get_app_config("ingest").get_models()} == {"Source", "IngestRun", "Cursor"}


@pytest.mark.django_db
def test_the_admins_old_address_of_a_vendors_model_redirects_for_good_to_its_apps(admin_client, viewer):
    for old, new in [
        ("/admin/ingest/mlsrecord/?q=lab&o=2", "/admin/mls/mlsrecord/?q=lab&o=2"),
        ("/admin/ingest/lstatfeature/5/change/", "/admin/lstat/lstatfeature/5/change/"),
        ("/admin/ingest/meteringinterval/", "/admin/metering/meteringinterval/"),
    ]:
        response = admin_client.get(old)
        assert (response.status_code, response["Location"]) == (301, new)
    assert admin_client.get("/admin/mls/mlsrecord/").status_code == 200
    assert admin_client.get("/admin/ingest/source/").status_code == 200  # ingest's own models stay
    assert viewer.get("/admin/ingest/mlsrecord/").status_code == 403
