"""Strip the metadata (GPS position, camera, dates, comments) of images stored before uploads were cleaned:
every file field of every model, images only (issue 12, item 9). Run once on upgrade by the data migration
`portal.0006_strip_image_metadata`; run it again at any time, it changes only images that still carry
metadata (files restored from an old backup, for instance)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import models

from technopark.core.images import CleaningReport, clean_stored_images


def file_fields() -> list[tuple[Any, list[str]]]:
    """Every model with file fields (images among them), with the names of those fields."""
    found = []
    for model in apps.get_models():
        names = [field.name for field in model._meta.concrete_fields if isinstance(field, models.FileField)]
        if names:
            found.append((model, names))
    return found


class Command(BaseCommand):
    help = "Strip the metadata (GPS position, camera, comments) of the images already stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List the images that carry metadata; change none.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = CleaningReport()
        for model, names in file_fields():
            report += clean_stored_images(model, names, dry_run=options["dry_run"])
        for line in report.changed:
            self.stdout.write(line)
        for line in report.problems:
            self.stderr.write(line)
        verb = "carry metadata" if options["dry_run"] else "cleaned"
        self.stdout.write(f"{len(report.changed)} image(s) {verb}, {len(report.problems)} file(s) could not be read")
