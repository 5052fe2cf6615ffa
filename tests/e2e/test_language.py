"""Russian at unprefixed addresses, Belarusian under /be/, English under /en/, switched from the header."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e]


def switch_to(page, language: str) -> None:
    with page.expect_navigation():
        page.locator(f".site-header .lang-switch a[hreflang='{language}']").click()


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def nav_text(page) -> str:
    return page.locator(".site-header .site-nav__list").first.inner_text()


def news_link_text(page) -> str:
    return page.locator(".site-header .site-nav__list a[href$='/news/']").inner_text().strip()


def test_the_home_page_is_russian_by_default_and_switches_to_belarusian_and_english(page, site):
    page.goto("/")
    assert html_lang(page) == "ru"
    assert page.locator(".lang-switch a[aria-current='true']").get_attribute("hreflang") == "ru"
    russian = {"nav": nav_text(page), "news": news_link_text(page), "title": page.locator("main h1").inner_text()}

    switch_to(page, "be")
    assert page.url == f"{site.url}/be/"
    assert html_lang(page) == "be"
    belarusian = {"nav": nav_text(page), "news": news_link_text(page), "title": page.locator("main h1").inner_text()}

    switch_to(page, "en")
    assert page.url == f"{site.url}/en/"
    assert html_lang(page) == "en"
    english = {"nav": nav_text(page), "news": news_link_text(page), "title": page.locator("main h1").inner_text()}

    assert english["news"] == "News"
    assert russian["nav"] != english["nav"]
    assert belarusian["nav"] != english["nav"]
    assert len({russian["title"], belarusian["title"], english["title"]}) == 3, "the home texts come in each language"
    # Needs the compiled interface catalogs (locale/ru, locale/be): the menu itself is translated.
    assert russian["news"] != "News", "the Russian menu is translated"
    assert belarusian["news"] != "News", "the Belarusian menu is translated"

    switch_to(page, "ru")
    assert page.url == f"{site.url}/"
    assert html_lang(page) == "ru"
    assert nav_text(page) == russian["nav"]


def test_switching_the_language_keeps_the_reader_on_the_same_page(page, site):
    page.goto("/news/")
    assert html_lang(page) == "ru"

    switch_to(page, "en")
    assert page.url == f"{site.url}/en/news/"
    assert html_lang(page) == "en"
    assert page.locator(".site-nav a[aria-current='page']").get_attribute("href") == "/en/news/"

    switch_to(page, "be")
    assert page.url == f"{site.url}/be/news/"
    assert html_lang(page) == "be"

    switch_to(page, "ru")
    assert page.url == f"{site.url}/news/"
    assert html_lang(page) == "ru"
