"""The people this app refers to are `people.Person` now (decision 0007): a change of the state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("labs", "0005_bounded_texts"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: people 0001 renamed them, and the database's foreign keys
            # follow a renamed table (PostgreSQL by its oid, SQLite by rewriting the references).
            state_operations=[
                migrations.AlterField(
                    model_name="authorisation",
                    name="person",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="authorisations",
                        to="people.person",
                        verbose_name="person",
                    ),
                ),
                migrations.AlterField(
                    model_name="booking",
                    name="person",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bookings",
                        to="people.person",
                        verbose_name="who uses it",
                    ),
                ),
                migrations.AlterField(
                    model_name="booking",
                    name="supervisor",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="supervised_bookings",
                        to="people.person",
                        verbose_name="supervising teacher",
                    ),
                ),
                migrations.AlterField(
                    model_name="trainingseat",
                    name="person",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="training_seats",
                        to="people.person",
                        verbose_name="person",
                    ),
                ),
            ],
        ),
    ]
