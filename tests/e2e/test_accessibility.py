"""Every main page passes axe with no violations, on a desktop and on a phone; the header works by keyboard.

axe is injected into the page, which the Content-Security-Policy forbids, so these contexts bypass CSP.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import sign_in_with_password, sign_out, submit, totp_code

pytestmark = [pytest.mark.e2e]

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

PUBLIC_PAGES = {
    "home in Russian": "/",
    "home in Belarusian": "/be/",
    "home in English": "/en/",
    "news list": "/news/",
    "news item": "/news/{news}/",
    "sign-in": "/accounts/login/",
    "sign-up": "/accounts/signup/",
    "password reset": "/accounts/password/reset/",
    "labs": "/labs/",
    "lab page": "/labs/fablab/",
    "equipment page": "/labs/equipment/{equipment}/",
    "free equipment search": "/labs/search/?kind=printer_3d&day={day}&hours=2&after=09:00&before=20:00&units=1",
    "trainings": "/labs/trainings/",
    "project gallery": "/projects/",
    "project passport": "/projects/{project}/",
}
STAFF_PAGES = {
    "profile": "/accounts/profile/",
    "API tokens": "/accounts/tokens/",
    "staff news list": "/staff/news/",
    "staff new news form": "/staff/news/new/",
    "staff news form": "/staff/news/{news}/",
    "staff home blocks": "/staff/home/",
    "staff home block form": "/staff/home/{block}/",
    "staff users list": "/staff/users/",
    "staff user detail": "/staff/users/{person}/",
    "staff audit log": "/staff/audit/",
    "my bookings": "/labs/my/",
    "booking form page": "/labs/equipment/{equipment}/book/",
    "staff labs": "/staff/labs/",
    "staff equipment": "/staff/labs/equipment/{equipment}/",
    "staff trainings": "/staff/labs/trainings/",
    "staff authorisations": "/staff/labs/authorisations/",
    "staff utilisation": "/staff/labs/fablab/utilisation/",
    "my projects": "/projects/my/",
    "new project form": "/projects/new/",
    "project form": "/projects/{project}/edit/",
    "project passport as its editor": "/projects/{project}/",
    "journal step form": "/projects/{project}/steps/new/",
    "project file form": "/projects/{project}/files/new/",
    "project contest form": "/projects/{project}/contests/new/",
}


@pytest.fixture
def content(make_user):
    """What the pages show: a published news item, a home block, a person with roles and a history."""
    from django.utils import timezone

    from technopark.portal.models import HomeBlock, News

    admin = make_user("admin.a11y@example.test", "administrator")
    person = make_user("pupil.a11y@example.test", "student", last_name="Иванова", first_name="Анна")
    from technopark.accounts.services import issue_api_token

    issue_api_token(person, actor=person, name="Скрипт расписания")  # the staff user page lists it
    issue_api_token(admin, actor=admin, name="Интеграция", second_factor=True)  # and the admin's own page
    news = News.objects.create(
        title_ru="Открыт набор в лабораторию робототехники",
        title_be="Адкрыты набор у лабараторыю робататэхнікі",
        title_en="Enrolment open in the robotics lab",
        lead_ru="Занятия начнутся в сентябре.",
        body_ru="Приглашаем учащихся 5–11 классов.\n\nЗапись открыта до конца августа.",
        status=News.Status.PUBLISHED,
        published_at=timezone.now(),
        author=admin,
    )
    block = HomeBlock.objects.order_by("position").first() or HomeBlock.objects.create(
        kind=HomeBlock.Kind.DIRECTION, title_ru="Инженерия", text_ru="Техническое творчество."
    )
    from technopark.labs.models import Equipment, Lab, OpeningHours

    lab = Lab.objects.get(code="fablab")
    OpeningHours.objects.bulk_create(
        OpeningHours(lab=lab, weekday=d, opens=dt.time(9), closes=dt.time(20)) for d in range(7)
    )
    printer = Equipment.objects.create(lab=lab, kind="printer_3d", name="3D-принтер", inventory_number="A11Y-1")
    day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    project = _project(admin, lab, printer)
    ids = {"news": news.pk, "block": block.pk, "person": person.pk, "equipment": printer.pk, "day": day,
           "project": project.pk}  # fmt: skip
    return {"admin": admin, "ids": ids}


def _project(admin, lab, printer):
    """A published passport with a team member, a journal step with a photo, a file and a contest."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from technopark.people import services as people_services
    from technopark.projects import services

    member = people_services.create_person(
        actor=admin, last_name="Лебедев", first_name="Олег", birth_date=dt.date(2010, 5, 1)
    )
    project = services.create_project(
        actor=admin, title="Умная теплица", direction="engineering", stage="prototype", lab=lab,
        summary="Полив по датчику влажности почвы.", team=[member], equipment=[printer],
    )  # fmt: skip
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 90, 160)).save(buffer, format="PNG")
    photo = SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")
    services.add_step(project, actor=admin, text="Собрали макет.", images=[(photo, "Макет теплицы", [member])])
    services.add_file(project, SimpleUploadedFile("t.stl", b"solid t\nfacet\nendsolid t\n"), actor=admin)
    services.add_contest_entry(project, actor=admin, contest="Robofest", day=dt.date(2026, 4, 1), award="2 место")
    return services.publish_project(project, actor=admin)


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page).response["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}")
    return "\n".join(lines)


def assert_no_violations(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe found problems on {page.url}:\n{describe(violations)}"


def check(page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path} answered {response.status}"
    assert_no_violations(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_have_no_accessibility_violations(new_context, content, name, viewport):
    page = new_context(VIEWPORTS[viewport], bypass_csp=True).new_page()
    check(page, PUBLIC_PAGES[name].format(**content["ids"]))


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_signed_in_and_staff_pages_have_no_accessibility_violations(sign_in_browser, content, name, viewport):
    page = sign_in_browser(content["admin"], VIEWPORTS[viewport], bypass_csp=True)
    check(page, STAFF_PAGES[name].format(**content["ids"]))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_forms_showing_errors_have_no_accessibility_violations(new_context, sign_in_browser, content, viewport):
    page = new_context(VIEWPORTS[viewport], bypass_csp=True).new_page()
    page.goto("/accounts/login/")
    page.fill("#id_login", "nobody@example.test")
    page.fill("#id_password", "wrong-password")
    submit(page)
    assert page.locator("main .form-errors").is_visible()
    assert_no_violations(page)

    page.goto("/accounts/signup/")
    page.fill("#id_email", "not-an-address")
    page.fill("#id_password1", "short")
    page.fill("#id_password2", "different")
    submit(page)
    assert page.locator("main .field--invalid").count() >= 1
    assert_no_violations(page)

    staff = sign_in_browser(content["admin"], VIEWPORTS[viewport], bypass_csp=True)
    staff.goto("/staff/news/new/")
    submit(staff)
    assert staff.locator("main .form-errors").is_visible()
    assert_no_violations(staff)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_open_phone_menu_and_the_error_pages_have_no_accessibility_violations(sign_in_browser, content, viewport):
    page = sign_in_browser(content["admin"], VIEWPORTS[viewport], bypass_csp=True)
    check(page, "/news/999999/", status=404)
    check(page, "/en/no-such-page/", status=404)
    if viewport == "phone":
        page.goto("/")
        page.locator("[data-nav-toggle]").click()
        page.locator(".site-nav__staff summary").click()
        assert page.locator(".dropdown__menu a").first.is_visible()
        assert_no_violations(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_two_factor_pages_have_no_accessibility_violations(new_context, make_user, viewport):
    from conftest import PASSWORD

    make_user("method.a11y@example.test", "methodologist", mfa=False)
    page = new_context(VIEWPORTS[viewport], bypass_csp=True).new_page()
    sign_in_with_password(page, "method.a11y@example.test", PASSWORD)
    page.goto("/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:
        assert_no_violations(page)
        page.fill("#id_password", PASSWORD)
        submit(page)
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    assert_no_violations(page)

    secret = page.locator("#authenticator_secret").input_value()
    enrolment_code = totp_code(secret)
    page.fill("#id_code", enrolment_code)
    submit(page)
    assert_no_violations(page)  # the recovery codes, or the list of authenticators
    page.goto("/accounts/2fa/")
    assert_no_violations(page)

    sign_out(page)
    sign_in_with_password(page, "method.a11y@example.test", PASSWORD)
    assert page.url.endswith("/accounts/2fa/authenticate/")
    assert_no_violations(page)
    page.fill("#id_code", "000000" if enrolment_code != "000000" else "111111")
    submit(page)
    assert page.locator("main .field--invalid, main .form-errors").count() >= 1, "a wrong code is refused"
    assert_no_violations(page)


def focused(page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, toggle: document.activeElement.hasAttribute('data-nav-toggle')})"
    )


def test_on_a_phone_the_menu_opens_from_the_keyboard_and_the_skip_link_reaches_the_content(phone_page, site):
    page = phone_page
    page.goto("/")
    news_link = page.locator("#site-nav a[href='/news/']")
    assert not news_link.is_visible(), "on a phone the menu starts closed"

    page.keyboard.press("Tab")
    assert page.locator(".skip-link").evaluate("link => link === document.activeElement")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main", "the skip link moves focus to the main content"

    page.goto("/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if focused(page)["toggle"]:
            break
    assert focused(page)["toggle"], "the menu button is reachable with Tab"
    page.keyboard.press("Enter")
    assert page.locator("[data-nav-toggle]").get_attribute("aria-expanded") == "true"
    assert news_link.is_visible(), "the menu opened"
    page.keyboard.press("Tab")
    assert page.locator("#site-nav").evaluate("nav => nav.contains(document.activeElement)"), "focus goes into the menu"
