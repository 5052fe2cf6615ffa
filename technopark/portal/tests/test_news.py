from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from technopark.core.models import AuditLog
from technopark.portal import services
from technopark.portal.models import News


def _png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), (10, 90, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def methodologist(make_user):
    return make_user("m@example.test", "methodologist")


def test_a_methodologist_writes_a_draft_and_publishes_it(methodologist, client):
    client.force_login(methodologist)
    response = client.post(
        reverse("portal:news-create"),
        {
            "title_ru": "Открыт приём заявок",
            "lead_ru": "Кратко",
            "body_ru": "Текст\n\nВторой абзац",
            "title_en": "Open",
        },
    )
    news = News.objects.get()
    assert response.status_code == 302
    assert news.status == News.Status.DRAFT
    assert client.get(reverse("portal:news-list")).context["page_obj"].paginator.count == 0
    client.post(reverse("portal:news-set-status", kwargs={"news_id": news.pk}), {"status": "published"})
    news.refresh_from_db()
    assert news.is_published and news.published_at is not None
    anonymous_page = client.get(reverse("portal:news-detail", kwargs={"news_id": news.pk}))
    assert "Второй абзац" in anonymous_page.content.decode()
    actions = set(AuditLog.objects.filter(target_id=str(news.pk)).values_list("action", flat=True))
    assert {"portal.news.created", "portal.news.published"} <= actions


def test_save_and_publish_in_one_step(methodologist, client):
    client.force_login(methodologist)
    client.post(reverse("portal:news-create"), {"title_ru": "Сразу", "publish": "1"})
    assert News.objects.get().is_published


def test_a_form_with_errors_keeps_what_was_typed(methodologist, client):
    client.force_login(methodologist)
    response = client.post(
        reverse("portal:news-create"), {"title_ru": "", "body_ru": "Длинный текст, который жалко терять"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["title_ru"]
    assert form["body_ru"].value() == "Длинный текст, который жалко терять"
    assert 'aria-invalid="true"' in response.content.decode()
    assert News.objects.count() == 0


def test_a_non_image_upload_is_refused_with_a_message_and_nothing_saved(methodologist, client):
    client.force_login(methodologist)
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = client.post(reverse("portal:news-create"), {"title_ru": "С картинкой", "image": fake})
    assert response.status_code == 400
    assert response.context["form"].errors["image"]
    assert News.objects.count() == 0


def test_an_uploaded_image_is_stored_under_a_generated_name_and_served_by_the_view(methodologist, client):
    client.force_login(methodologist)
    client.post(
        reverse("portal:news-create"), {"title_ru": "Фото", "image": _png("../../evil name.png"), "publish": "1"}
    )
    news = News.objects.get()
    assert news.image.name.startswith("news/")
    assert "evil" not in news.image.name
    client.logout()
    response = client.get(reverse("portal:news-image", kwargs={"news_id": news.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_images_of_drafts_are_not_served_to_the_public(methodologist, client):
    news = services.create_news(actor=methodologist, title_ru="Черновик", image=_png())
    assert client.get(reverse("portal:news-image", kwargs={"news_id": news.pk})).status_code == 404
    client.force_login(methodologist)
    response = client.get(reverse("portal:news-image", kwargs={"news_id": news.pk}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_replacing_an_image_removes_the_old_file_after_commit(methodologist, django_capture_on_commit_callbacks):
    news = services.create_news(actor=methodologist, title_ru="Фото", image=_png())
    old_name = news.image.name
    storage = news.image.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.update_news(news, actor=methodologist, image=_png())
    assert news.image.name != old_name
    assert not storage.exists(old_name)
    assert storage.exists(news.image.name)


def test_a_draft_is_hidden_from_the_public_like_a_missing_page(methodologist, client, personas):
    news = services.create_news(actor=methodologist, title_ru="Черновик")
    for name in ["anonymous", "teacher", "student"]:
        c = client.__class__()
        if personas[name]:
            c.force_login(personas[name])
        assert c.get(reverse("portal:news-detail", kwargs={"news_id": news.pk})).status_code == 404
    assert AuditLog.objects.filter(action="core.access.denied", target_id=str(news.pk)).exists()
    client.force_login(methodologist)
    response = client.get(reverse("portal:news-detail", kwargs={"news_id": news.pk}))
    assert response.status_code == 200
    assert response.context["news"].is_published is False


def test_published_news_cannot_be_deleted_before_unpublishing(methodologist, client):
    news = services.create_news(actor=methodologist, title_ru="Новость")
    services.publish_news(news, actor=methodologist)
    client.force_login(methodologist)
    client.post(reverse("portal:news-delete", kwargs={"news_id": news.pk}))
    assert News.objects.filter(pk=news.pk).exists()
    services.unpublish_news(news, actor=methodologist)
    client.post(reverse("portal:news-delete", kwargs={"news_id": news.pk}))
    assert not News.objects.filter(pk=news.pk).exists()
    assert AuditLog.objects.filter(action="portal.news.deleted", data__title="Новость").exists()


def test_republishing_keeps_the_first_publication_time(methodologist):
    news = services.create_news(actor=methodologist, title_ru="Новость")
    services.publish_news(news, actor=methodologist)
    first = news.published_at
    services.unpublish_news(news, actor=methodologist)
    services.publish_news(news, actor=methodologist)
    assert news.published_at == first


def test_readers_see_their_language_and_russian_where_a_translation_is_missing(methodologist, client):
    news = services.create_news(actor=methodologist, title_ru="Русский заголовок", title_en="English title")
    services.publish_news(news, actor=methodologist)
    assert "English title" in client.get(f"/en/news/{news.pk}/").content.decode()
    assert "Русский заголовок" in client.get(f"/be/news/{news.pk}/").content.decode()
    assert "Русский заголовок" in client.get(f"/news/{news.pk}/").content.decode()


def test_unknown_fields_are_refused_by_the_service(methodologist):
    from technopark.core.errors import DomainError

    with pytest.raises(DomainError):
        services.create_news(actor=methodologist, title_ru="x", status="published")
