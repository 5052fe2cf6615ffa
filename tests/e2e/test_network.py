"""The registry of the cluster in the browser: a methodologist imports 600 institutions in one go, a
file with bad rows gets a report and imports nothing, and the pages pass axe."""

from __future__ import annotations

import pytest

from technopark.network.tests.test_import import _row, _xlsx
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_accessibility import check

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def methodologist(make_user):
    return make_user("methodologist.net@example.test", "methodologist")


def test_a_methodologist_imports_600_institutions_from_xlsx_in_one_go(sign_in_browser, methodologist, tmp_path):
    from technopark.network.models import Institution

    path = tmp_path / "школы.xlsx"
    path.write_bytes(_xlsx([_row(f"Средняя школа № {n}", kind="Средняя школа") for n in range(1, 601)]))
    page = sign_in_browser(methodologist)
    page.goto("/staff/network/import/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Загрузить и проверить").click()
    page.get_by_text("600").first.wait_for()
    assert "600" in page.locator(".message--success").inner_text()
    assert Institution.objects.count() == 0
    page.get_by_role("button", name="Импортировать файл").click()
    page.locator(".message--success").wait_for()
    assert Institution.objects.count() == 600
    page.get_by_role("link", name="Перейти к реестру").click()
    assert page.locator("main table tbody tr").count() == 25


def test_a_file_with_bad_rows_gets_a_report_and_nothing_is_imported(sign_in_browser, methodologist, tmp_path):
    from technopark.network.models import Institution

    path = tmp_path / "list.xlsx"
    path.write_bytes(_xlsx([_row("Гимназия № 1"), _row("Гимназия № 2", district="Марс", phone="12")]))
    page = sign_in_browser(methodologist)
    page.goto("/staff/network/import/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Загрузить и проверить").click()
    report = page.locator("main table")
    report.wait_for()
    text = report.inner_text()
    assert "Район или область" in text
    assert "Телефон" in text
    assert "Марс" in text
    assert page.get_by_role("button", name="Импортировать файл").count() == 0
    assert Institution.objects.count() == 0


@pytest.fixture
def registry(site, methodologist):
    import datetime as dt

    from technopark.network import services
    from technopark.network.models import District

    school = services.create_institution(
        actor=methodologist, full_name="ГУО «Гимназия № 95 г. Минска»", short_name="Гимназия № 95", kind="gymnasium",
        district=District.objects.get(code="sovetsky"), cluster_role="partner", phone="80172000095",
    )  # fmt: skip
    services.add_contact(school, actor=methodologist, full_name="Петрова Анна Ивановна", phone="+375291234567")
    day = dt.date.today()
    agreement = services.create_agreement(
        school, actor=methodologist, number="5/2026", signed_on=day, valid_from=day,
        valid_until=day + dt.timedelta(days=30), subject="Наставничество", resources=["mentors"],
    )  # fmt: skip
    return {"institution": school.pk, "agreement": agreement.pk}


PAGES = {
    "registry": "/network/",
    "registry search": "/network/?q=гимназия&sort=district",
    "institution": "/network/{institution}/",
    "institution form": "/staff/network/{institution}/",
    "new institution": "/staff/network/new/",
    "agreement form": "/staff/agreements/{agreement}/",
    "agreements": "/staff/agreements/?status=expiring",
    "import": "/staff/network/import/",
}


@pytest.mark.parametrize("viewport", {"desktop": DESKTOP, "phone": PHONE})
@pytest.mark.parametrize("name", PAGES)
def test_network_pages_have_no_accessibility_violations(sign_in_browser, methodologist, registry, name, viewport):
    page = sign_in_browser(methodologist, {"desktop": DESKTOP, "phone": PHONE}[viewport], bypass_csp=True)
    check(page, PAGES[name].format(**registry))
