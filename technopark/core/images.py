"""Images without their metadata (issue 12, item 9): a phone's photo of children carries where it was taken
(GPS), when, with which camera, the owner's name, comments and a thumbnail of the original. None of that is
kept: what is stored and served is the picture alone.

- **JPEG** (and **MPO**, the JPEG with extra pictures that phones write) is decoded and written again as a
  plain JPEG with the original's quantisation tables and chroma subsampling, so the quality stays what it
  was; the EXIF orientation is applied to the pixels first, so the photo stays the right way up without it.
- **PNG** and **WebP** (also animated ones) are decoded and written again, lossless stays lossless (a lossy
  WebP is written at quality 90).
- **GIF** is not decoded: its comment and application blocks (XMP among them) are dropped from the bytes,
  keeping the frames, their timing and the loop exactly as they were (Pillow would quantise the frames again).

Kept: what is needed to draw the picture (colour profile, transparency, gamma, frame timing, loop).

`strip_metadata` is used for every upload (`core.files.validate_image`); `has_metadata` and
`clean_stored_images` clean files stored before, once on upgrade (the data migration
`portal.0006_strip_image_metadata`, which names every app's image fields) and whenever staff run
`manage.py strip_image_metadata` (every file field of every model).
"""

from __future__ import annotations

import io
import struct
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, ImageSequence, JpegImagePlugin

# What a written image keeps of what Pillow read: how it is drawn, nothing about who, where or with what.
RENDERING_INFO = frozenset(
    {"transparency", "duration", "loop", "background", "disposal", "blend", "icc_profile", "gamma", "srgb",
     "chromaticity"}
)  # fmt: skip
# What Pillow reads into ``info`` that is metadata.
METADATA_INFO = frozenset({"exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc", "extension"})
LOSSY_WEBP_QUALITY = 90
# PNG chunks that only draw the picture (the rest, such as tEXt, iTXt, zTXt, eXIf and tIME, is metadata).
PNG_DRAWING_CHUNKS = frozenset(
    {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"acTL", b"fcTL",
     b"fdAT"}
)  # fmt: skip
WEBP_DRAWING_CHUNKS = frozenset({b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"})
# JPEG segments that only draw the picture: JFIF, the colour profile, Adobe's colour transform.
JPEG_DRAWING_SEGMENTS = (("APP0", b"JFIF"), ("APP0", b"JFXX"), ("APP2", b"ICC_PROFILE"), ("APP14", b"Adobe"))
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif")


class ImageUnreadable(ValueError):
    """The bytes could not be read as the image they claimed to be (truncated, malformed)."""


def strip_metadata(data: bytes) -> bytes:
    """``data`` (a JPEG, MPO, PNG, WebP or GIF image) as the picture alone, in the same format (an MPO becomes
    a JPEG). Raises `ImageUnreadable` if the image cannot be read in full."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format == "GIF":
                return _strip_gif(data)
            if image.format in ("PNG", "WEBP") and getattr(image, "n_frames", 1) > 1:
                return _write_animation(image, lossless=_webp_lossless(data) if image.format == "WEBP" else True)
            return _write_still(image, data)
    except (OSError, SyntaxError, ValueError, IndexError, struct.error, Image.DecompressionBombError) as exc:
        raise ImageUnreadable(str(exc)) from exc


def has_metadata(data: bytes) -> bool:
    """Whether ``data`` holds anything `strip_metadata` would remove; False for an image it wrote. Used to
    clean stored files once and leave them alone afterwards (a JPEG written again loses a little each time).
    Raises `ImageUnreadable` if ``data`` cannot be read as an image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format == "GIF":
                return _strip_gif(data) != data
            if image.format == "MPO" or METADATA_INFO.intersection(map(str, image.info)) or image.getexif():
                return True
            if image.format == "JPEG":
                return _jpeg_has_metadata(image, data)
            if image.format == "PNG":
                return any(kind not in PNG_DRAWING_CHUNKS for kind in _png_chunks(data))
            if image.format == "WEBP":
                return _webp_has_metadata(data)
            return False
    except (OSError, SyntaxError, ValueError, IndexError, struct.error, Image.DecompressionBombError) as exc:
        raise ImageUnreadable(str(exc)) from exc


def _drawing_info(info: dict[Any, Any]) -> dict[Any, Any]:
    return {key: value for key, value in info.items() if key in RENDERING_INFO}


def _write_still(image: Image.Image, data: bytes) -> bytes:
    image.load()
    source_format = image.format
    params: dict[str, Any] = {}
    if source_format in ("JPEG", "MPO"):
        params["qtables"] = getattr(image, "quantization", None) or None
        sampling = JpegImagePlugin.get_sampling(image)
        if sampling != -1:
            params["subsampling"] = sampling
        params["progressive"] = bool(image.info.get("progressive"))
    elif source_format == "WEBP":
        params.update(_webp_params(_webp_lossless(data)))
    if image.info.get("icc_profile"):
        params["icc_profile"] = image.info["icc_profile"]
    picture = ImageOps.exif_transpose(image)  # the orientation goes into the pixels, a copy either way
    picture.info = _drawing_info(image.info)
    out = io.BytesIO()
    picture.save(out, format="JPEG" if source_format == "MPO" else source_format, **params)
    return out.getvalue()


def _write_animation(image: Image.Image, *, lossless: bool) -> bytes:
    source_format = image.format or "PNG"
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info.get("duration", 0))
        still = frame.copy()
        still.info = _drawing_info(frame.info)
        frames.append(still)
    params: dict[str, Any] = {"save_all": True, "append_images": frames[1:], "duration": durations,
                              "loop": image.info.get("loop", 0)}  # fmt: skip
    if source_format == "WEBP":
        params.update(_webp_params(lossless))
    if image.info.get("icc_profile"):
        params["icc_profile"] = image.info["icc_profile"]
    out = io.BytesIO()
    frames[0].save(out, format=source_format, **params)
    return out.getvalue()


def _webp_params(lossless: bool) -> dict[str, Any]:
    return {"lossless": True} if lossless else {"quality": LOSSY_WEBP_QUALITY}


def _jpeg_has_metadata(image: Image.Image, data: bytes) -> bool:
    for marker, payload in getattr(image, "applist", []):
        if not any(marker == kind and payload.startswith(prefix) for kind, prefix in JPEG_DRAWING_SEGMENTS):
            return True
    return not data.endswith(b"\xff\xd9")  # anything after the picture's end (a second picture, an archive)


def _png_chunks(data: bytes) -> Iterator[bytes]:
    position = 8
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        yield kind
        position += 12 + length
        if kind == b"IEND":
            if position < len(data):
                yield b"(data after IEND)"
            return


def _webp_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    position = 12
    while position + 8 <= len(data):
        kind, size = struct.unpack("<4sI", data[position : position + 8])
        yield kind, data[position + 8 : position + 8 + size]
        position += 8 + size + (size & 1)


def _webp_lossless(data: bytes) -> bool:
    for kind, payload in _webp_chunks(data):
        if kind in (b"VP8L", b"VP8 "):
            return kind == b"VP8L"
        if kind == b"ANMF":  # an animation frame: its picture follows 16 bytes of frame parameters
            return payload[16:20] == b"VP8L"
    return False


def _webp_has_metadata(data: bytes) -> bool:
    riff_size = struct.unpack("<I", data[4:8])[0]
    if riff_size + 8 != len(data):
        return True  # bytes outside the RIFF container
    return any(kind not in WEBP_DRAWING_CHUNKS for kind, _payload in _webp_chunks(data))


def _strip_gif(data: bytes) -> bytes:
    """The GIF's bytes without comment, plain-text and application blocks (but the loop count, which Netscape's
    application block holds) and without anything after its trailer."""
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise ImageUnreadable("not a GIF")
    position = 13 + _colour_table_size(data[10])
    out = bytearray(data[:position])
    while True:
        block = data[position]
        if block == 0x3B:  # the trailer
            out.append(0x3B)
            return bytes(out)
        start = position
        if block == 0x2C:  # an image: descriptor, local colour table, LZW code size, data sub-blocks
            position = _skip_sub_blocks(data, position + 10 + _colour_table_size(data[position + 9]) + 1)
            out += data[start:position]
        elif block == 0x21:  # an extension
            label = data[position + 1]
            position = _skip_sub_blocks(data, position + 2)
            identifier = data[start + 3 : start + 14]
            if label == 0xF9 or (label == 0xFF and identifier in (b"NETSCAPE2.0", b"ANIMEXTS1.0")):
                out += data[start:position]  # frame timing and transparency; the loop count
        else:
            raise ImageUnreadable("malformed GIF")


def _colour_table_size(flags: int) -> int:
    return 3 * (2 << (flags & 0x07)) if flags & 0x80 else 0


def _skip_sub_blocks(data: bytes, position: int) -> int:
    while size := data[position]:
        position += 1 + size
    return position + 1


# --- Files stored before ----------------------------------------------------------------------------------


@dataclass
class CleaningReport:
    """What `clean_stored_images` did: one line per image changed (or, on a dry run, to change) and one per
    file it could not look at, each naming the object."""

    changed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __iadd__(self, other: CleaningReport) -> CleaningReport:
        self.changed += other.changed
        self.problems += other.problems
        return self


def clean_stored_images(model: Any, fields: list[str], *, dry_run: bool = False) -> CleaningReport:
    """Strip the metadata of the images already stored in ``fields`` of ``model`` (a model class, also a
    migration's historical one); other files (PDF scans) are left alone. Each cleaned image is written under a
    new name in the same folder, the row is pointed at it (only if it still names the old file) and the old
    file deleted, so a reader never finds the row without its file. Idempotent: an image without metadata
    is not touched."""
    report = CleaningReport()
    for field_name in fields:
        storage = model._meta.get_field(field_name).storage
        rows = model._default_manager.exclude(**{field_name: ""}).exclude(**{f"{field_name}__isnull": True})
        for pk, name in rows.order_by("pk").values_list("pk", field_name).iterator():
            if name.lower().endswith(IMAGE_EXTENSIONS):
                label = f"{model._meta.label} {pk}, {field_name}: {name}"
                _clean_one(model, storage, field_name, pk, name, label=label, dry_run=dry_run, report=report)
    return report


def _clean_one(
    model: Any, storage: Any, field_name: str, pk: Any, name: str, *, label: str, dry_run: bool,
    report: CleaningReport,
) -> None:  # fmt: skip
    try:
        with storage.open(name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        report.problems.append(f"{label}: the file is missing")
        return
    try:
        if not has_metadata(data):
            return
        cleaned = strip_metadata(data)
    except ImageUnreadable as exc:
        report.problems.append(f"{label}: left as it is, the image cannot be read ({exc})")
        return
    if dry_run:
        report.changed.append(label)
        return
    folder, slash, base = name.rpartition("/")
    new_name = storage.save(f"{folder}{slash}{uuid.uuid4().hex}{base[base.rfind('.') :]}", ContentFile(cleaned))
    if model._default_manager.filter(pk=pk, **{field_name: name}).update(**{field_name: new_name}):
        storage.delete(name)
        report.changed.append(f"{label} -> {new_name}")
    else:
        storage.delete(new_name)  # the row changed meanwhile: it no longer names this file
