"""The header and footer kept in memory (`core.chrome`): the same HTML as a fresh render, with each
request's own CSRF token, menu section and language links."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from technopark.core import chrome

HEADER = re.compile(r'<header class="site-header">.*?</header>', re.S)
FOOTER = re.compile(r'<footer class="site-footer">.*?</footer>', re.S)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def fresh():
    chrome.clear()
    yield
    chrome.clear()
    translation.activate("ru")  # the /en/ pages leave English active in this thread


def header_of(response) -> str:
    return HEADER.search(response.content.decode()).group(0)


def current_links(header: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"[^>]*aria-current="page"', header)


@pytest.mark.parametrize("who", ["anonymous", "teacher", "administrator"])
@pytest.mark.parametrize("path", ["/news/", "/labs/", "/en/labs/", "/events/my/", "/people/", "/accounts/profile/"])
def test_the_kept_header_and_footer_are_what_the_templates_render(who, path, personas, client_for):
    client = client_for(personas[who])
    first = client.get(path)
    assert first.status_code in (200, 302)
    if first.status_code != 200:
        return
    assert chrome._header  # kept
    again = client.get(path)  # from memory
    chrome.clear()
    fresh = client.get(path)  # rendered anew
    strip = lambda html: TOKEN.sub("", html)  # noqa: E731 - a token is new for every render
    assert strip(header_of(again)) == strip(header_of(fresh)) == strip(header_of(first))
    assert FOOTER.search(again.content.decode()).group(0) == FOOTER.search(fresh.content.decode()).group(0)


def test_the_menu_section_follows_the_page(personas, client_for):
    client = client_for(personas["teacher"])
    assert current_links(header_of(client.get("/news/"))) == ["/news/"]
    assert current_links(header_of(client.get("/labs/"))) == ["/labs/"]
    assert current_links(header_of(client.get("/labs/my/"))) == ["/labs/my/"]
    assert current_links(header_of(client.get("/events/"))) == ["/events/"]
    assert current_links(header_of(client.get("/accounts/profile/"))) == ["/accounts/profile/"]
    assert current_links(header_of(client.get("/en/news/"))) == ["/en/news/"]


def test_the_language_switch_points_at_this_page_with_its_query(client, db):
    header = header_of(client.get("/labs/?week=2026-06-01&a=1"))
    assert 'href="/en/labs/?week=2026-06-01&amp;a=1" lang="en"' in header
    assert 'href="/labs/?week=2026-06-01&amp;a=1" lang="ru"' in header
    header = header_of(client.get("/news/"))
    assert 'href="/en/news/" lang="en"' in header
    assert re.search(r'href="/news/" lang="ru" hreflang="ru" aria-current="true"', header)


def test_the_staff_menu_follows_the_roles(personas, client_for):
    assert "dropdown__menu" not in header_of(client_for(personas["teacher"]).get("/news/"))
    admin_header = header_of(client_for(personas["administrator"]).get("/news/"))
    assert "dropdown__menu" in admin_header
    # The teacher's kept header is not the administrator's.
    assert "dropdown__menu" not in header_of(client_for(personas["teacher"]).get("/news/"))


def test_each_request_signs_out_with_its_own_valid_token(personas):
    tokens = []
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        client.force_login(personas["teacher"])
        token = TOKEN.search(header_of(client.get("/news/"))).group(1)
        tokens.append(token)
        response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session
    assert tokens[0] != tokens[1]


def test_the_footer_follows_the_centre_setting(client, db, settings):
    client.get("/news/")
    settings.CENTRE = {**settings.CENTRE, "full_name": "Другой центр"}
    assert "Другой центр" in FOOTER.search(client.get("/news/").content.decode()).group(0)


@pytest.mark.parametrize("active", ["ru", "en", "be"])
def test_the_kept_language_addresses_are_what_translate_url_gives(active, db):
    from django.urls import translate_url

    paths = [
        "/news/",
        "/en/news/",
        "/be/labs/?week=2026-06-01",
        "/labs/fablab/week/?a=1&b=%D0%B0",
        "/nowhere/?q=1",
        "/",
    ]
    with translation.override(active):
        for path in paths:
            for code in ("ru", "en", "be"):
                assert chrome._translated(path, code) == translate_url(path, code)
                assert chrome._translated(path, code) == translate_url(path, code)  # kept


@pytest.mark.parametrize("who", ["anonymous", "teacher"])
def test_a_missing_page_has_the_header_without_a_current_section(who, personas, client_for):
    response = client_for(personas[who]).get("/nowhere/?q=1")
    assert response.status_code == 404
    header = header_of(response)
    assert current_links(header) == []  # no resolver match, and no menu item's path
    assert 'href="/nowhere/?q=1" lang="en"' in header  # an address that resolves nowhere stays as it is
    # The sections follow the path, as they always did: a missing page under /labs/ is in "Labs".
    assert current_links(header_of(client_for(personas[who]).get("/labs/nowhere/"))) == ["/labs/"]
