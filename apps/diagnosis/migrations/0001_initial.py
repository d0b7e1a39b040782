"""The diagnosis's models, moved from pendampingan (issue 20) without touching their tables."""

import django.db.models.deletion
import django.db.models.manager
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('pendampingan', '0006_team_soft_delete'),
        ('tenancy', '0006_membership_awaiting_consent'),
        ('unit_kerja', '0005_import_job'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The models moved here from pendampingan with their tables (Meta.db_table), constraints and
    # indexes: only Django's picture of them changes, the database is left as it is.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Diagnosis',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False)),
                        ('summary', models.TextField(blank=True, verbose_name='summary')),
                        ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='unit_kerja.cycle', verbose_name='year')),
                        ('instansi', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.instansi', verbose_name='instansi')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='unit_kerja.unitkerja', verbose_name='unit kerja')),
                    ],
                    options={
                        'verbose_name': 'diagnosis',
                        'verbose_name_plural': 'diagnoses',
                        'db_table': 'pendampingan_diagnosis',
                        'ordering': ['-cycle__tahun', 'unit__path'],
                        'abstract': False,
                        'base_manager_name': 'unscoped',
                        'default_manager_name': 'objects',
                    },
                    managers=[
                        ('objects', django.db.models.manager.Manager()),
                        ('unscoped', django.db.models.manager.Manager()),
                    ],
                ),
                migrations.CreateModel(
                    name='IsuStrategis',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False)),
                        ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                        ('title', models.CharField(max_length=300, verbose_name='issue')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('area', models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Manajemen Perubahan'), (2, 'Penataan Tatalaksana'), (3, 'Penataan Sistem Manajemen SDM'), (4, 'Penguatan Akuntabilitas Kinerja'), (5, 'Penguatan Pengawasan'), (6, 'Peningkatan Kualitas Pelayanan Publik')], null=True, verbose_name='area perubahan')),
                        ('urgency', models.PositiveSmallIntegerField(verbose_name='urgency (1–5)')),
                        ('impact', models.PositiveSmallIntegerField(verbose_name='impact (1–5)')),
                        ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                        ('diagnosis', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='isu', to='diagnosis.diagnosis')),
                        ('instansi', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.instansi', verbose_name='instansi')),
                    ],
                    options={
                        'verbose_name': 'strategic issue',
                        'verbose_name_plural': 'strategic issues',
                        'db_table': 'pendampingan_isustrategis',
                        'ordering': ['diagnosis', '-id'],
                        'abstract': False,
                        'base_manager_name': 'unscoped',
                        'default_manager_name': 'objects',
                    },
                    managers=[
                        ('objects', django.db.models.manager.Manager()),
                        ('unscoped', django.db.models.manager.Manager()),
                    ],
                ),
                migrations.CreateModel(
                    name='LayananUtama',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False)),
                        ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                        ('name', models.CharField(max_length=200, verbose_name='service')),
                        ('volume', models.PositiveIntegerField(verbose_name='yearly volume')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                        ('diagnosis', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='layanan', to='diagnosis.diagnosis')),
                        ('instansi', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.instansi', verbose_name='instansi')),
                    ],
                    options={
                        'verbose_name': 'core service',
                        'verbose_name_plural': 'core services',
                        'db_table': 'pendampingan_layananutama',
                        'ordering': ['-volume', 'name'],
                        'abstract': False,
                        'base_manager_name': 'unscoped',
                        'default_manager_name': 'objects',
                    },
                    managers=[
                        ('objects', django.db.models.manager.Manager()),
                        ('unscoped', django.db.models.manager.Manager()),
                    ],
                ),
                migrations.CreateModel(
                    name='Risiko',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False)),
                        ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                        ('jenis', models.CharField(choices=[('korupsi', 'Corruption risk'), ('pelayanan', 'Service risk')], max_length=10, verbose_name='kind')),
                        ('title', models.CharField(max_length=300, verbose_name='risk')),
                        ('cause', models.TextField(verbose_name='cause')),
                        ('likelihood', models.PositiveSmallIntegerField(verbose_name='likelihood (1–5)')),
                        ('impact', models.PositiveSmallIntegerField(verbose_name='impact (1–5)')),
                        ('mitigation', models.TextField(blank=True, verbose_name='mitigation')),
                        ('area', models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Manajemen Perubahan'), (2, 'Penataan Tatalaksana'), (3, 'Penataan Sistem Manajemen SDM'), (4, 'Penguatan Akuntabilitas Kinerja'), (5, 'Penguatan Pengawasan'), (6, 'Peningkatan Kualitas Pelayanan Publik')], null=True, verbose_name='area perubahan')),
                        ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
                        ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                        ('diagnosis', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='risiko', to='diagnosis.diagnosis')),
                        ('instansi', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.instansi', verbose_name='instansi')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='unit_kerja.pegawai', verbose_name='risk owner')),
                    ],
                    options={
                        'verbose_name': 'risk',
                        'verbose_name_plural': 'risks',
                        'db_table': 'pendampingan_risiko',
                        'ordering': ['diagnosis', '-id'],
                        'abstract': False,
                        'base_manager_name': 'unscoped',
                        'default_manager_name': 'objects',
                    },
                    managers=[
                        ('objects', django.db.models.manager.Manager()),
                        ('unscoped', django.db.models.manager.Manager()),
                    ],
                ),
                migrations.AddConstraint(
                    model_name='diagnosis',
                    constraint=models.UniqueConstraint(fields=('instansi', 'public_id'), name='pendampingan_diagnosis_unique_public_id'),
                ),
                migrations.AddConstraint(
                    model_name='diagnosis',
                    constraint=models.UniqueConstraint(fields=('instansi', 'cycle', 'unit'), name='pendampingan_diagnosis_unique'),
                ),
                migrations.AddConstraint(
                    model_name='isustrategis',
                    constraint=models.UniqueConstraint(fields=('instansi', 'public_id'), name='pendampingan_isustrategis_unique_public_id'),
                ),
                migrations.AddConstraint(
                    model_name='isustrategis',
                    constraint=models.CheckConstraint(condition=models.Q(('urgency__gte', 1), ('urgency__lte', 5)), name='pendampingan_isu_urgency_1_5', violation_error_message='Use a value from 1 to 5.'),
                ),
                migrations.AddConstraint(
                    model_name='isustrategis',
                    constraint=models.CheckConstraint(condition=models.Q(('impact__gte', 1), ('impact__lte', 5)), name='pendampingan_isu_impact_1_5', violation_error_message='Use a value from 1 to 5.'),
                ),
                migrations.AddConstraint(
                    model_name='layananutama',
                    constraint=models.UniqueConstraint(fields=('instansi', 'public_id'), name='pendampingan_layananutama_unique_public_id'),
                ),
                migrations.AddConstraint(
                    model_name='risiko',
                    constraint=models.UniqueConstraint(fields=('instansi', 'public_id'), name='pendampingan_risiko_unique_public_id'),
                ),
                migrations.AddConstraint(
                    model_name='risiko',
                    constraint=models.CheckConstraint(condition=models.Q(('likelihood__gte', 1), ('likelihood__lte', 5)), name='pendampingan_risiko_likelihood_1_5', violation_error_message='Use a value from 1 to 5.'),
                ),
                migrations.AddConstraint(
                    model_name='risiko',
                    constraint=models.CheckConstraint(condition=models.Q(('impact__gte', 1), ('impact__lte', 5)), name='pendampingan_risiko_impact_1_5', violation_error_message='Use a value from 1 to 5.'),
                ),
            ],
            database_operations=[],
        ),
    ]
