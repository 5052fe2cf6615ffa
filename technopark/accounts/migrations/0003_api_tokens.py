import datetime as dt

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Tokens issued before tokens expired work this long after they were issued (TOKEN_MAX_DAYS).
DAYS = 180


def move_content_type(apps, schema_editor):
    """Audit records of tokens point at the content type; it follows the model (and its permissions)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="accounts", model="apitoken").exists():
        ContentType.objects.filter(app_label="api", model="apitoken").update(app_label="accounts")


def set_expiry(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + dt.timedelta(days=DAYS))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_people_and_consent"),
        ("api", "0002_api_token_moves_to_accounts"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        ("name", models.CharField(blank=True, max_length=100, verbose_name="name")),
                        ("key_hash", models.CharField(max_length=64, unique=True, verbose_name="key hash")),
                        (
                            "prefix",
                            models.CharField(
                                help_text="The first characters, to tell tokens apart", max_length=12, verbose_name="prefix"
                            ),
                        ),
                        ("last_used_at", models.DateTimeField(blank=True, null=True, verbose_name="last used")),
                        ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="api_tokens",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "API token",
                        "verbose_name_plural": "API tokens",
                        "ordering": ["-created_at"],
                        "db_table": "api_apitoken",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="valid until"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="issued_with_second_factor",
            field=models.BooleanField(default=False, verbose_name="issued after two-factor sign-in"),
        ),
        migrations.RunPython(set_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="valid until"),
        ),
        migrations.AlterModelOptions(
            name="apitoken",
            options={
                "ordering": ["-created_at", "-id"],
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
            },
        ),
    ]
