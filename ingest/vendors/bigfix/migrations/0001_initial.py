"""The BigFix models, ingest's until now, become this app's: in state only, their tables and rows kept.

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
                    name='BigfixSoftwareTitle',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('software_title_id', models.BigIntegerField()),
                        ('name', models.CharField(max_length=300)),
                        ('guid', models.CharField(blank=True, max_length=64)),
                        ('publisher_name', models.CharField(blank=True, max_length=300)),
                        ('publisher_guid', models.CharField(blank=True, max_length=64)),
                        ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ingest.source')),
                    ],
                    options={
                        'db_table': 'ingest_bigfixsoftwaretitle',
                        'constraints': [models.UniqueConstraint(fields=('source', 'software_title_id'), name='bigfix_title_source_id')],
                    },
                ),
                migrations.CreateModel(
                    name='BigfixUsage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('software_title_id', models.BigIntegerField()),
                        ('metric_name', models.CharField(max_length=50)),
                        ('computer_system_id', models.BigIntegerField()),
                        ('reporting_period_start_date', models.DateField()),
                        ('reporting_period_end_date', models.DateField()),
                        ('peak_value', models.FloatField()),
                        ('peak_date', models.DateField(blank=True, null=True)),
                        ('peak_time', models.DateTimeField(blank=True, null=True)),
                        ('fetched_at', models.DateTimeField(help_text='When BigFix last served this row.')),
                        ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ingest.source')),
                    ],
                    options={
                        'db_table': 'ingest_bigfixusage',
                        'indexes': [models.Index(fields=['reporting_period_start_date'], name='bigfix_usage_period'), models.Index(fields=['source', 'computer_system_id', 'metric_name'], name='bigfix_usage_system')],
                        'constraints': [models.UniqueConstraint(fields=('source', 'software_title_id', 'metric_name', 'computer_system_id', 'reporting_period_start_date'), name='bigfix_usage_natural_key')],
                    },
                ),
            ],
            database_operations=[],  # the tables stay as they are, under their ingest_ names (Meta.db_table)
        ),
        move_content_types('bigfix', ['bigfixsoftwaretitle', 'bigfixusage']),
    ]
