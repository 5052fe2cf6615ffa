"""The people this app refers to are `people.Person` now (decision 0007): a change of the state only."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("projects", "0002_bounded_texts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: people 0001 renamed them, and the database's foreign keys
            # follow a renamed table (PostgreSQL by its oid, SQLite by rewriting the references).
            state_operations=[
                migrations.AlterField(
                    model_name="project",
                    name="supervisors",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="supervised_projects",
                        to="people.person",
                        verbose_name="supervising teachers",
                    ),
                ),
                migrations.AlterField(
                    model_name="project",
                    name="team",
                    field=models.ManyToManyField(
                        blank=True, related_name="projects", to="people.person", verbose_name="team"
                    ),
                ),
                migrations.AlterField(
                    model_name="stepimage",
                    name="people",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="project_photos",
                        to="people.person",
                        verbose_name="who can be recognised",
                    ),
                ),
            ],
        ),
    ]
