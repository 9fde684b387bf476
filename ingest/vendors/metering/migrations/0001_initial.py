"""The Metering Service models, ingest's until now, become this app's: in state only, their tables and rows kept.

See ingest/vendors/moved.py; ingest's 0020_vendor_models_move_to_their_apps deletes them from ingest's state.
"""

import django.db.models.deletion
from django.db import migrations, models

from ingest.vendors.moved import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('ingest', '0019_source_kind_from_registry'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MeteringEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tenant', models.CharField(max_length=64)),
                        ('amp_id', models.CharField(max_length=128, verbose_name='AMP id')),
                        ('loc_id', models.CharField(max_length=128, verbose_name='location id')),
                        ('date', models.DateTimeField()),
                        ('state', models.CharField(max_length=32)),
                        ('entity_id', models.CharField(blank=True, max_length=200)),
                        ('entity_type', models.CharField(blank=True, max_length=300)),
                        ('application_id', models.CharField(blank=True, max_length=200)),
                        ('user', models.CharField(blank=True, max_length=200)),
                        ('metadata', models.JSONField(blank=True, default=list)),
                        ('upstream_id', models.CharField(blank=True, max_length=64)),
                        ('raw', models.JSONField(blank=True, default=dict, help_text='The event as the service answered it.')),
                        ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ingest.source')),
                    ],
                    options={
                        'db_table': 'ingest_meteringevent',
                        'indexes': [models.Index(fields=['tenant', 'loc_id', 'date'], name='ingest_mete_tenant_a243d2_idx'), models.Index(fields=['tenant', 'date'], name='ingest_mete_tenant_c87f61_idx')],
                        'constraints': [models.UniqueConstraint(fields=('source', 'tenant', 'amp_id', 'loc_id', 'date', 'state'), name='metering_event_key')],
                    },
                ),
                migrations.CreateModel(
                    name='MeteringHourSummary',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tenant', models.CharField(max_length=64)),
                        ('loc_id', models.CharField(max_length=128, verbose_name='location id')),
                        ('window_start', models.DateTimeField()),
                        ('window_end', models.DateTimeField()),
                        ('active_hours', models.FloatField(blank=True, help_text='Empty when the record gave none we could read.', null=True)),
                        ('periods', models.JSONField(blank=True, default=list)),
                        ('raw', models.JSONField(blank=True, default=dict, help_text='The record as the service answered it.')),
                        ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ingest.source')),
                    ],
                    options={
                        'verbose_name_plural': 'metering hour summaries',
                        'db_table': 'ingest_meteringhoursummary',
                        'indexes': [models.Index(fields=['tenant', 'loc_id', 'window_end'], name='metering_summary_location')],
                        'constraints': [models.UniqueConstraint(fields=('source', 'tenant', 'loc_id', 'window_start', 'window_end'), name='metering_summary_key')],
                    },
                ),
                migrations.CreateModel(
                    name='MeteringInterval',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tenant', models.CharField(max_length=64)),
                        ('amp_id', models.CharField(max_length=128, verbose_name='AMP id')),
                        ('loc_id', models.CharField(max_length=128, verbose_name='location id')),
                        ('started_at', models.DateTimeField()),
                        ('ended_at', models.DateTimeField(blank=True, null=True)),
                        ('entity_id', models.CharField(blank=True, max_length=200)),
                        ('entity_type', models.CharField(blank=True, max_length=300)),
                        ('application_id', models.CharField(blank=True, max_length=200)),
                        ('user', models.CharField(blank=True, max_length=200)),
                        ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ingest.source')),
                    ],
                    options={
                        'db_table': 'ingest_meteringinterval',
                        'indexes': [models.Index(fields=['source', 'tenant', 'loc_id'], name='ingest_mete_source__cc740d_idx'), models.Index(fields=['ended_at', 'started_at'], name='metering_interval_end'), models.Index(fields=['tenant', 'ended_at', 'started_at'], name='metering_interval_tenant_end'), models.Index(fields=['tenant', 'loc_id', 'ended_at'], name='metering_interval_loc_end')],
                    },
                ),
                migrations.CreateModel(
                    name='MeteringLocation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tenant', models.CharField(max_length=64)),
                        ('loc_id', models.CharField(max_length=128, verbose_name='location id')),
                        ('first_event_at', models.DateTimeField()),
                        ('last_event_at', models.DateTimeField()),
                        ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ingest.source')),
                    ],
                    options={
                        'db_table': 'ingest_meteringlocation',
                        'indexes': [models.Index(fields=['tenant', 'loc_id'], name='metering_location_tenant')],
                        'constraints': [models.UniqueConstraint(fields=('source', 'tenant', 'loc_id'), name='metering_location_key')],
                    },
                ),
                migrations.CreateModel(
                    name='MeteringLocationMetadata',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tenant', models.CharField(max_length=64)),
                        ('loc_id', models.CharField(max_length=128, verbose_name='location id')),
                        ('name', models.CharField(max_length=128)),
                        ('value', models.TextField(blank=True)),
                        ('first_seen_at', models.DateTimeField(help_text='End of the first fetch window that reported this value.')),
                        ('seen_at', models.DateTimeField(help_text='End of the last fetch window that reported this value.')),
                        ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ingest.source')),
                    ],
                    options={
                        'verbose_name_plural': 'metering location metadata',
                        'db_table': 'ingest_meteringlocationmetadata',
                        'indexes': [models.Index(fields=['tenant', 'loc_id', 'name'], name='metering_metadata_location')],
                        'constraints': [models.UniqueConstraint(fields=('source', 'tenant', 'loc_id', 'name', 'first_seen_at'), name='metering_metadata_since')],
                    },
                ),
            ],
            database_operations=[],  # the tables stay as they are, under their ingest_ names (Meta.db_table)
        ),
        move_content_types('metering', ['meteringevent', 'meteringhoursummary', 'meteringinterval', 'meteringlocation', 'meteringlocationmetadata']),
    ]
