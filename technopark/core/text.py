"""Text as people in Minsk type it: search keys and phone numbers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SPACES = re.compile(r"\s+")
_QUOTES = re.compile(r"[«»\"“”„'`]")


def search_key(*parts: str) -> str:
    """Lower-case, ё→е, no quotes, single spaces: «Гимназия №1 г. Минска» and "гимназия № 1" meet."""
    text = " ".join(part for part in parts if part)
    text = _QUOTES.sub(" ", text.lower().replace("ё", "е"))
    text = text.replace("№ ", "№")
    return _SPACES.sub(" ", text).strip()


def normalize_phone(raw: str) -> str:
    """A Belarusian number as ``+375 XX XXX-XX-XX`` (city numbers too); other countries' as +digits.

    Accepts what people write: "8 (029) 123-45-67", "80291234567", "+375291234567", "375 17 200 00 00",
    "(017) 200-00-00". Raises `ValidationError` with a message for anything else.
    """
    text = raw.strip()
    if not text:
        return ""
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") and not digits.startswith("375"):
        if 8 <= len(digits) <= 15:
            return "+" + digits
        raise ValidationError(_("Enter a phone number with its country code, e.g. +375 29 123-45-67."), code="phone")
    if digits.startswith("80") and len(digits) == 11:
        digits = "375" + digits[2:]
    elif digits.startswith("0") and len(digits) == 10:
        digits = "375" + digits[1:]
    elif len(digits) == 9:
        digits = "375" + digits
    if not (digits.startswith("375") and len(digits) == 12):
        raise ValidationError(_("Enter a phone number with its country code, e.g. +375 29 123-45-67."), code="phone")
    national = digits[3:]
    return f"+375 {national[:2]} {national[2:5]}-{national[5:7]}-{national[7:]}"


def _balanced(text: str, opening: str, closing: str) -> bool:
    depth = 0
    for char in text:
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def quoted(text: str, language: str = "ru") -> str:
    """A name in quotation marks as a document prints it: «…» with „…“ for the quotes inside it in Russian and
    Belarusian, “…” with ‘…’ in English. A name already wrapped whole is not wrapped twice, so
    `Открытый конкурс «Роботы»` and `«Открытый конкурс «Роботы»»` both give «Открытый конкурс „Роботы“»."""
    inner = text.strip()
    if inner.startswith("«") and inner.endswith("»") and _balanced(inner[1:-1], "«", "»"):
        inner = inner[1:-1]
    if language == "en":
        return "“" + inner.replace("«", "‘").replace("»", "’") + "”"
    return "«" + inner.replace("«", "„").replace("»", "“") + "»"
