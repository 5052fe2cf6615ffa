from __future__ import annotations

import pytest

from technopark.core import pagecache
from technopark.portal import services


@pytest.fixture
def page_cache(settings, monkeypatch):
    settings.PAGE_CACHE = True
    pagecache.clear()
    yield
    pagecache.clear()


@pytest.fixture
def author(make_user):
    return make_user("m@example.test", "methodologist")


def test_anonymous_visitors_get_the_cached_page_without_queries(page_cache, client, db, django_assert_num_queries):
    first = client.get("/news/")
    with django_assert_num_queries(0):
        second = client.get("/news/")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Content-Security-Policy" in second


def test_a_published_news_item_reaches_the_cached_page_once_the_revision_is_reread(
    page_cache, client, author, monkeypatch
):
    client.get("/news/")
    news = services.create_news(actor=author, title_ru="Свежая новость")
    services.publish_news(news, actor=author)
    monkeypatch.setattr(pagecache, "REVISION_TTL_SECONDS", 0)
    assert "Свежая новость" in client.get("/news/").content.decode()


def test_pages_are_cached_per_language(page_cache, client, db):
    assert "Engineering" in client.get("/en/").content.decode()
    assert "Інжынерыя" in client.get("/be/").content.decode()
    assert "Инженерия" in client.get("/").content.decode()


def test_signed_in_users_always_get_a_fresh_page(page_cache, client, author):
    assert "/accounts/profile/" not in client.get("/news/").content.decode()
    client.force_login(author)
    assert "/accounts/profile/" in client.get("/news/").content.decode()
    news = services.create_news(actor=author, title_ru="Черновик для редактора")
    assert "Черновик для редактора" in client.get(f"/news/{news.pk}/").content.decode()


def test_error_pages_are_not_cached(page_cache, client, db):
    assert client.get("/news/999999/").status_code == 404
    assert client.get("/news/999999/").status_code == 404
    assert all(key[1] != "/news/999999/" for key in pagecache._pages)


def test_a_change_to_an_institution_reaches_the_cached_registry(page_cache, client, monkeypatch, make_user):
    from technopark.network import services as network_services
    from technopark.network.models import District

    client.get("/network/")
    network_services.create_institution(
        actor=None, full_name="ГУО «Лицей № 7»", short_name="Лицей № 7", kind="lyceum",
        district=District.objects.get(code="frunzensky"), cluster_role="base",
    )  # fmt: skip
    monkeypatch.setattr(pagecache, "REVISION_TTL_SECONDS", 0)
    assert "Лицей № 7" in client.get("/network/").content.decode()


def test_a_page_that_names_children_by_consent_reads_the_consents_revision_on_every_request(
    page_cache, client, db, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(pagecache, "REVISION_TTL_SECONDS", 3600)
    first = client.get("/projects/")
    with django_assert_num_queries(1):  # the consents revision, by its unique key; the page from memory
        second = client.get("/projects/")
    assert second.content == first.content
