"""The registry of people and consent moved to people with its tables (people 0001, decision 0007): accounts
forgets the models, state only, after every app that referred to them points at people."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_bounded_texts"),
        ("people", "0001_initial"),
        ("events", "0009_person_moved_to_people"),
        ("labs", "0006_person_moved_to_people"),
        ("network", "0007_affiliation_moved_to_people"),
        ("projects", "0003_person_moved_to_people"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables are people's now: people 0001 renamed them; nothing changes in the database.
            state_operations=[
                migrations.RemoveField(
                    model_name="guardianship",
                    name="claim_code",
                ),
                migrations.RemoveField(
                    model_name="consent",
                    name="giver",
                ),
                migrations.RemoveField(
                    model_name="consent",
                    name="recorded_by",
                ),
                migrations.RemoveField(
                    model_name="consent",
                    name="subject",
                ),
                migrations.RemoveField(
                    model_name="consent",
                    name="text",
                ),
                migrations.RemoveField(
                    model_name="consent",
                    name="withdrawn_by",
                ),
                migrations.RemoveField(
                    model_name="consenttext",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="guardianship",
                    name="child",
                ),
                migrations.RemoveField(
                    model_name="guardianship",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="guardianship",
                    name="guardian",
                ),
                migrations.RemoveField(
                    model_name="notduplicate",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="notduplicate",
                    name="first",
                ),
                migrations.RemoveField(
                    model_name="notduplicate",
                    name="second",
                ),
                migrations.RemoveField(
                    model_name="person",
                    name="birth_date_confirmed_by",
                ),
                migrations.RemoveField(
                    model_name="person",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="person",
                    name="user",
                ),
                migrations.DeleteModel(
                    name="ClaimCode",
                ),
                migrations.DeleteModel(
                    name="Consent",
                ),
                migrations.DeleteModel(
                    name="ConsentText",
                ),
                migrations.DeleteModel(
                    name="Guardianship",
                ),
                migrations.DeleteModel(
                    name="NotDuplicate",
                ),
                migrations.DeleteModel(
                    name="Person",
                ),
            ],
        ),
    ]
