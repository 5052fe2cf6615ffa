"""Strip the metadata (GPS position, camera, dates, comments) of the images stored before uploads were cleaned
(issue 12, item 9). Here, in the app at the top of the dependency order, so that one migration names every
app's image fields; `manage.py strip_image_metadata` does the same for every file field at any time."""

from typing import Any

from django.db import migrations

from technopark.core.images import CleaningReport, clean_stored_images

# The fields that may hold an image: photos, and scans and answers that may be images rather than PDFs.
IMAGE_FIELDS = [
    ("accounts", "Consent", ["scan"]),
    ("network", "Agreement", ["scan"]),
    ("labs", "Lab", ["photo"]),
    ("projects", "StepImage", ["image"]),
    ("events", "Event", ["image"]),
    ("events", "EventDocument", ["file"]),
    ("events", "Answer", ["file"]),
    ("portal", "News", ["image"]),
]


def strip_image_metadata(apps: Any, schema_editor: Any) -> None:
    report = CleaningReport()
    for app_label, model_name, fields in IMAGE_FIELDS:
        report += clean_stored_images(apps.get_model(app_label, model_name), fields)
    if report.changed or report.problems:
        print(f"\n  Image metadata stripped: {len(report.changed)} file(s); not readable: {len(report.problems)}")
        for line in report.problems:
            print(f"  {line}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_bounded_texts"),
        ("network", "0006_bounded_texts"),
        ("labs", "0005_bounded_texts"),
        ("projects", "0002_bounded_texts"),
        ("events", "0007_bounded_texts"),
        ("portal", "0005_bounded_texts"),
    ]

    operations = [migrations.RunPython(strip_image_metadata, migrations.RunPython.noop, elidable=True)]
