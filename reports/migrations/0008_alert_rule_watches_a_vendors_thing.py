"""Alert rules name the thing they watch by its vendor's kind and key, not by a foreign key to a vendor's model.

Every rule of a License Statistics feature becomes ("lstat", "SOURCE_ID:FID") and every rule of an MLS
supervisor ("mls", MAC address), the keys the overview knows them by; the rule's source becomes the thing's
source (so deleting a source still deletes its rules). Backwards, each key is looked up again.
"""

import django.db.models.deletion
from django.db import migrations, models

import ingest.vendors.fields


def foreign_keys_to_things(apps, schema_editor):
    AlertRule = apps.get_model("reports", "AlertRule")
    for rule in AlertRule.objects.exclude(feature=None).select_related("feature"):
        feature = rule.feature
        rule.thing_kind, rule.thing_key = "lstat", f"{feature.source_id}:{feature.fid}"
        rule.source_id = feature.source_id
        rule.save(update_fields=["thing_kind", "thing_key", "source"])
    for rule in AlertRule.objects.exclude(supervisor=None).select_related("supervisor"):
        supervisor = rule.supervisor
        rule.thing_kind, rule.thing_key, rule.source_id = "mls", supervisor.macaddress, supervisor.source_id
        rule.save(update_fields=["thing_kind", "thing_key", "source"])


def things_to_foreign_keys(apps, schema_editor):
    AlertRule = apps.get_model("reports", "AlertRule")
    LstatFeature, MlsSupervisor = apps.get_model("ingest", "LstatFeature"), apps.get_model("ingest", "MlsSupervisor")
    for rule in AlertRule.objects.filter(thing_kind="lstat"):
        source_id, _, fid = rule.thing_key.partition(":")
        known = source_id.isdigit() and fid.lstrip("-").isdigit()
        rule.feature = LstatFeature.objects.filter(source_id=source_id, fid=fid).first() if known else None
        rule.source_id = None  # the feature's rules had none
        rule.save(update_fields=["feature", "source"])
    for rule in AlertRule.objects.filter(thing_kind="mls"):
        rule.supervisor = MlsSupervisor.objects.filter(macaddress=rule.thing_key).first()
        rule.source_id = None
        rule.save(update_fields=["supervisor", "source"])


class Migration(migrations.Migration):

    dependencies = [
        ('ingest', '0019_source_kind_from_registry'),
        ('reports', '0007_entitlement'),
    ]

    operations = [
        migrations.AddField(
            model_name='alertrule',
            name='thing_key',
            field=models.CharField(blank=True, help_text='For denials and utilization: the key of the thing watched.', max_length=300, verbose_name='thing'),
        ),
        migrations.AddField(
            model_name='alertrule',
            name='thing_kind',
            field=ingest.vendors.fields.KindField(blank=True, help_text='For denials and utilization: the vendor of the thing watched.', max_length=20, verbose_name='vendor'),
        ),
        migrations.RunPython(foreign_keys_to_things, things_to_foreign_keys),
        migrations.RemoveField(
            model_name='alertrule',
            name='feature',
        ),
        migrations.RemoveField(
            model_name='alertrule',
            name='supervisor',
        ),
        migrations.AlterField(
            model_name='alertrule',
            name='kind',
            field=models.CharField(choices=[('denials', 'denials of a licensed thing'), ('utilization', 'utilization at or above a threshold'), ('stale', 'source stale'), ('failing', 'source failing')], max_length=20),
        ),
        migrations.AlterField(
            model_name='alertrule',
            name='source',
            field=models.ForeignKey(blank=True, help_text="For stale and failing rules: the source watched (for the others, the watched thing's source).", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ingest.source'),
        ),
    ]
