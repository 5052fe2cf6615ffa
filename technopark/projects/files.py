"""What a project file may be, checked by its content and size (DOMAIN.md rule 8).

The name's extension says what the file claims to be; the content must then look like that format (an STL
whose size matches its triangle count, a ZIP whose members are sane, a PDF with its header, code that is
text). Anything else is refused with a message the uploader understands. The stored name is generated; the
name shown and used for the download is the user's, cleaned.
"""

from __future__ import annotations

import re
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from technopark.projects.models import ProjectFile

# A ZIP may not unpack to more than this many bytes in total, nor hold more members (zip bombs).
ZIP_MAX_UNPACKED = 1024 * 1024 * 1024
ZIP_MAX_MEMBERS = 5000
TEXT_SAMPLE = 64 * 1024


def _head(upload: IO[bytes], size: int) -> bytes:
    upload.seek(0)
    data = upload.read(size)
    upload.seek(0)
    return data


def _is_stl(upload: IO[bytes], size: int) -> bool:
    """Binary STL: 80-byte header, a triangle count, 50 bytes per triangle; ASCII STL: ``solid … facet``."""
    head = _head(upload, TEXT_SAMPLE)
    if size >= 84:
        (count,) = struct.unpack("<I", head[80:84])
        if 84 + 50 * count == size:
            return True
    text = head.lstrip().lower()
    return text.startswith(b"solid") and b"facet" in text


def _is_text(upload: IO[bytes], size: int) -> bool:
    head = _head(upload, TEXT_SAMPLE)
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The sample may cut a multi-byte letter in two at its end.
        if exc.start < len(head) - 4:
            try:
                head.decode("cp1251")
            except UnicodeDecodeError:
                return False
    return True


def _is_obj(upload: IO[bytes], size: int) -> bool:
    return _is_text(upload, size) and re.search(rb"(?m)^v\s", _head(upload, TEXT_SAMPLE)) is not None


def _is_step(upload: IO[bytes], size: int) -> bool:
    return _head(upload, 32).lstrip().startswith(b"ISO-10303-21")


def _is_dxf(upload: IO[bytes], size: int) -> bool:
    head = _head(upload, 4096)
    return _is_text(upload, size) and b"SECTION" in head


def _is_svg(upload: IO[bytes], size: int) -> bool:
    return _is_text(upload, size) and b"<svg" in _head(upload, 4096).lower()


def _is_pdf(upload: IO[bytes], size: int) -> bool:
    return _head(upload, 5) == b"%PDF-"


def _zip_members(upload: IO[bytes]) -> list[str] | None:
    """The member names of a sane ZIP, or None: not a ZIP, too many members, paths leaving the archive,
    or unpacking to more than ZIP_MAX_UNPACKED."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if len(infos) > ZIP_MAX_MEMBERS or sum(info.file_size for info in infos) > ZIP_MAX_UNPACKED:
        return None
    names = [info.filename for info in infos]
    if any(name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") for name in names):
        return None
    return names


def _zip_with(*required: str) -> Callable[[IO[bytes], int], bool]:
    def check(upload: IO[bytes], size: int) -> bool:
        names = _zip_members(upload)
        return names is not None and all(any(name.startswith(prefix) for name in names) for prefix in required)

    return check


@dataclass(frozen=True)
class Format:
    kind: str
    check: Callable[[IO[bytes], int], bool]
    label: StrOrPromise


CODE_EXTENSIONS = (
    "py",
    "ino",
    "c",
    "cpp",
    "h",
    "hpp",
    "js",
    "ts",
    "java",
    "cs",
    "json",
    "scad",
    "gcode",
    "html",
    "css",
)
_CODE = Format(ProjectFile.Kind.CODE, _is_text, gettext_lazy("text"))
FORMATS: dict[str, Format] = {
    "stl": Format(ProjectFile.Kind.MODEL, _is_stl, "STL"),
    "obj": Format(ProjectFile.Kind.MODEL, _is_obj, "OBJ"),
    "3mf": Format(ProjectFile.Kind.MODEL, _zip_with("3D/"), "3MF"),
    "step": Format(ProjectFile.Kind.CAD, _is_step, "STEP"),
    "stp": Format(ProjectFile.Kind.CAD, _is_step, "STEP"),
    "dxf": Format(ProjectFile.Kind.CAD, _is_dxf, "DXF"),
    "svg": Format(ProjectFile.Kind.CAD, _is_svg, "SVG"),
    "f3d": Format(ProjectFile.Kind.CAD, _zip_with(), "Fusion 360"),
    "zip": Format(ProjectFile.Kind.ARCHIVE, _zip_with(), "ZIP"),
    "sb3": Format(ProjectFile.Kind.CODE, _zip_with("project.json"), "Scratch"),
    "pdf": Format(ProjectFile.Kind.DOCUMENT, _is_pdf, "PDF"),
    "docx": Format(ProjectFile.Kind.DOCUMENT, _zip_with("word/"), "Word"),
    "pptx": Format(ProjectFile.Kind.DOCUMENT, _zip_with("ppt/"), "PowerPoint"),
    "xlsx": Format(ProjectFile.Kind.DOCUMENT, _zip_with("xl/"), "Excel"),
    "odt": Format(ProjectFile.Kind.DOCUMENT, _zip_with("content.xml"), "OpenDocument"),
    "odp": Format(ProjectFile.Kind.DOCUMENT, _zip_with("content.xml"), "OpenDocument"),
    "txt": Format(ProjectFile.Kind.DOCUMENT, _is_text, gettext_lazy("text")),
    "md": Format(ProjectFile.Kind.DOCUMENT, _is_text, gettext_lazy("text")),
    **dict.fromkeys(CODE_EXTENSIONS, _CODE),
}


def clean_name(name: str) -> str:
    """The user's file name without folders or control characters, at most 120 characters, extension kept."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > 120:
        stem, _dot, ext = name.rpartition(".")
        name = f"{stem[: 119 - len(ext)]}.{ext}" if stem else name[:120]
    return name or "file"


def check_project_file(upload: UploadedFile) -> tuple[str, str]:
    """Check ``upload`` and return ``(kind, shown name)``; rename it to ``file.<ext>`` for storage.

    Raises `ValidationError` (code ``too_large``, ``empty``, ``unknown_format`` or ``content_mismatch``).
    """
    limit = settings.PROJECT_FILE_MAX_BYTES
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            _("The file is too large: at most %(limit)s MB.") % {"limit": limit // (1024 * 1024)}, code="too_large"
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    name = clean_name(upload.name or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    found = FORMATS.get(ext)
    if found is None:
        raise ValidationError(
            _(
                "Files of this type cannot be added. Add 3D models (STL, OBJ, 3MF), drawings (STEP, DXF, SVG, "
                "F3D), code (PY, INO, C, CPP, JS, SB3…), ZIP archives or documents (PDF, DOCX, PPTX, XLSX, ODT, TXT)."
            ),
            code="unknown_format",
        )
    if not found.check(upload, size):
        raise ValidationError(
            _("The file is named .%(ext)s but its content is not a %(format)s file; it may be damaged.")
            % {"ext": ext, "format": found.label},
            code="content_mismatch",
        )
    upload.name = f"file.{ext}"
    return found.kind, name
