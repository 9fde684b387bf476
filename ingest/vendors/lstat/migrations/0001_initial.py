"""The License Statistics models, ingest's until now, become this app's: in state only, their tables and rows kept.

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
                    name='LstatServer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('lsid', models.IntegerField(verbose_name='license server id')),
                        ('name', models.CharField(max_length=300)),
                        ('host', models.CharField(blank=True, max_length=300)),
                        ('port', models.CharField(blank=True, max_length=50)),
                        ('manager', models.CharField(blank=True, max_length=100)),
                        ('status', models.CharField(blank=True, max_length=100)),
                        ('seen_at', models.DateTimeField(help_text='Last fetch that listed this server.')),
                        ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ingest.source')),
                    ],
                    options={
                        'db_table': 'ingest_lstatserver',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='LstatFeature',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('fid', models.IntegerField(verbose_name='feature id')),
                        ('name', models.CharField(max_length=300)),
                        ('version', models.CharField(blank=True, max_length=100)),
                        ('feature_type', models.CharField(blank=True, max_length=100, verbose_name='feature type')),
                        ('seen_at', models.DateTimeField(help_text='Last fetch that listed this feature.')),
                        ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ingest.source')),
                        ('server', models.ForeignKey(blank=True, help_text='Unknown for a feature fetched by id from a License Statistics without a feature list.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='features', to='lstat.lstatserver')),
                    ],
                    options={
                        'db_table': 'ingest_lstatfeature',
                        'ordering': ['name', 'version'],
                    },
                ),
                migrations.CreateModel(
                    name='LstatSnapshot',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('users', 'current users'), ('current_usage', 'current license usage'), ('highest_usage', 'highest license usage')], max_length=20)),
                        ('taken_at', models.DateTimeField()),
                        ('shape', models.CharField(help_text='Which response shape License Statistics answered with.', max_length=20)),
                        ('row_count', models.IntegerField(default=0)),
                        ('users_with_licenses', models.IntegerField(blank=True, null=True)),
                        ('users_without_licenses', models.IntegerField(blank=True, null=True)),
                        ('current', models.IntegerField(blank=True, null=True)),
                        ('license_usage', models.IntegerField(blank=True, null=True)),
                        ('license_limit', models.IntegerField(blank=True, null=True)),
                        ('raw', models.JSONField(blank=True, help_text="The answer's data, kept when its shape is none License Statistics documents.", null=True)),
                        ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ingest.source')),
                    ],
                    options={
                        'db_table': 'ingest_lstatsnapshot',
                        'ordering': ['-taken_at'],
                    },
                ),
                migrations.CreateModel(
                    name='LstatSession',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('lsid', models.IntegerField()),
                        ('server_name', models.CharField(max_length=300, verbose_name='license server')),
                        ('fid', models.IntegerField()),
                        ('feature_name', models.CharField(max_length=300, verbose_name='feature')),
                        ('feature_version', models.CharField(blank=True, max_length=100, verbose_name='version')),
                        ('feature_type', models.CharField(blank=True, max_length=100, verbose_name='feature type')),
                        ('user_id', models.IntegerField(blank=True, null=True)),
                        ('user', models.CharField(max_length=300, verbose_name='user')),
                        ('host', models.CharField(blank=True, max_length=300, verbose_name='host')),
                        ('checked_out_at', models.DateTimeField(blank=True, null=True, verbose_name='checked out')),
                        ('licenses', models.IntegerField(help_text='Licenses held, as the older or the newer response shape names them.')),
                        ('snapshot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='lstat.lstatsnapshot')),
                    ],
                    options={
                        'db_table': 'ingest_lstatsession',
                    },
                ),
                migrations.CreateModel(
                    name='LstatTopUser',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rank', models.IntegerField()),
                        ('user', models.CharField(max_length=300, verbose_name='user')),
                        ('licenses', models.IntegerField(help_text='Licenses held, as the older or the newer response shape names them.')),
                        ('snapshot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='top_users', to='lstat.lstatsnapshot')),
                    ],
                    options={
                        'db_table': 'ingest_lstattopuser',
                        'ordering': ['rank'],
                    },
                ),
                migrations.CreateModel(
                    name='LstatUsage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('granularity', models.CharField(choices=[('hour', 'Hour'), ('day', 'Day')], max_length=4)),
                        ('period_start', models.DateTimeField()),
                        ('period_label', models.CharField(max_length=40)),
                        ('used_min', models.IntegerField(verbose_name='used min')),
                        ('used_avg', models.FloatField(verbose_name='used avg')),
                        ('used_max', models.IntegerField(verbose_name='used max')),
                        ('borrowed_min', models.IntegerField(verbose_name='borrowed min')),
                        ('borrowed_max', models.IntegerField(verbose_name='borrowed max')),
                        ('denials', models.IntegerField(verbose_name='denials')),
                        ('hours_used', models.FloatField(verbose_name='hours used')),
                        ('total_seats', models.IntegerField(verbose_name='total')),
                        ('feature_name', models.CharField(blank=True, max_length=300, verbose_name='feature name')),
                        ('feature_version', models.CharField(blank=True, max_length=100, verbose_name='feature version')),
                        ('feature_type', models.CharField(blank=True, max_length=100, verbose_name='feature type')),
                        ('feature', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='usage', to='lstat.lstatfeature')),
                    ],
                    options={
                        'db_table': 'ingest_lstatusage',
                    },
                ),
                migrations.AddConstraint(
                    model_name='lstatserver',
                    constraint=models.UniqueConstraint(fields=('source', 'lsid'), name='lstat_server_source_lsid'),
                ),
                migrations.AddConstraint(
                    model_name='lstatfeature',
                    constraint=models.UniqueConstraint(fields=('source', 'fid'), name='lstat_feature_source_fid'),
                ),
                migrations.AddIndex(
                    model_name='lstatsnapshot',
                    index=models.Index(fields=['kind', '-taken_at'], name='ingest_lsta_kind_f30f42_idx'),
                ),
                migrations.AddConstraint(
                    model_name='lstatsnapshot',
                    constraint=models.UniqueConstraint(fields=('source', 'kind', 'taken_at'), name='lstat_snapshot_source_kind_time'),
                ),
                migrations.AddConstraint(
                    model_name='lstatusage',
                    constraint=models.UniqueConstraint(fields=('feature', 'granularity', 'period_start'), name='lstat_usage_feature_gran_period'),
                ),
            ],
            database_operations=[],  # the tables stay as they are, under their ingest_ names (Meta.db_table)
        ),
        move_content_types('lstat', ['lstatserver', 'lstatfeature', 'lstatsnapshot', 'lstatsession', 'lstattopuser', 'lstatusage']),
    ]
