"""Who signs an event's documents, and why a document was revoked as a code, shown in the reader's language.

Documents the platform revoked before kept the reason as a sentence in the language of whoever reissued
them; those sentences (in any of the three languages) become their code, and anything else stays what staff
typed, marked as revoked by staff."""

from django.db import migrations, models

# The two sentences the platform wrote, as the Russian, Belarusian and English catalogs had them.
SENTENCES = {
    "reissued": {"Reissued with changes", "Выдан заново с изменениями", "Выдадзены нанава са зменамі"},
    "no_longer_due": {
        "No longer due: the registration or its result changed",
        "Больше не полагается: изменилась заявка или её итог",
        "Больш не належыць: змянілася заяўка або яе вынік",
    },
}


def reasons_to_codes(apps, schema_editor):
    Certificate = apps.get_model("events", "Certificate")
    for certificate in Certificate.objects.filter(revoked_at__isnull=False).only("pk", "revoke_reason"):
        code = next((code for code, texts in SENTENCES.items() if certificate.revoke_reason in texts), "by_staff")
        reason = "" if code != "by_staff" else certificate.revoke_reason
        Certificate.objects.filter(pk=certificate.pk).update(revoked_because=code, revoke_reason=reason)


def codes_to_reasons(apps, schema_editor):
    Certificate = apps.get_model("events", "Certificate")
    russian = {
        "reissued": "Выдан заново с изменениями",
        "no_longer_due": "Больше не полагается: изменилась заявка или её итог",
    }
    for code, text in russian.items():
        Certificate.objects.filter(revoked_because=code).update(revoke_reason=text)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_bounded_texts"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="revoked_because",
            field=models.CharField(
                blank=True,
                choices=[
                    ("reissued", "Reissued with changes"),
                    ("no_longer_due", "No longer due: the registration or its result changed"),
                    ("by_staff", "Revoked by staff"),
                ],
                max_length=16,
                verbose_name="revoked because",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="signatory_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="name of the signatory"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="signatory_position",
            field=models.CharField(blank=True, max_length=200, verbose_name="position of the signatory"),
        ),
        migrations.AddField(
            model_name="event",
            name="signatory_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="name of the signatory"),
        ),
        migrations.AddField(
            model_name="event",
            name="signatory_position",
            field=models.CharField(blank=True, max_length=200, verbose_name="position of the signatory"),
        ),
        migrations.RunPython(reasons_to_codes, codes_to_reasons),
    ]
