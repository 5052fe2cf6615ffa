"""A booking of a whole lab for a group lesson: ``lab`` instead of ``equipment``, exactly one of them. Its
held units are ordinary `BookingUnit` rows, so the exclusion constraint of 0002 covers it unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('labs', '0003_trainings'),
    ]

    operations = [
        migrations.AddField(
            model_name='booking',
            name='lab',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='lab_bookings', to='labs.lab', verbose_name='whole lab'),
        ),
        migrations.AlterField(
            model_name='booking',
            name='equipment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='bookings', to='labs.equipment', verbose_name='equipment'),
        ),
        migrations.AddIndex(
            model_name='booking',
            index=models.Index(fields=['lab', 'starts_at', 'ends_at'], name='booking_lab_span'),
        ),
        migrations.AddConstraint(
            model_name='booking',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('equipment__isnull', False), ('lab__isnull', True)), models.Q(('equipment__isnull', True), ('lab__isnull', False)), _connector='OR'), name='booking_equipment_or_lab'),
        ),
    ]
