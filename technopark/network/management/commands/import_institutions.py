"""Import a list of institutions from XLSX or CSV, all or nothing (see technopark/network/imports.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from technopark.network.imports import apply_plan, check_rows
from technopark.network.tabular import TableError, read_table


class Command(BaseCommand):
    help = (
        "Import institutions from an XLSX or CSV file with the template's columns. Every row is checked "
        "first; with any error nothing is imported and each error is listed as row, column, message."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check and report only; change nothing")

    def handle(self, *args: Any, file: Path, dry_run: bool, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            rows = read_table(file.read_bytes(), file.name)
        except TableError as error:
            raise CommandError(str(error.message)) from error

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"\rchecked {done} of {total} rows", ending="")

        plan = check_rows(rows, progress=progress)
        self.stderr.write("")
        if plan.problems:
            self.stdout.write("row\tcolumn\tmessage")
            for problem in plan.problems:
                self.stdout.write(f"{problem.row}\t{problem.column}\t{problem.message}")
            raise CommandError(f"{len(plan.problems)} error(s) in {file.name}; nothing was imported")
        if dry_run:
            self.stdout.write(f"OK: {plan.created} to add, {plan.updated} to update (dry run: nothing changed)")
            return
        summary = apply_plan(plan, actor=None, source=file.name)
        self.stdout.write(f"Imported: {summary['created']} added, {summary['updated']} updated")
