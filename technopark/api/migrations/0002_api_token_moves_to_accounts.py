from django.db import migrations


class Migration(migrations.Migration):
    """The model moves to accounts (its page is there); its table stays, so only the state changes."""

    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiToken")],
            database_operations=[],
        ),
    ]
