"""Entitlements replace seat prices: every seat price becomes an entitlement with that price per unit per year."""

import django.core.validators
from django.db import migrations, models

FIELDS = ["kind", "key", "label", "price_per_year"]


def seat_prices_to_entitlements(apps, schema_editor):
    SeatPrice, Entitlement = apps.get_model("reports", "SeatPrice"), apps.get_model("reports", "Entitlement")
    Entitlement.objects.bulk_create(
        [Entitlement(**{f: getattr(p, f) for f in FIELDS}) for p in SeatPrice.objects.order_by("pk")], batch_size=500
    )


def entitlements_to_seat_prices(apps, schema_editor):
    SeatPrice, Entitlement = apps.get_model("reports", "SeatPrice"), apps.get_model("reports", "Entitlement")
    priced = Entitlement.objects.exclude(price_per_year=None).order_by("pk")
    SeatPrice.objects.bulk_create([SeatPrice(**{f: getattr(e, f) for f in FIELDS}) for e in priced], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0006_subscription_name_per_owner'),
    ]

    operations = [
        migrations.CreateModel(
            name='Entitlement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('mls', 'PipelineFX Metered License Server'), ('bigfix', 'IBM BigFix Inventory / License Metric Tool'), ('lstat', 'X-Formation License Statistics'), ('metering', 'Cloudsoft AMP Metering Service')], max_length=20)),
                ('key', models.CharField(max_length=300)),
                ('label', models.CharField(blank=True, help_text='What the thing was called when last edited.', max_length=300)),
                ('owned', models.DecimalField(blank=True, decimal_places=2, help_text="Blank: the vendor's figure (MLS prepaid, License Statistics total seats), where it reports one.", max_digits=16, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='owned quantity')),
                ('unit', models.CharField(blank=True, help_text="e.g. seats, users, PVU, RVU, cores, locations, license-hours. Blank: the vendor kind's usual unit.", max_length=30)),
                ('price_per_year', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='price per unit per year')),
                ('metered_rate', models.DecimalField(blank=True, decimal_places=4, help_text='MLS: what a metered license-hour costs.', max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='metered rate per license-hour')),
                ('renews_on', models.DateField(blank=True, null=True)),
                ('reference', models.CharField(blank=True, help_text='Contract or purchase order number.', max_length=200)),
                ('notes', models.TextField(blank=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'ordering': ['kind', 'label', 'key'],
                'constraints': [models.UniqueConstraint(fields=('kind', 'key'), name='entitlement_kind_key')],
            },
        ),
        migrations.RunPython(seat_prices_to_entitlements, entitlements_to_seat_prices),
        migrations.DeleteModel(name='SeatPrice'),
    ]
