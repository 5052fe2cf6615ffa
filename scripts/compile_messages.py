"""Compile the translation catalogs (.po → .mo) without GNU gettext, and check them.

Users never need gettext: the compiled .mo files are committed. `make messages` runs this after
`makemessages`; `make check` runs it with --check, which fails when a catalog has an untranslated
or fuzzy entry, or when a committed .mo is out of date with its .po.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIRS = [ROOT / "locale", ROOT / "locale-vendor"]


def catalogs() -> list[Path]:
    return sorted(path for base in CATALOG_DIRS for path in base.glob("*/LC_MESSAGES/django.po"))


def problems_in(po_path: Path) -> list[str]:
    po = polib.pofile(str(po_path))
    found = []
    for entry in po:
        if entry.obsolete:
            continue
        where = f"{po_path.relative_to(ROOT)}: {entry.msgid[:60]!r}"
        if "fuzzy" in entry.flags:
            found.append(f"{where} is fuzzy")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                found.append(f"{where} has an untranslated plural form")
        elif not entry.msgstr:
            found.append(f"{where} is not translated")
    return found


def compiled(po_path: Path) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "django.mo"
        polib.pofile(str(po_path)).save_as_mofile(str(target))
        return target.read_bytes()


def main(check: bool) -> int:
    failures: list[str] = []
    for po_path in catalogs():
        mo_path = po_path.with_suffix(".mo")
        data = compiled(po_path)
        if check:
            failures += problems_in(po_path)
            if not mo_path.exists() or mo_path.read_bytes() != data:
                failures.append(f"{mo_path.relative_to(ROOT)} is out of date: run `make messages` and commit it")
        else:
            mo_path.write_bytes(data)
            print(f"compiled {mo_path.relative_to(ROOT)}")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv[1:]))
