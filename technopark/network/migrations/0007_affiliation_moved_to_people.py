"""`Affiliation` moved to people with its table (people 0001, decision 0007): network forgets it, state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0006_bounded_texts"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables are people's now: people 0001 renamed them; nothing changes in the database.
            state_operations=[
                migrations.DeleteModel(
                    name="Affiliation",
                ),
            ],
        ),
    ]
