"""The diagnosis and the tim kerja moved to apps.diagnosis and apps.timkerja (issue 20) with their
tables: pendampingan forgets the models, the database keeps the tables for their new owners."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('pendampingan', '0006_team_soft_delete'),
        ('diagnosis', '0001_initial'),
        ('timkerja', '0001_initial'),
        ('rencana_aksi', '0006_kegiatan_diagnosis_app'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Perubahan'),
                migrations.DeleteModel(name='AgenPerubahan'),
                migrations.DeleteModel(name='AnggotaTim'),
                migrations.DeleteModel(name='TimKerja'),
                migrations.DeleteModel(name='Risiko'),
                migrations.DeleteModel(name='IsuStrategis'),
                migrations.DeleteModel(name='LayananUtama'),
                migrations.DeleteModel(name='Diagnosis'),
            ],
            database_operations=[],
        ),
    ]
