from __future__ import annotations

import pytest
from django.core.cache import cache as django_cache
from django.utils import timezone

from technopark.core import cache
from technopark.portal import services


@pytest.fixture
def page_cache(settings):
    assert settings.PAGE_CACHE  # on in the test settings, as in production


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


def test_a_published_news_item_is_on_the_cached_pages_at_the_next_request(page_cache, client, author):
    client.get("/news/")
    client.get("/")
    news = services.create_news(actor=author, title_ru="Свежая новость")
    services.publish_news(news, actor=author)
    assert "Свежая новость" in client.get("/news/").content.decode()
    assert "Свежая новость" in client.get("/").content.decode()


def test_a_draft_does_not_change_the_cached_page_until_it_is_published(page_cache, client, author):
    client.get("/news/")
    news = services.create_news(actor=author, title_ru="Ещё не опубликовано")
    assert "Ещё не опубликовано" not in client.get("/news/").content.decode()
    services.publish_news(news, actor=author)
    assert "Ещё не опубликовано" in client.get("/news/").content.decode()


def test_pages_are_cached_per_host_and_scheme(page_cache, client, db, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.test"]
    client.get("/news/")
    client.get("/news/", HTTP_HOST="other.test")
    keys = [key for key in django_cache._cache if ":c:page:" in key]  # type: ignore[attr-defined]
    assert len(keys) == 2
    client.get("/news/", secure=True)
    assert len([key for key in django_cache._cache if ":c:page:" in key]) == 3  # type: ignore[attr-defined]


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
    assert not [key for key in django_cache._cache if ":c:page:" in key]  # type: ignore[attr-defined]


def test_a_change_to_an_institution_reaches_the_cached_registry(page_cache, client, make_user):
    from technopark.network import services as network_services
    from technopark.network.models import District

    client.get("/network/")
    network_services.create_institution(
        actor=None, full_name="ГУО «Лицей № 7»", short_name="Лицей № 7", kind="lyceum",
        district=District.objects.get(code="frunzensky"), cluster_role="base",
    )  # fmt: skip
    assert "Лицей № 7" in client.get("/network/").content.decode()


def test_a_cached_page_reads_no_database(page_cache, client, db, django_assert_num_queries):
    """The page and the tokens of its scopes (projects, consents) come from the cache in one round trip."""
    first = client.get("/projects/")
    with django_assert_num_queries(0):
        second = client.get("/projects/")
    assert second.content == first.content


def test_a_lost_token_makes_the_page_be_rendered_anew(page_cache, client, author):
    news = services.create_news(actor=author, title_ru="После вытеснения")
    client.get("/news/")
    news.status = news.Status.PUBLISHED
    news.published_at = timezone.now()
    news.save()  # behind the services' back: no scope changes
    assert "После вытеснения" not in client.get("/news/").content.decode()
    django_cache.delete(cache.version_key("news"))  # evicted, as under memory pressure
    assert "После вытеснения" in client.get("/news/").content.decode()
