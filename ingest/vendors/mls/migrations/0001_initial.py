"""The MLS models, ingest's until now, become this app's: in state only, their tables and rows kept.

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
                    name='MlsSupervisor',
                    fields=[
                        ('id', models.AutoField(primary_key=True, serialize=False)),
                        ('macaddress', models.CharField(max_length=17, unique=True, verbose_name='MAC address')),
                        ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='supervisors', to='ingest.source')),
                    ],
                    options={
                        'db_table': 'ingest_mlssupervisor',
                        'ordering': ['macaddress'],
                    },
                ),
                migrations.CreateModel(
                    name='MlsRollup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('granularity', models.CharField(choices=[('hour', 'Hour')], max_length=4)),
                        ('bucket', models.DateTimeField()),
                        ('samples', models.IntegerField()),
                        ('used_min', models.IntegerField()),
                        ('used_max', models.IntegerField()),
                        ('used_sum', models.BigIntegerField()),
                        ('prepaid_min', models.IntegerField()),
                        ('prepaid_max', models.IntegerField()),
                        ('prepaid_sum', models.BigIntegerField()),
                        ('metered_min', models.IntegerField()),
                        ('metered_max', models.IntegerField()),
                        ('metered_sum', models.BigIntegerField()),
                        ('supervisor', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='mls.mlssupervisor')),
                    ],
                    options={
                        'db_table': 'ingest_mlsrollup',
                        'constraints': [models.UniqueConstraint(fields=('supervisor', 'granularity', 'bucket'), name='mls_rollup_supervisor_gran_bucket')],
                    },
                ),
                migrations.CreateModel(
                    name='MlsRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('record_id', models.BigIntegerField()),
                        ('ts_date', models.DateField()),
                        ('ts_time', models.TimeField()),
                        ('lic_used', models.IntegerField()),
                        ('lic_prepaid', models.IntegerField()),
                        ('lic_metered', models.IntegerField()),
                        ('supervisor', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='mls.mlssupervisor')),
                    ],
                    options={
                        'db_table': 'ingest_mlsrecord',
                        'constraints': [models.UniqueConstraint(fields=('supervisor', 'ts_date', 'ts_time'), name='mls_supervisor_date_time')],
                    },
                ),
            ],
            database_operations=[],  # the tables stay as they are, under their ingest_ names (Meta.db_table)
        ),
        move_content_types('mls', ['mlssupervisor', 'mlsrollup', 'mlsrecord']),
    ]
