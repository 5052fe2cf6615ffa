"""The people this app refers to are `people.Person` now (decision 0007): a change of the state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0008_documents_signatory_and_revocation"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: people 0001 renamed them, and the database's foreign keys
            # follow a renamed table (PostgreSQL by its oid, SQLite by rewriting the references).
            state_operations=[
                migrations.AlterField(
                    model_name="certificate",
                    name="person",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="certificates",
                        to="people.person",
                        verbose_name="recipient",
                    ),
                ),
                migrations.AlterField(
                    model_name="registration",
                    name="person",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="For an individual registration",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="event_registrations",
                        to="people.person",
                        verbose_name="participant",
                    ),
                ),
                migrations.AlterField(
                    model_name="registration",
                    name="supervisors",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="supervised_registrations",
                        to="people.person",
                        verbose_name="supervisors",
                    ),
                ),
                migrations.AlterField(
                    model_name="teammember",
                    name="person",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="team_memberships", to="people.person"
                    ),
                ),
            ],
        ),
    ]
