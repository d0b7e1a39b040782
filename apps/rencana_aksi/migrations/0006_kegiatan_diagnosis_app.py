"""The risk or issue a kegiatan answers now lives in apps.diagnosis (issue 20): the same tables, so
only Django's picture of the foreign keys changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('diagnosis', '0001_initial'),
        ('rencana_aksi', '0005_kegiatan_soft_delete'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='kegiatan',
                    name='isu',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='kegiatan', to='diagnosis.isustrategis', verbose_name='strategic issue answered'),
                ),
                migrations.AlterField(
                    model_name='kegiatan',
                    name='risiko',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='kegiatan', to='diagnosis.risiko', verbose_name='risk answered'),
                ),
            ],
            database_operations=[],
        ),
    ]
