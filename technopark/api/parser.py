"""The API's parser: Django Ninja's JSON and query-string parsing, refusing text with a NUL character.

The pages' forms refuse it (Django's `ProhibitNullCharactersValidator`) and PostgreSQL cannot store or
compare it, so an API request carrying one would otherwise end in a database error (a 500). Checked here,
once for every schema, the request is refused with a 422 that names the fields (`api._on_nul_character`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser


class NulCharacterError(ValueError):
    def __init__(self, locations: list[tuple[Any, ...]]) -> None:
        super().__init__("NUL character in the request")
        self.locations = locations


def _nul_locations(value: Any, location: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    if isinstance(value, str):
        return [location] if "\x00" in value else []
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _nul_locations(item, (*location, str(key)))] + [
            (*location, key) for key in value if isinstance(key, str) and "\x00" in key
        ]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _nul_locations(item, (*location, index))]
    return []


class TextParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        if found := _nul_locations(data, ("body",)):
            raise NulCharacterError(found)
        return data

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> Any:
        parsed = super().parse_querydict(data, list_fields, request)
        if found := _nul_locations(parsed, ("query",)):
            raise NulCharacterError(found)
        return parsed
