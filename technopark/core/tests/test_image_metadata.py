"""Images are stored without their metadata (issue 12, item 9): no GPS position, camera, comment or XMP packet
survives an upload or, once cleaned, a stored file; the picture itself (orientation, frames, transparency)
stays as it looked."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.management import call_command
from PIL import Image, PngImagePlugin

from technopark.core.files import validate_document, validate_image
from technopark.core.images import clean_stored_images, has_metadata, strip_metadata

GPS_IFD = 0x8825
ORIENTATION = 0x0112
RED, GREEN = (220, 20, 20), (20, 220, 20)


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15 Pro"
    exif[GPS_IFD] = {1: "N", 2: (53.0, 54.0, 12.5), 3: "E", 4: (27.0, 33.0, 40.1)}
    return exif


def _photo(orientation: int = 1, fmt: str = "JPEG") -> bytes:
    """A 40×20 picture, green on its left quarter, as a phone writes it: GPS, camera, XMP and a comment."""
    picture = Image.new("RGB", (40, 20), RED)
    picture.paste(GREEN, (0, 0, 10, 20))
    buffer = io.BytesIO()
    extra: dict[str, Any] = {"comment": b"Taken at home"} if fmt == "JPEG" else {}
    picture.save(buffer, fmt, exif=_exif(orientation), xmp=b"<x:xmpmeta>GPSLatitude 53,54</x:xmpmeta>", **extra)
    return buffer.getvalue()


def _assert_picture_alone(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "xmp", "comment", "XML:com.adobe.xmp"} & set(image.info)
    for leak in (b"iPhone", b"Apple", b"GPSLatitude", b"Taken at home"):
        assert leak not in data
    return image


def _stored(upload: Any) -> bytes:
    name = default_storage.save("tests/image.bin", upload)
    with default_storage.open(name, "rb") as handle:
        return handle.read()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_a_jpeg_with_a_gps_position_is_stored_without_it() -> None:
    upload = SimpleUploadedFile("IMG_0042.jpg", _photo(), content_type="image/jpeg")
    assert Image.open(io.BytesIO(_photo())).getexif().get_ifd(GPS_IFD)  # the phone's photo has it
    stored = _stored(validate_image(upload))
    image = _assert_picture_alone(stored)
    assert image.format == "JPEG" and image.size == (40, 20)


def test_the_orientation_goes_into_the_pixels() -> None:
    # Orientation 6: the camera was turned; viewers rotate the picture 90° clockwise to show it.
    image = _assert_picture_alone(strip_metadata(_photo(orientation=6)))
    assert image.size == (20, 40)
    top_left = image.convert("RGB").getpixel((0, 0))
    assert isinstance(top_left, tuple) and top_left[1] > 150  # the green left edge is now on top


def test_a_large_upload_is_cleaned_in_the_temporary_file_the_storage_moves() -> None:
    data = _photo()
    upload = TemporaryUploadedFile("IMG_0042.jpg", "image/jpeg", len(data), None)
    upload.write(data)
    upload.seek(0)
    stored = _stored(validate_image(upload))
    upload.close()  # the storage moved its file into place, as for a real upload
    _assert_picture_alone(stored)


def test_a_scan_that_is_an_image_is_cleaned_too() -> None:
    upload = SimpleUploadedFile("scan.jpg", _photo(), content_type="image/jpeg")
    _assert_picture_alone(_stored(validate_document(upload)))


def test_png_and_webp_lose_their_text_exif_and_xmp_and_keep_transparency() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Ivan Petrov")
    buffer = io.BytesIO()
    Image.new("RGBA", (8, 8), (1, 2, 3, 100)).save(buffer, "PNG", pnginfo=info, exif=_exif())
    png = strip_metadata(buffer.getvalue())
    assert b"Ivan Petrov" not in png
    image = _assert_picture_alone(png)
    assert image.mode == "RGBA" and image.getpixel((0, 0)) == (1, 2, 3, 100)
    webp = strip_metadata(_photo(fmt="WEBP"))
    assert _assert_picture_alone(webp).format == "WEBP"


def test_an_animated_gif_keeps_its_frames_and_timing_but_not_its_comment() -> None:
    frames = [Image.new("RGB", (10, 10), colour).convert("P") for colour in (RED, GREEN, (20, 20, 220))]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, "GIF", save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0,
        comment=b"Taken at home",
    )  # fmt: skip
    cleaned = strip_metadata(buffer.getvalue())
    assert b"Taken at home" not in cleaned
    image = Image.open(io.BytesIO(cleaned))
    durations = []
    for number in range(image.n_frames):
        image.seek(number)
        durations.append(image.info["duration"])
    assert durations == [100, 200, 300] and image.info["loop"] == 0


def test_a_phones_multi_picture_jpeg_is_accepted_as_its_first_picture() -> None:
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (10, 10), RED), Image.new("RGB", (10, 10), GREEN)
    first.save(buffer, "MPO", save_all=True, append_images=[second], exif=_exif())
    upload = validate_image(SimpleUploadedFile("IMG.jpg", buffer.getvalue(), content_type="image/jpeg"))
    assert upload.name == "image.jpg"
    image = _assert_picture_alone(upload.read())
    assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1


def test_a_truncated_image_is_refused() -> None:
    upload = SimpleUploadedFile("cut.jpg", _photo()[:-200], content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        validate_image(upload)
    assert refused.value.code == "not_image"


def test_a_cleaned_image_is_left_alone_the_next_time() -> None:
    cleaned = strip_metadata(_photo())
    assert has_metadata(_photo()) and not has_metadata(cleaned)


@pytest.mark.django_db
def test_an_image_stored_before_is_cleaned_once_by_the_command(make_user: Any) -> None:
    from technopark.portal import services
    from technopark.portal.models import News

    news = services.create_news(actor=make_user("editor@example.test", "methodologist"), title_ru="Новость")
    news.image.save("photo.jpg", ContentFile(_photo()))  # as uploads were stored before this release
    old_name = news.image.name
    out = io.StringIO()
    call_command("strip_image_metadata", "--dry-run", stdout=out)
    assert f"portal.News {news.pk}, image: {old_name}" in out.getvalue()
    assert "1 image(s) carry metadata" in out.getvalue()
    news.refresh_from_db()
    assert news.image.name == old_name  # a dry run changes nothing
    out = io.StringIO()
    call_command("strip_image_metadata", stdout=out)
    assert "1 image(s) cleaned" in out.getvalue()
    news.refresh_from_db()
    assert news.image.name != old_name and not default_storage.exists(old_name)
    with news.image.open("rb") as handle:
        _assert_picture_alone(handle.read())
    again = io.StringIO()
    call_command("strip_image_metadata", stdout=again)
    assert "0 image(s) cleaned" in again.getvalue()
    assert News.objects.get(pk=news.pk).image.name == news.image.name


class _AppsAfterTheMove:
    """Today's models under the labels the migration knew: consents were in accounts then (decision 0007)."""

    def get_model(self, app_label: str, model_name: str) -> Any:
        if (app_label, model_name) == ("accounts", "Consent"):
            app_label = "people"
        return django_apps.get_model(app_label, model_name)


@pytest.mark.django_db
def test_the_upgrade_migration_cleans_every_apps_stored_images(make_user: Any) -> None:
    from technopark.labs.models import Lab
    from technopark.people import services as people_services

    lab = Lab.objects.get(code="fablab")
    lab.photo.save("lab.jpg", ContentFile(_photo()))
    child = people_services.create_person(
        actor=None, last_name="Иванов", first_name="Иван", birth_date=dt.date.today() - dt.timedelta(days=3660)
    )
    parent = people_services.ensure_own_person(make_user("parent.scan@example.test", "guardian"))
    people_services.link_guardian(child, parent, actor=None)
    text = people_services.create_consent_text(actor=None, purpose="publication", title_ru="С", body_ru="Т")
    people_services.publish_consent_text(text, actor=None)
    signed = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    consent = people_services.give_consent(
        child, purpose="publication", giver=parent, actor=None, channel="paper", scan=signed
    )
    consent.scan.save("scan.jpg", ContentFile(_photo()))  # a photographed form, stored before this release
    migration = importlib.import_module("technopark.portal.migrations.0006_strip_image_metadata")
    migration.strip_image_metadata(_AppsAfterTheMove(), None)
    lab.refresh_from_db()
    consent.refresh_from_db()
    for stored in (lab.photo, consent.scan):
        with stored.open("rb") as handle:
            _assert_picture_alone(handle.read())
    assert not clean_stored_images(Lab, ["photo"]).changed  # nothing left to do
