"""No status change of a passport is lost to an edit at the same moment (issue 12, item 7; DOMAIN.md rule 12).

The race is made deterministic: the editor's request reads the passport, then the supervising teacher takes it
back to a draft (or publishes it) before the edit is saved, as happens when both press their buttons at once.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from technopark.projects import api as projects_api
from technopark.projects import services
from technopark.projects import views as projects_views
from technopark.projects.models import Project


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _published(student: Any, teacher: Any) -> Project:
    project = services.create_project(
        actor=teacher.user, title="Умная теплица", direction="engineering", summary="Полив по датчику",
        team=[student], supervisors=[teacher],
    )  # fmt: skip
    return services.publish_project(project, actor=teacher.user)


def _unpublished_meanwhile(monkeypatch: Any, module: Any, teacher: Any) -> None:
    """The editor's request reads the passport as published; the teacher then takes it back before the save."""
    read = module.access_project

    def read_then_unpublish(user: Any, project_id: int, **kwargs: Any) -> Project:
        seen = read(user, project_id, **kwargs)
        services.unpublish_project(Project.objects.get(pk=project_id), actor=teacher.user, reason="Нет согласия")
        return seen

    monkeypatch.setattr(module, "access_project", read_then_unpublish)


def test_an_edit_on_the_page_after_unpublishing_does_not_publish_again(
    student: Any, teacher: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _published(student, teacher)
    _unpublished_meanwhile(monkeypatch, projects_views, teacher)
    form = {
        "title": "Умная теплица 2.0", "direction": "engineering", "stage": "prototype", "summary": "Полив по датчику",
        "started_on": f"{project.started_on:%Y-%m-%d}", "licence": project.licence, "team": [student.pk],
        "supervisors": [teacher.pk],
    }  # fmt: skip
    response = _client(student.user).post(f"/projects/{project.pk}/edit/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.title == "Умная теплица 2.0" and project.stage == "prototype"
    assert project.status == Project.Status.DRAFT


def test_an_api_patch_after_unpublishing_does_not_publish_again(
    student: Any, teacher: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _published(student, teacher)
    _unpublished_meanwhile(monkeypatch, projects_api, teacher)
    response = _client(student.user).patch(
        f"/api/v1/projects/{project.pk}", {"summary": "Полив по датчику и по расписанию"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "draft"
    project.refresh_from_db()
    assert project.summary == "Полив по датчику и по расписанию" and project.status == Project.Status.DRAFT


def test_publishing_reads_the_passport_as_it_is_now_and_keeps_an_edit_made_meanwhile(
    student: Any, teacher: Any
) -> None:
    draft = services.create_project(
        actor=teacher.user, title="Метеостанция", direction="engineering", team=[student], supervisors=[teacher]
    )
    seen_by_teacher = Project.objects.get(pk=draft.pk)  # no summary yet
    services.update_project(draft, actor=student.user, summary="Измеряет давление и влажность", title="Метео-2")
    published = services.publish_project(seen_by_teacher, actor=teacher.user)
    assert published.is_published
    stored = Project.objects.get(pk=draft.pk)
    assert stored.status == Project.Status.PUBLISHED
    assert stored.title == "Метео-2" and stored.summary == "Измеряет давление и влажность"
    services.unpublish_project(seen_by_teacher, actor=teacher.user)
    stored = Project.objects.get(pk=draft.pk)
    assert stored.status == Project.Status.DRAFT and stored.title == "Метео-2"
