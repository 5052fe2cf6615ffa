"""People of the cluster: lists, records, class lists, claim codes, consents, duplicates and merges.

Who sees whom is `people.access` (`visible_persons`); the rules of consent and merging are in
`people.services`. Views only parse input, check access and call one service.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from technopark.accounts.access import may_act_as, signed_in_user, staff_required
from technopark.accounts.roles import Role
from technopark.core.access import get_visible_or_404
from technopark.core.errors import DomainError
from technopark.core.files import content_type_for, open_stored_file
from technopark.core.forms import show_service_error
from technopark.network.models import Institution
from technopark.people import selectors, services
from technopark.people.access import (
    PEOPLE_MANAGERS,
    PEOPLE_READERS,
    access_consent,
    access_person,
    attachable_institutions,
    institutions_for_people,
    may_confirm_birth_date,
    may_consent_online,
    may_edit_person,
    may_issue_claim_code,
    may_manage_people,
    own_person,
    visible_consents,
    visible_persons,
    withdrawable_consents,
)
from technopark.people.forms import (
    AffiliationForm,
    ClaimCodeForm,
    ClaimForm,
    ClassListForm,
    ClassRowForm,
    ClassRowFormSet,
    ConsentTextForm,
    GuardianForm,
    PaperConsentForm,
    PersonFilterForm,
    PersonForm,
    StudentForm,
)
from technopark.people.models import Affiliation, Consent, ConsentPurpose, ConsentText, Guardianship

# A class fits on one page.
PAGE_SIZE = 30


# --- Lists and records ------------------------------------------------------------------------------


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    """Everyone the user sees: staff the registry, a teacher their students, a guardian their children."""
    institutions = institutions_for_people(request.user)
    # Lab managers see everyone without keeping anyone's records: they filter by any institution.
    choices = Institution.objects.all() if may_act_as(request.user, *PEOPLE_READERS) else institutions
    form = PersonFilterForm(request.GET or None, institutions=choices)
    people = selectors.find_people(visible_persons(request.user), **form.filters())
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            "page_obj": page,
            "may_add": institutions.exists(),
            "may_merge": may_manage_people(request.user),
        },
    )


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access_person(request.user, person_id)
    user = signed_in_user(request)
    consents = selectors.consent_overview(person)
    history = list(selectors.consent_history(person))
    readable = set(visible_consents(user).filter(subject=person).values_list("pk", flat=True))
    # Teachers are attached by staff or by the coordinator of the institution, never by themselves.
    attach_to = attachable_institutions(user)
    manager = may_manage_people(user)
    guardianships = person.guardianships.select_related("guardian", "created_by", "claim_code__created_by")
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "affiliations": person.affiliations.select_related("institution"),
            "guardianships": list(guardianships.order_by("id")),
            "may_confirm_birth_date": not person.birth_date_confirmed and may_confirm_birth_date(user, person),
            "wards": [link.child for link in person.wards.select_related("child").order_by("child__last_name")],
            "consents": consents,
            "history": history,
            "readable_consents": readable,
            "withdrawable": withdrawable_consents(user, history),
            "may_edit": may_edit_person(user, person),
            "may_issue_code": may_issue_claim_code(user, person),
            "may_manage": manager,
            "attach_form": AffiliationForm(institutions=attach_to) if attach_to.exists() else None,
            "giver_rule": selectors.giver_rule(person),
            "may_consent_online": may_consent_online(user, person),
            "claim_form": ClaimCodeForm(),
        },
    )


@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access_person(request.user, person_id, for_write=True)
    initial = {name: getattr(person, name) for name in PersonForm.base_fields}
    # A person does not change their own confirmed date of birth (DOMAIN.md rule 10).
    locked = person.user_id == request.user.pk and person.birth_date_confirmed
    form = PersonForm(request.POST or None, initial=initial, birth_date_locked=locked)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(person, actor=request.user, **form.service_fields())
        except (DomainError, ValidationError) as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The record is saved."))
            return redirect("people:person-detail", person_id=person.pk)
    status = 400 if form.errors else 200
    return render(request, "people/person_form.html", {"form": form, "person": person}, status=status)


@login_required
@require_POST
def birth_date_confirm(request: HttpRequest, person_id: int) -> HttpResponse:
    """Whoever may edit the record but the person confirms a date of birth the person typed themself."""
    person = access_person(request.user, person_id)
    if not may_confirm_birth_date(request.user, person):
        raise PermissionDenied
    try:
        services.confirm_birth_date(person, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The date of birth is confirmed."))
    return redirect("people:person-detail", person_id=person.pk)


def _require_institutions(request: HttpRequest):  # type: ignore[no-untyped-def]
    institutions = institutions_for_people(request.user)
    if not institutions.exists():
        # Only staff, coordinators and teachers attached to an institution add students.
        raise PermissionDenied
    return institutions


@login_required
def student_create(request: HttpRequest) -> HttpResponse:
    institutions = _require_institutions(request)
    form = StudentForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.add_student(form.cleaned_data["institution"], actor=request.user, **form.service_fields())
        except (DomainError, ValidationError) as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": person.full_name})
            return redirect("people:person-detail", person_id=person.pk)
    status = 400 if form.errors else 200
    return render(request, "people/student_form.html", {"form": form}, status=status)


@login_required
def class_create(request: HttpRequest) -> HttpResponse:
    """A whole class list in one form: every row is checked, and nothing is saved unless all are right."""
    institutions = _require_institutions(request)
    head = ClassListForm(request.POST or None, institutions=institutions)
    rows = ClassRowFormSet(request.POST or None, prefix="row")
    row_errors: list[tuple[int, str]] = []
    if request.method == "POST" and head.is_valid() and rows.is_valid():
        filled = [(i, f.cleaned_data) for i, f in enumerate(rows.forms) if not ClassRowForm.is_blank(f.cleaned_data)]
        if not filled:
            head.add_error(None, _("Fill in at least one row."))
        else:
            grade = head.cleaned_data["grade"]
            data = [
                {key: value for key, value in row.items() if key in ClassRowForm.base_fields} | {"grade": grade}
                for _i, row in filled
            ]
            try:
                people = services.add_students(head.cleaned_data["institution"], data, actor=request.user)
            except services.RowErrors as error:
                # Report the row numbers as the teacher sees them in the table.
                row_errors = [(filled[number - 1][0] + 1, message) for number, message in error.rows]
                head.add_error(None, error.message)
            else:
                messages.success(request, _("%(count)s students are added.") % {"count": len(people)})
                url = f"{reverse('people:person-list')}?institution={head.cleaned_data['institution'].pk}&grade={grade}"
                return redirect(url)
    failed = request.method == "POST"
    return render(
        request,
        "people/class_form.html",
        {"form": head, "rows": rows, "row_errors": row_errors},
        status=400 if failed else 200,
    )


@login_required
@require_POST
def affiliation_add(request: HttpRequest, person_id: int) -> HttpResponse:
    """Attach a person to an institution as a student or a teacher (with a position)."""
    person = access_person(request.user, person_id)
    institutions = attachable_institutions(request.user)
    if not institutions.exists():
        raise PermissionDenied
    form = AffiliationForm(request.POST, institutions=institutions)
    if not form.is_valid():
        messages.error(request, _("Choose the institution and whether the person is a student or a teacher."))
    else:
        try:
            services.set_affiliation(person, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The person is attached to the institution."))
    return redirect("people:person-detail", person_id=person.pk)


@login_required
@require_POST
def affiliation_remove(request: HttpRequest, affiliation_id: int) -> HttpResponse:
    affiliation = Affiliation.objects.select_related("institution", "person").filter(pk=affiliation_id).first()
    if affiliation is None:
        raise Http404
    person = access_person(request.user, affiliation.person_id)
    if not attachable_institutions(request.user).filter(pk=affiliation.institution_id).exists():
        raise PermissionDenied
    services.remove_affiliation(affiliation, actor=request.user)
    messages.success(request, _("The person is detached from the institution."))
    return redirect("people:person-detail", person_id=person.pk)


@login_required
def guardian_add(request: HttpRequest, person_id: int) -> HttpResponse:
    """Add a guardian without a login (they sign consents on paper, or claim the child later with a code
    of their own). Whoever keeps the child's record for the institution may: staff, the coordinator,
    the student's teacher."""
    person = access_person(request.user, person_id)
    if not may_issue_claim_code(request.user, person):
        raise PermissionDenied
    form = GuardianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_guardian(person, actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The guardian is added."))
            return redirect("people:person-detail", person_id=person.pk)
    status = 400 if form.errors else 200
    return render(request, "people/guardian_form.html", {"form": form, "person": person}, status=status)


@staff_required(*PEOPLE_MANAGERS)
@require_POST
def guardian_remove(request: HttpRequest, person_id: int, guardian_id: int) -> HttpResponse:
    """Staff undo a guardianship made by mistake (the guardian's record stays)."""
    person = access_person(request.user, person_id)
    link = Guardianship.objects.filter(child=person, guardian_id=guardian_id).select_related("guardian").first()
    if link is None:
        raise Http404
    services.unlink_guardian(link, actor=request.user)
    messages.success(request, _("The guardian is no longer linked to this record."))
    return redirect("people:person-detail", person_id=person.pk)


# --- Claim codes -------------------------------------------------------------------------------------


@login_required
@require_POST
def claim_code_issue(request: HttpRequest, person_id: int) -> HttpResponse:
    """Issue a code and show it once, on a page the teacher can print and hand out."""
    person = access_person(request.user, person_id)
    if not may_issue_claim_code(request.user, person):
        raise PermissionDenied
    form = ClaimCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose who will use the code."))
        return redirect("people:person-detail", person_id=person.pk)
    try:
        claim, code = services.issue_claim_code(person, claimant=form.cleaned_data["claimant"], actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("people:person-detail", person_id=person.pk)
    response = render(request, "people/claim_code.html", {"person": person, "claim": claim, "code": code})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def claim(request: HttpRequest) -> HttpResponse:
    """A student or a guardian enters the code the teacher gave them."""
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.claim_person(form.cleaned_data["code"], user=signed_in_user(request))
        except DomainError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request, _("The record of %(name)s is now linked to your login.") % {"name": person.full_name}
            )
            return redirect("people:person-detail", person_id=person.pk)
    status = 400 if form.errors else 200
    return render(request, "people/claim.html", {"form": form}, status=status)


# --- Consent -----------------------------------------------------------------------------------------


@login_required
def consent_give(request: HttpRequest, person_id: int, purpose: str) -> HttpResponse:
    """The text in force and one button: the guardian (or the person from 16) consents online."""
    person = access_person(request.user, person_id)
    if purpose not in ConsentPurpose.values:
        raise Http404
    text = selectors.current_consent_text(purpose)
    if text is None:
        raise Http404
    user = signed_in_user(request)
    giver = own_person(user)
    error = ""
    if request.method == "POST":
        if giver is None:
            error = _("Online consent is given only by the person consenting, signed in with their own login.")
        else:
            try:
                services.give_consent(person, purpose=purpose, giver=giver, actor=user)
            except DomainError as refusal:
                error = str(refusal.message)
            else:
                messages.success(request, _("Thank you. The consent is recorded."))
                return redirect("people:person-detail", person_id=person.pk)
    return render(
        request,
        "people/consent_give.html",
        {"person": person, "text": text, "error": error, "may_consent": may_consent_online(user, person)},
        status=400 if error else 200,
    )


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = access_consent(request.user, consent_id, for_write=True)
    try:
        services.withdraw_consent(consent, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The consent is withdrawn."))
    if not visible_persons(request.user).filter(pk=consent.subject_id).exists():
        return redirect("people:person-list")
    return redirect("people:person-detail", person_id=consent.subject_id)


@staff_required(*PEOPLE_MANAGERS)
def consent_paper(request: HttpRequest, person_id: int) -> HttpResponse:
    """Staff record a consent signed on paper, with the scan."""
    person = access_person(request.user, person_id)
    givers = [person, *selectors.guardians_of(person)]
    form = PaperConsentForm(request.POST or None, request.FILES or None, givers=givers)
    if request.method == "POST" and form.is_valid():
        giver = next(p for p in givers if p.pk == form.cleaned_data["giver"])
        signed = dt.datetime.combine(form.cleaned_data["given_on"], dt.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
        try:
            services.give_consent(
                person,
                purpose=form.cleaned_data["purpose"],
                giver=giver,
                actor=request.user,
                channel=Consent.Channel.PAPER,
                scan=form.cleaned_data["scan"],
                at=min(signed, timezone.now()),
            )
        except DomainError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect("people:person-detail", person_id=person.pk)
    status = 400 if form.errors else 200
    return render(request, "people/consent_paper.html", {"form": form, "person": person}, status=status)


@login_required
def consent_scan(request: HttpRequest, consent_id: int) -> FileResponse:
    consent = access_consent(request.user, consent_id)
    handle = open_stored_file(consent.scan, owner=consent)
    response = FileResponse(handle, content_type=content_type_for(consent.scan.name))
    response["Content-Disposition"] = f'inline; filename="consent-{consent.pk}.{consent.scan.name.rsplit(".", 1)[-1]}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Duplicates ---------------------------------------------------------------------------------------


@staff_required(*PEOPLE_MANAGERS)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    pairs, checked_at = selectors.possible_duplicates(refresh="refresh" in request.GET)
    return render(request, "people/duplicate_list.html", {"pairs": pairs, "checked_at": checked_at})


@staff_required(*PEOPLE_MANAGERS)
def person_merge(request: HttpRequest, keep_id: int, other_id: int) -> HttpResponse:
    """Two records side by side; the one on the left stays, the other is merged into it."""
    keep = access_person(request.user, keep_id)
    other = access_person(request.user, other_id)
    if keep.pk == other.pk:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            merged = services.merge_persons(keep, other, actor=request.user)
        except DomainError as refusal:
            error = str(refusal.message)
        else:
            messages.success(request, _("The records are merged."))
            return redirect("people:person-detail", person_id=merged.pk)
    sides = [(person, person.affiliations.select_related("institution"), selectors.guardians_of(person))
             for person in (keep, other)]  # fmt: skip
    summary = None
    if not error:
        # What will move and what will be dropped, before staff confirm (the same merge, rolled back).
        try:
            summary = services.preview_merge(keep, other, actor=request.user)
        except DomainError as refusal:
            error = str(refusal.message)
    students_at = {link.institution_id for _p, links, _g in sides for link in links if link.kind == "student"}
    return render(
        request,
        "people/person_merge.html",
        {
            "keep": keep,
            "other": other,
            "sides": sides,
            "error": error,
            "summary": summary,
            "several_schools": len(students_at) > 1,
        },
        status=400 if error and request.method == "POST" else 200,
    )


@staff_required(*PEOPLE_MANAGERS)
@require_POST
def not_duplicate(request: HttpRequest, first_id: int, second_id: int) -> HttpResponse:
    first = access_person(request.user, first_id)
    second = access_person(request.user, second_id)
    try:
        services.mark_not_duplicate(first, second, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The pair will not be offered again."))
    return redirect("people:duplicate-list")


# --- Consent texts (methodologists write them; DOMAIN.md rule 4) -------------------------------------

CONSENT_TEXT_EDITORS = (Role.METHODOLOGIST,)


@staff_required(*CONSENT_TEXT_EDITORS)
def consent_text_list(request: HttpRequest) -> HttpResponse:
    texts = ConsentText.objects.order_by("purpose", "-version")
    current = {purpose: selectors.current_consent_text(purpose) for purpose in ConsentPurpose.values}
    groups = [
        {
            "purpose": purpose,
            "label": label,
            "current": current[purpose],
            "texts": [t for t in texts if t.purpose == purpose],
        }
        for purpose, label in ConsentPurpose.choices
    ]
    return render(request, "people/consent_text_list.html", {"groups": groups})


@staff_required(*CONSENT_TEXT_EDITORS)
def consent_text_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if (purpose := request.GET.get("purpose")) in ConsentPurpose.values:
        initial["purpose"] = purpose
        if latest := selectors.current_consent_text(purpose):
            # A new version starts from the one in force: staff change what changed.
            initial |= {name: getattr(latest, name) for name in ConsentTextForm.Meta.fields if name != "purpose"}
    form = ConsentTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            text = services.create_consent_text(actor=request.user, **form.service_fields())
        except DomainError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The draft is saved. Check it and publish it when it is ready."))
            return redirect("people:consent-text-edit", text_id=text.pk)
    status = 400 if form.errors else 200
    return render(request, "people/consent_text_form.html", {"form": form, "text": None}, status=status)


@staff_required(*CONSENT_TEXT_EDITORS)
def consent_text_edit(request: HttpRequest, text_id: int) -> HttpResponse:
    text = get_visible_or_404(ConsentText.objects.all(), user=request.user, pk=text_id)
    form = ConsentTextForm(request.POST or None, instance=text) if text.published_at is None else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.update_consent_text(text, actor=request.user, **form.service_fields())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("people:consent-text-edit", text_id=text.pk)
    status = 400 if form is not None and form.errors else 200
    return render(request, "people/consent_text_form.html", {"form": form, "text": text}, status=status)


@staff_required(*CONSENT_TEXT_EDITORS)
@require_POST
def consent_text_publish(request: HttpRequest, text_id: int) -> HttpResponse:
    text = get_visible_or_404(ConsentText.objects.all(), user=request.user, pk=text_id)
    try:
        services.publish_consent_text(text, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The new version is in force. Everyone will be asked to consent again."))
    return redirect("people:consent-text-list")
