from __future__ import annotations

import pytest
from django.urls import reverse

from technopark.accounts.roles import Role
from technopark.core.models import AuditLog
from technopark.portal.models import HomeBlock


def test_the_home_page_shows_the_centre_directions_labs_and_lines_of_activity(client, db):
    html = client.get("/").content.decode()
    for text in ["Инженерия", "IT", "Архитектура", "Дизайн"]:
        assert text in html
    for lab in ["Компьютерный центр", "Креативная лаборатория", "ФабЛаб", "Лаборатория технологий и инженерии"]:
        assert lab in html
    for line in ["Организационная работа", "Научно-методическая работа", "Сетевое взаимодействие"]:
        assert line in html
    assert "Отбор в Национальный детский технопарк" in html


def test_the_home_page_texts_exist_in_every_language(db):
    for block in HomeBlock.objects.all():
        assert block.title_ru and block.title_be and block.title_en, block
        assert block.text_ru and block.text_be and block.text_en, block


@pytest.mark.parametrize(("prefix", "heading"), [("", "Инженерия"), ("/be", "Інжынерыя"), ("/en", "Engineering")])
def test_the_home_page_follows_the_language(client, db, prefix, heading):
    response = client.get(f"{prefix}/")
    assert heading in response.content.decode()
    assert response.context["LANGUAGE_CODE"] == (prefix.strip("/") or "ru")


def test_a_methodologist_edits_a_home_block_and_visitors_see_it(make_user, client):
    client.force_login(make_user("m@example.test", "methodologist"))
    block = HomeBlock.objects.get(kind=HomeBlock.Kind.DIRECTION, title_ru="Дизайн")
    data = {"kind": "direction", "position": 40, "is_visible": "on", "link": "/news/"}
    data |= {"title_ru": "Дизайн и медиа", "text_ru": "Новый текст", "title_be": "", "text_be": "", "title_en": ""}
    data |= {"text_en": ""}
    response = client.post(reverse("portal:home-block-edit", kwargs={"block_id": block.pk}), data)
    assert response.status_code == 302
    assert "Дизайн и медиа" in client.get("/").content.decode()
    assert AuditLog.objects.filter(action="portal.home_block.updated", target_id=str(block.pk)).exists()


def test_a_block_link_must_be_safe(make_user, client):
    client.force_login(make_user("m@example.test", "methodologist"))
    data = {"kind": "lab", "position": 1, "link": "javascript:alert(1)", "title_ru": "Лаборатория"}
    response = client.post(reverse("portal:home-block-create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["link"]
    assert response.context["form"]["title_ru"].value() == "Лаборатория"


def test_hidden_and_deleted_blocks_disappear_from_the_home_page(make_user, client):
    from technopark.portal import services

    user = make_user("m@example.test", "methodologist")
    block = HomeBlock.objects.get(kind=HomeBlock.Kind.LAB, title_ru="ФабЛаб")
    services.update_home_block(block, actor=user, is_visible=False)
    assert "ФабЛаб" not in client.get("/").content.decode()
    services.delete_home_block(block, actor=user)
    assert not HomeBlock.objects.filter(pk=block.pk).exists()


def test_the_home_page_offers_coming_events_and_open_registrations(make_user, client):
    """Issue 14, item 10: the home page showed news only."""
    import datetime as dt

    from django.utils import timezone

    from technopark.events import services as events

    staff = make_user("home.events@example.test", Role.METHODOLOGIST)

    def event(title: str, days: int, *steps: str) -> None:
        created = events.create_event(
            actor=staff, title_ru=title, kind="contest", audience="students", level="city", format="in_person",
            venue_kind="lab", venue_lab="fablab",
        )  # fmt: skip
        start = timezone.now() + dt.timedelta(days=days)
        events.set_sessions(created, [{"starts_at": start, "ends_at": start + dt.timedelta(hours=3)}], actor=staff)
        for step in steps:
            events.change_status(created, step, actor=staff)

    event("Конкурс «Анонс»", 10, "published")
    page = client.get("/").content.decode()
    assert "Конкурс «Анонс»" in page and "Registration is open" not in client.get("/en/").content.decode()
    event("Фестиваль «Открыт»", 20, "published", "registration_open")  # the cached page shows it at once
    event("Черновик «Скрыт»", 5)
    page = client.get("/en/").content.decode()
    assert "Registration is open" in page and "Фестиваль «Открыт»" in page and "Черновик" not in page
