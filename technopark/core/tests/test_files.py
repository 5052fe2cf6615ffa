from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from technopark.core.files import random_upload_name, validate_image


def _image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), (200, 10, 10)).save(buffer, format=fmt)
    return buffer.getvalue()


def test_a_real_png_is_accepted_and_renamed_by_its_content():
    upload = SimpleUploadedFile("holiday.exe", _image_bytes("PNG"), content_type="application/octet-stream")
    assert validate_image(upload).name == "image.png"


def test_a_jpeg_named_png_gets_the_jpeg_extension():
    upload = SimpleUploadedFile("photo.png", _image_bytes("JPEG"), content_type="image/png")
    assert validate_image(upload).name == "image.jpg"


def test_a_script_disguised_as_an_image_is_refused():
    upload = SimpleUploadedFile("photo.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ValidationError) as info:
        validate_image(upload)
    assert info.value.code == "not_image"


def test_an_image_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_IMAGE_MAX_BYTES = 100
    upload = SimpleUploadedFile("big.png", _image_bytes("PNG") + b"\0" * 200, content_type="image/png")
    with pytest.raises(ValidationError) as info:
        validate_image(upload)
    assert info.value.code == "too_large"


def test_an_unsupported_image_format_is_refused():
    upload = SimpleUploadedFile("pic.bmp", _image_bytes("BMP"), content_type="image/bmp")
    with pytest.raises(ValidationError):
        validate_image(upload)


def test_stored_names_are_random_and_keep_only_a_known_extension():
    first = random_upload_name("news", "image.png")
    second = random_upload_name("news", "image.png")
    assert first != second
    assert first.startswith("news/") and first.endswith(".png")
    assert random_upload_name("news", "../../etc/passwd").endswith(".bin")
