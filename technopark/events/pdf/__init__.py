"""PDF documents of events, made with WeasyPrint from HTML templates (ARCHITECTURE.md: documents).

The fonts (PT Sans and PT Serif, with Cyrillic; licence beside them) ship with the code, so that a
diploma looks the same on every server. WeasyPrint needs the Pango library of the operating system
(Debian: ``libpango-1.0-0 libpangoft2-1.0-0``); without it `render_certificate` raises `PdfUnavailable`,
which the pages show as a message, and the rest of the platform works.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

FONTS = Path(__file__).resolve().parent / "fonts"

FONT_FACES = f"""
@font-face {{ font-family: "PT Sans"; src: url("{(FONTS / "PTS55F.ttf").as_uri()}"); }}
@font-face {{ font-family: "PT Sans"; font-weight: bold; src: url("{(FONTS / "PTS75F.ttf").as_uri()}"); }}
@font-face {{ font-family: "PT Serif"; src: url("{(FONTS / "PTF55F.ttf").as_uri()}"); }}
@font-face {{ font-family: "PT Serif"; font-weight: bold; src: url("{(FONTS / "PTF75F.ttf").as_uri()}"); }}
@font-face {{ font-family: "PT Serif"; font-style: italic; src: url("{(FONTS / "PTF56F.ttf").as_uri()}"); }}
"""


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load the system libraries it needs on this server."""


@cache
def _weasyprint() -> Any:
    try:
        import weasyprint
    except OSError as error:  # Pango missing: WeasyPrint fails when it loads the library
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def available() -> bool:
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def verify_url(code: str, *, site_url: str | None = None) -> str:
    """Where a document's code is checked: the site's configured address, or ``site_url`` (the address the
    staff member who issued it opened the site at, in development)."""
    return f"{(site_url or settings.SITE_URL).rstrip('/')}/verify/{code}/"


def _data_uri(content: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(content).decode()}"


@cache
def _logo() -> str:
    path = finders.find("core/img/logo.svg")
    return _data_uri(Path(str(path)).read_bytes(), "image/svg+xml") if path else ""


def qr_data_uri(text: str) -> str:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=4, border=0)
    return _data_uri(buffer.getvalue(), "image/svg+xml")


def render_certificate(context: dict[str, Any], *, language: str) -> bytes:
    """The PDF of one certificate; ``context`` as `services.certificates.document_context` makes it."""
    weasyprint = _weasyprint()
    with translation.override(language):
        centre = settings.CENTRE
        html = render_to_string(
            "events/pdf/certificate.html",
            {
                **context,
                "centre_name": centre["name"].get(language) or centre["name"]["ru"],
                "centre_full_name": centre["full_name"].get(language) or centre["full_name"]["ru"],
                "logo": _logo(),
                "qr": qr_data_uri(context["verify_url"]),
                "language": language,
            },
        )
    fonts = weasyprint.text.fonts.FontConfiguration()
    css = weasyprint.CSS(string=FONT_FACES, font_config=fonts)
    return weasyprint.HTML(string=html, base_url=FONTS.as_uri()).write_pdf(stylesheets=[css], font_config=fonts)
