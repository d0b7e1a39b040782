"""The tim kerja's models, moved from pendampingan (issue 20) without touching their tables."""

import django.db.models.deletion
import django.db.models.manager
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('pendampingan', '0006_team_soft_delete'),
        ('bukti_dukung', '0002_initial'),
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
                    name='TimKerja',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False)),
                        ('sk_number', models.CharField(blank=True, max_length=100, verbose_name='SK number')),
                        ('sk_date', models.DateField(blank=True, null=True, verbose_name='SK date')),
                        ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='unit_kerja.cycle', verbose_name='year')),
                        ('instansi', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.instansi', verbose_name='instansi')),
                        ('sk_file', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='bukti_dukung.buktidukung', verbose_name='SK file')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='unit_kerja.unitkerja', verbose_name='unit kerja')),
                    ],
                    options={
                        'verbose_name': 'tim kerja ZI',
                        'verbose_name_plural': 'tim kerja ZI',
                        'db_table': 'pendampingan_timkerja',
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
                    name='AnggotaTim',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False)),
                        ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                        ('peran', models.CharField(choices=[('penanggung_jawab', 'Penanggung jawab'), ('ketua', 'Ketua'), ('sekretaris', 'Sekretaris'), ('koordinator', 'Pokja coordinator'), ('anggota', 'Pokja member')], max_length=20, verbose_name='role')),
                        ('area', models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Manajemen Perubahan'), (2, 'Penataan Tatalaksana'), (3, 'Penataan Sistem Manajemen SDM'), (4, 'Penguatan Akuntabilitas Kinerja'), (5, 'Penguatan Pengawasan'), (6, 'Peningkatan Kualitas Pelayanan Publik')], null=True, verbose_name='area perubahan')),
                        ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                        ('instansi', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.instansi', verbose_name='instansi')),
                        ('pegawai', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='unit_kerja.pegawai', verbose_name='pegawai')),
                        ('tim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='anggota', to='timkerja.timkerja')),
                    ],
                    options={
                        'verbose_name': 'team member',
                        'verbose_name_plural': 'team members',
                        'db_table': 'pendampingan_anggotatim',
                        'ordering': ['tim', 'area', 'peran', 'id'],
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
                    name='AgenPerubahan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False)),
                        ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                        ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                        ('instansi', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.instansi', verbose_name='instansi')),
                        ('pegawai', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='unit_kerja.pegawai', verbose_name='pegawai')),
                        ('tim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agen', to='timkerja.timkerja')),
                    ],
                    options={
                        'verbose_name': 'change agent',
                        'verbose_name_plural': 'change agents',
                        'db_table': 'pendampingan_agenperubahan',
                        'ordering': ['tim', 'id'],
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
                    name='Perubahan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False)),
                        ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                        ('title', models.CharField(max_length=300, verbose_name='change')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('date', models.DateField(verbose_name='date')),
                        ('integrated', models.BooleanField(default=False, verbose_name='integrated into the management system')),
                        ('agen', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='perubahan', to='timkerja.agenperubahan')),
                        ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                        ('instansi', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.instansi', verbose_name='instansi')),
                    ],
                    options={
                        'verbose_name': 'change',
                        'verbose_name_plural': 'changes',
                        'db_table': 'pendampingan_perubahan',
                        'ordering': ['agen', 'date', 'id'],
                        'abstract': False,
                        'base_manager_name': 'unscoped',
                        'default_manager_name': 'objects',
                        'constraints': [models.UniqueConstraint(fields=('instansi', 'public_id'), name='pendampingan_perubahan_unique_public_id')],
                    },
                    managers=[
                        ('objects', django.db.models.manager.Manager()),
                        ('unscoped', django.db.models.manager.Manager()),
                    ],
                ),
                migrations.AddConstraint(
                    model_name='timkerja',
                    constraint=models.UniqueConstraint(fields=('instansi', 'public_id'), name='pendampingan_timkerja_unique_public_id'),
                ),
                migrations.AddConstraint(
                    model_name='timkerja',
                    constraint=models.UniqueConstraint(fields=('instansi', 'cycle', 'unit'), name='pendampingan_timkerja_unique'),
                ),
                migrations.AddIndex(
                    model_name='anggotatim',
                    index=models.Index(fields=['instansi', 'pegawai'], name='pendampingan_anggota_peg'),
                ),
                migrations.AddConstraint(
                    model_name='anggotatim',
                    constraint=models.UniqueConstraint(fields=('instansi', 'public_id'), name='pendampingan_anggotatim_unique_public_id'),
                ),
                migrations.AddConstraint(
                    model_name='anggotatim',
                    constraint=models.UniqueConstraint(condition=models.Q(('deleted_at__isnull', True)), fields=('instansi', 'tim', 'pegawai', 'peran', 'area'), name='pendampingan_anggota_unique', nulls_distinct=False),
                ),
                migrations.AddConstraint(
                    model_name='anggotatim',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('peran__in', ['anggota', 'koordinator']), ('area__isnull', False)), models.Q(models.Q(('peran__in', ['anggota', 'koordinator']), _negated=True), ('area__isnull', True)), _connector='OR'), name='pendampingan_anggota_pokja_has_area'),
                ),
                migrations.AddConstraint(
                    model_name='anggotatim',
                    constraint=models.UniqueConstraint(condition=models.Q(('deleted_at__isnull', True), ('peran__in', ['penanggung_jawab', 'ketua'])), fields=('instansi', 'tim', 'peran'), name='pendampingan_anggota_one_lead'),
                ),
                migrations.AddConstraint(
                    model_name='anggotatim',
                    constraint=models.UniqueConstraint(condition=models.Q(('deleted_at__isnull', True), ('peran', 'koordinator')), fields=('instansi', 'tim', 'area'), name='pendampingan_anggota_one_coordinator'),
                ),
                migrations.AddConstraint(
                    model_name='agenperubahan',
                    constraint=models.UniqueConstraint(fields=('instansi', 'public_id'), name='pendampingan_agenperubahan_unique_public_id'),
                ),
                migrations.AddConstraint(
                    model_name='agenperubahan',
                    constraint=models.UniqueConstraint(condition=models.Q(('deleted_at__isnull', True)), fields=('instansi', 'tim', 'pegawai'), name='pendampingan_agen_unique'),
                ),
            ],
            database_operations=[],
        ),
    ]
