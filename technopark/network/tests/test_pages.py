from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from technopark.accounts.models import User
from technopark.accounts.roles import Role
from technopark.core.models import AuditLog, BackgroundJob
from technopark.network import services
from technopark.network.models import Agreement, District, Institution
from technopark.network.tests.test_import import _row, _xlsx


@pytest.fixture
def methodologist(make_user):
    return make_user("m@example.test", Role.METHODOLOGIST)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_search_finds_names_whatever_the_case_quotes_and_yo(client, make_institution):
    make_institution("Гимназия № 1", full_name="ГУО «Гимназия № 1 имени Ф. Скорины»")
    make_institution("Лицей БГУ", kind=Institution.Kind.LYCEUM)
    make_institution("Учёный центр", kind=Institution.Kind.OTHER)
    page = client.get(reverse("network:institution-list"), {"q": "гимназия скорины"})
    assert [i.short_name for i in page.context["page_obj"]] == ["Гимназия № 1"]
    page = client.get(reverse("network:institution-list"), {"q": "УЧЕНЫЙ"})
    assert [i.short_name for i in page.context["page_obj"]] == ["Учёный центр"]
    page = client.get(reverse("network:institution-list"), {"kind": "lyceum"})
    assert [i.short_name for i in page.context["page_obj"]] == ["Лицей БГУ"]


def test_the_list_filters_by_district_and_role_and_sorts(client, make_institution):
    zavodskoy = District.objects.get(code="zavodskoy")
    make_institution("Б-школа", district=zavodskoy, cluster_role=Institution.ClusterRole.PARTNER)
    make_institution("А-школа")
    page = client.get(reverse("network:institution-list"), {"district": zavodskoy.pk})
    assert [i.short_name for i in page.context["page_obj"]] == ["Б-школа"]
    page = client.get(reverse("network:institution-list"), {"cluster_role": "partner"})
    assert [i.short_name for i in page.context["page_obj"]] == ["Б-школа"]
    page = client.get(reverse("network:institution-list"), {"sort": "name"})
    assert [i.short_name for i in page.context["page_obj"]] == ["А-школа", "Б-школа"]


def test_inactive_institutions_are_hidden_from_the_public_but_kept_for_staff(client, make_institution, methodologist):
    institution = make_institution("Закрытая школа")
    services.set_institution_active(institution, False, actor=methodologist)
    assert (
        client.get(reverse("network:institution-detail", kwargs={"institution_id": institution.pk})).status_code == 404
    )
    client.force_login(methodologist)
    assert (
        client.get(reverse("network:institution-detail", kwargs={"institution_id": institution.pk})).status_code == 200
    )


def test_a_methodologist_adds_an_institution_and_the_phone_is_written_as_in_minsk(client, methodologist, district):
    client.force_login(methodologist)
    data = {
        "full_name": "ГУО «Средняя школа № 5 г. Минска»", "short_name": "СШ № 5", "kind": "school",
        "cluster_role": "base", "district": district.pk, "phone": "8 029 123 45 67",
    }  # fmt: skip
    response = client.post(reverse("network:institution-create"), data)
    assert response.status_code == 302
    institution = Institution.objects.get()
    assert institution.phone == "+375 29 123-45-67"
    assert AuditLog.objects.filter(action="network.institution.created", target_id=str(institution.pk)).exists()


def test_a_bad_phone_keeps_the_form_and_says_why(client, methodologist, district):
    client.force_login(methodologist)
    data = {
        "full_name": "Школа",
        "short_name": "Школа",
        "kind": "school",
        "cluster_role": "base",
        "district": district.pk,
        "phone": "123",
    }
    response = client.post(reverse("network:institution-create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    assert response.context["form"]["short_name"].value() == "Школа"


def test_an_institution_abroad_without_a_country_is_refused(client, methodologist):
    client.force_login(methodologist)
    abroad = District.objects.get(code="abroad")
    data = {
        "full_name": "Partner GmbH",
        "short_name": "Partner",
        "kind": "enterprise",
        "cluster_role": "partner",
        "district": abroad.pk,
    }
    response = client.post(reverse("network:institution-create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["country"]


def test_export_of_the_filtered_list_opens_as_xlsx_and_csv_and_reimports(client, methodologist, make_institution):
    make_institution("Гимназия № 1", phone="+375 17 200-00-01")
    make_institution("Лицей № 2", kind=Institution.Kind.LYCEUM)
    client.force_login(methodologist)
    xlsx = client.get(reverse("network:institution-export", kwargs={"file_format": "xlsx"}), {"kind": "gymnasium"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Полное наименование"
    assert [row[1] for row in rows[1:]] == ["Гимназия № 1"]
    assert rows[1][8] == "+375 17 200-00-01"
    response = client.get(reverse("network:institution-export", kwargs={"file_format": "csv"}))
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(lines) == 3
    from technopark.network.imports import check_rows
    from technopark.network.tabular import read_table

    assert [row.action for row in check_rows(read_table(xlsx.content, "x.xlsx")).rows] == [
        "unchanged"
    ]  # its own export, unedited, changes nothing


def test_the_import_page_checks_the_file_then_imports_on_confirmation(client, methodologist, district):
    client.force_login(methodologist)
    upload = SimpleUploadedFile("список.xlsx", _xlsx([_row(f"Школа № {i}") for i in range(1, 601)]))
    response = client.post(reverse("network:import-start"), {"file": upload})
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("network:import-job", kwargs={"job_id": job.pk})
    assert job.status == BackgroundJob.Status.WAITING
    assert job.input_name == "список.xlsx"
    page = client.get(response["Location"])
    assert page.context["plan"]["created"] == 600
    assert Institution.objects.count() == 0
    client.post(reverse("network:import-confirm", kwargs={"job_id": job.pk}))
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.DONE
    assert job.data["summary"] == {"created": 600, "updated": 0}
    assert Institution.objects.count() == 600


def test_a_file_with_bad_rows_gets_a_report_and_nothing_is_imported(client, methodologist):
    client.force_login(methodologist)
    upload = SimpleUploadedFile("list.xlsx", _xlsx([_row("Школа № 1"), _row("Школа № 2", district="Марс")]))
    client.post(reverse("network:import-start"), {"file": upload})
    job = BackgroundJob.objects.get()
    assert job.status == BackgroundJob.Status.FAILED
    page = client.get(reverse("network:import-job", kwargs={"job_id": job.pk}))
    assert [(p["row"], p["column"]) for p in page.context["problems"]] == [(3, "Район или область")]
    assert "Марс" in page.content.decode()
    response = client.post(reverse("network:import-confirm", kwargs={"job_id": job.pk}))
    assert response.status_code == 302
    assert Institution.objects.count() == 0


def test_progress_is_served_as_a_fragment_for_polling(client, methodologist):
    client.force_login(methodologist)
    client.post(reverse("network:import-start"), {"file": SimpleUploadedFile("l.xlsx", _xlsx([_row("Школа")]))})
    job = BackgroundJob.objects.get()
    fragment = client.get(reverse("network:import-progress", kwargs={"job_id": job.pk}))
    assert fragment.status_code == 200
    assert f'id="job-{job.pk}"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_another_methodologists_import_is_not_visible(client, methodologist, make_user):
    client.force_login(methodologist)
    client.post(reverse("network:import-start"), {"file": SimpleUploadedFile("l.xlsx", _xlsx([_row("Школа")]))})
    job = BackgroundJob.objects.get()
    client.force_login(make_user("other@example.test", Role.METHODOLOGIST))
    assert client.get(reverse("network:import-job", kwargs={"job_id": job.pk})).status_code == 404


def test_agreement_status_follows_the_dates():
    today = dt.date(2026, 11, 26)
    agreement = Agreement(valid_from=dt.date(2026, 1, 1), valid_until=today + dt.timedelta(days=60))
    assert agreement.status_on(today) == "expiring"
    agreement.valid_until = today + dt.timedelta(days=61)
    assert agreement.status_on(today) == "active"
    agreement.valid_until = today - dt.timedelta(days=1)
    assert agreement.status_on(today) == "expired"
    agreement.valid_until = None
    assert agreement.status_on(today) == "active"
    assert agreement.status_on(dt.date(2025, 12, 31)) == "not_yet"


def test_a_methodologist_records_an_agreement_with_a_scan_and_sees_it_among_expiring(
    client, methodologist, make_institution
):
    partner = make_institution(
        "Роботех", kind=Institution.Kind.ENTERPRISE, cluster_role=Institution.ClusterRole.PARTNER
    )
    client.force_login(methodologist)
    today = timezone.localdate()
    scan = SimpleUploadedFile("скан.pdf", b"%PDF-1.4 signed agreement", content_type="application/pdf")
    data = {
        "number": "12/2026", "signed_on": today.isoformat(), "valid_from": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=30)).isoformat(), "subject": "Наставники и стажировки",
        "resources": ["mentors", "internships"], "scan": scan,
    }  # fmt: skip
    response = client.post(reverse("network:agreement-create", kwargs={"institution_id": partner.pk}), data)
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.resources == ["mentors", "internships"]
    assert agreement.scan.name.endswith(".pdf")
    expiring = client.get(reverse("network:agreement-list"), {"status": "expiring"})
    assert list(expiring.context["page_obj"]) == [agreement]
    assert client.get(reverse("network:agreement-scan", kwargs={"agreement_id": agreement.pk})).status_code == 200
    client.logout()
    assert client.get(reverse("network:agreement-scan", kwargs={"agreement_id": agreement.pk})).status_code == 404


def test_a_scan_that_is_not_a_pdf_or_image_is_refused(client, methodologist, make_institution):
    partner = make_institution("Роботех")
    client.force_login(methodologist)
    today = timezone.localdate().isoformat()
    data = {
        "number": "1", "signed_on": today, "valid_from": today, "subject": "x",
        "scan": SimpleUploadedFile("scan.pdf", b"MZ\x90 an exe", content_type="application/pdf"),
    }  # fmt: skip
    response = client.post(reverse("network:agreement-create", kwargs={"institution_id": partner.pk}), data)
    assert response.status_code == 400
    assert response.context["form"].errors["scan"]
    assert Agreement.objects.count() == 0


def test_a_partner_representative_sees_their_agreements_only(client, methodologist, make_user, make_institution):
    partner = make_institution("Роботех", cluster_role=Institution.ClusterRole.PARTNER)
    other = make_institution("Другой партнёр", cluster_role=Institution.ClusterRole.PARTNER)
    today = timezone.localdate()
    mine = services.create_agreement(
        partner, actor=methodologist, number="1", signed_on=today, valid_from=today, subject="x"
    )
    theirs = services.create_agreement(
        other, actor=methodologist, number="2", signed_on=today, valid_from=today, subject="y"
    )
    representative = make_user("rep@example.test")
    services.add_coordinator(partner, representative, actor=methodologist)
    assert Role.PARTNER in User.objects.get(pk=representative.pk).roles
    client.force_login(representative)
    page = client.get(reverse("network:institution-detail", kwargs={"institution_id": partner.pk}))
    assert list(page.context["agreements"]) == [mine]
    assert client.get(f"/api/v1/agreements/{theirs.pk}").status_code == 404
    assert [a["id"] for a in client.get("/api/v1/agreements").json()["items"]] == [mine.pk]


def test_coordinators_get_and_lose_the_role_with_their_last_institution(
    client, methodologist, make_user, make_institution
):
    school = make_institution("Гимназия № 1")
    person = make_user("coordinator@example.test", Role.TEACHER)
    client.force_login(methodologist)
    client.post(
        reverse("network:coordinator-add", kwargs={"institution_id": school.pk}), {"email": "COORDINATOR@example.test"}
    )
    assert User.objects.get(pk=person.pk).roles == {Role.TEACHER, Role.COORDINATOR}
    client.post(reverse("network:coordinator-remove", kwargs={"institution_id": school.pk, "user_id": person.pk}))
    assert User.objects.get(pk=person.pk).roles == {Role.TEACHER}


def test_contacts_are_for_staff_and_coordinators_not_the_public(client, methodologist, make_institution):
    school = make_institution("Гимназия № 1")
    services.add_contact(school, actor=methodologist, full_name="Петрова Анна Ивановна", phone="80172000001")
    assert (
        "Петрова"
        not in client.get(reverse("network:institution-detail", kwargs={"institution_id": school.pk})).content.decode()
    )
    client.force_login(methodologist)
    assert (
        "Петрова"
        in client.get(reverse("network:institution-detail", kwargs={"institution_id": school.pk})).content.decode()
    )


def test_an_export_follows_the_page_language_and_imports_back(client, methodologist, make_institution):
    from technopark.network.imports import check_rows
    from technopark.network.tabular import read_table

    make_institution("Гимназия № 1")
    client.force_login(methodologist)
    xlsx = client.get("/en/staff/network/export.xlsx")
    workbook = load_workbook(io.BytesIO(xlsx.content))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "Institutions" and rows[0][0] == "Full official name"
    assert rows[1][2] == "Gymnasium" and rows[1][3] == "Frunzensky district"
    plan = check_rows(read_table(xlsx.content, "institutions.xlsx"))
    assert plan.problems == [] and [row.action for row in plan.rows] == ["unchanged"]


def test_the_import_preview_shows_old_and_new_values_before_anything_changes(client, methodologist, make_institution):
    existing = make_institution("Школа № 1", phone="+375 17 200-00-01")
    client.force_login(methodologist)
    row = _row("Школа № 1", phone="+375 17 200-00-02")
    upload = {"file": SimpleUploadedFile("l.xlsx", _xlsx([row]))}
    response = client.post("/en/staff/network/import/", upload, HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(response["Location"]).content.decode()
    assert "Phone: <del>+375 17 200-00-01</del> → <ins>+375 17 200-00-02</ins>" in page
    existing.refresh_from_db()
    assert existing.phone == "+375 17 200-00-01"  # nothing changes before the confirmation
