"""Rules stored with foreign keys to a feature or a supervisor keep watching the same things, and every row stays."""

from datetime import UTC, datetime

import pytest

from tests.migrations import migrate, migrate_to_latest

BEFORE = [("reports", "0007_entitlement"), ("ingest", "0018_source_data_version")]
AFTER = [("reports", "0008_alert_rule_watches_a_vendors_thing")]


def _old_rules(old):
    Source = old.get_model("ingest", "Source")
    lstat = Source.objects.create(kind="lstat", name="licenses", base_url="http://x/")
    mls = Source.objects.create(kind="mls", name="studio", base_url="http://y/")
    feature = old.get_model("ingest", "LstatFeature").objects.create(
        source=lstat, fid=17, name="Nuke", version="13", seen_at=datetime(2026, 3, 4, tzinfo=UTC)
    )
    supervisor = old.get_model("ingest", "MlsSupervisor").objects.create(source=mls, macaddress="00:1A:2B:3C:4D:5E")
    AlertRule = old.get_model("reports", "AlertRule")
    common = {"recipients": "a@example.com", "threshold": 90, "hours": 2}
    AlertRule.objects.create(name="denied", kind="denials", feature=feature, **common)
    AlertRule.objects.create(name="busy", kind="utilization", supervisor=supervisor, **common)
    AlertRule.objects.create(name="full", kind="utilization", feature=feature, state="firing", **common)
    AlertRule.objects.create(name="stale", kind="stale", source=mls, **common)
    return lstat, mls


@pytest.mark.django_db(transaction=True)
def test_every_rule_keeps_what_it_watches_and_back():
    try:
        lstat, mls = _old_rules(migrate(BEFORE))

        new = migrate(AFTER)

        rules = {r.name: r for r in new.get_model("reports", "AlertRule").objects.all()}
        watches = {name: (r.kind, r.thing_kind, r.thing_key, r.source_id) for name, r in rules.items()}
        assert watches == {
            "denied": ("denials", "lstat", f"{lstat.pk}:17", lstat.pk),
            "busy": ("utilization", "mls", "00:1A:2B:3C:4D:5E", mls.pk),
            "full": ("utilization", "lstat", f"{lstat.pk}:17", lstat.pk),
            "stale": ("stale", "", "", mls.pk),
        }
        assert rules["full"].state == "firing" and rules["busy"].threshold == 90

        old = migrate(BEFORE)

        back = {
            r.name: r for r in old.get_model("reports", "AlertRule").objects.select_related("feature", "supervisor")
        }
        assert (back["denied"].feature.fid, back["busy"].supervisor.macaddress) == (17, "00:1A:2B:3C:4D:5E")
        assert (back["full"].source_id, back["stale"].source_id) == (None, mls.pk)
    finally:
        migrate_to_latest()
