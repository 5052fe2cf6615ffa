"""Every URL of the platform, visited as every persona, answers with the expected status.

The table below is the platform's access policy in one place. `test_every_url_has_an_entry` fails
when a URL is added without a row here, so a new page cannot ship without a decision about who may
open it. Statuses are of the first response (302 is a redirect: to sign-in for anonymous visitors,
or onwards after a successful POST).

Django admin's per-model pages are all behind `TechnoparkAdminSite.has_permission`; only its index
is listed, and `technopark/accounts/tests/test_admin_site.py` covers the gate itself.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from conftest import PERSONAS, create_personas, create_user

ORDER = ["administrator", "methodologist", "lab_manager", "teacher", "student", "guardian", "jury_member", "outsider", "anonymous"]  # fmt: skip
assert sorted(ORDER) == sorted(PERSONAS)


@dataclass
class Case:
    method: str
    statuses: str  # one status per persona, in ORDER
    kwargs: str = ""  # name of a world object whose pk fills the URL, e.g. "news=published"
    data: dict[str, Any] = field(default_factory=dict)
    json: bool = False

    def expected(self) -> dict[str, int]:
        codes = [int(code) for code in self.statuses.split()]
        assert len(codes) == len(ORDER)
        return dict(zip(ORDER, codes, strict=True))


#                                                                      adm met lab tea stu gua jur out anon
MATRIX: dict[str, Case] = {
    "healthz":                              Case("GET",    "200 200 200 200 200 200 200 200 200"),
    # Portal: public pages
    "portal:home":                          Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "portal:news-list":                     Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "portal:news-detail":                   Case("GET",    "200 200 200 200 200 200 200 200 200", "news_id=published"),
    "portal:news-image":                    Case("GET",    "200 200 200 200 200 200 200 200 200", "news_id=published"),
    # Portal: staff pages for methodologists (and administrators)
    "portal:news-manage":                   Case("GET",    "200 200 403 403 403 403 403 403 302"),
    "portal:news-create":                   Case("GET",    "200 200 403 403 403 403 403 403 302"),
    "portal:news-edit":                     Case("GET",    "200 200 403 403 403 403 403 403 302", "news_id=draft"),
    "portal:news-set-status":               Case("POST",   "302 302 403 403 403 403 403 403 302", "news_id=draft", {"status": "published"}),
    "portal:news-delete":                   Case("POST",   "302 302 403 403 403 403 403 403 302", "news_id=draft"),
    "portal:home-blocks":                   Case("GET",    "200 200 403 403 403 403 403 403 302"),
    "portal:home-block-create":             Case("GET",    "200 200 403 403 403 403 403 403 302"),
    "portal:home-block-edit":               Case("GET",    "200 200 403 403 403 403 403 403 302", "block_id=block"),
    "portal:home-block-delete":             Case("POST",   "302 302 403 403 403 403 403 403 302", "block_id=block"),
    # Accounts: own profile for every signed-in person; users, roles and audit for administrators
    "accounts:profile":                     Case("GET",    "200 200 200 200 200 200 200 200 302"),
    "accounts:user-list":                   Case("GET",    "200 403 403 403 403 403 403 403 302"),
    "accounts:user-detail":                 Case("GET",    "200 403 403 403 403 403 403 403 302", "user_id=target"),
    "accounts:user-role-grant":             Case("POST",   "302 403 403 403 403 403 403 403 302", "user_id=target", {"role": "teacher"}),
    "accounts:user-role-revoke":            Case("POST",   "302 403 403 403 403 403 403 403 302", "user_id=target,role=student"),
    "accounts:user-set-active":             Case("POST",   "302 403 403 403 403 403 403 403 302", "user_id=target", {"active": "0"}),
    "accounts:audit-list":                  Case("GET",    "200 403 403 403 403 403 403 403 302"),
    # API tokens: everyone's own page; a token (here the target's) is revoked by its owner or an administrator
    "accounts:token-list":                  Case("GET",    "200 200 200 200 200 200 200 200 302"),
    "accounts:token-revoke":                Case("POST",   "302 404 404 404 404 404 404 404 302", "token_id=api_token"),
    # API: public reads, editor writes, JSON errors (401 for anonymous, 403 for the wrong role)
    "api:index":                            Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "api:api-root":                         Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "api:openapi-json":                     Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "api:openapi-view":                     Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "api:news-list":                        Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "api:news-create":                      Case("POST",   "201 201 403 403 403 403 403 403 401", "", {"title_ru": "Новость"}, json=True),
    "api:news-detail":                      Case("GET",    "200 200 200 200 200 200 200 200 200", "news_id=published"),
    "api:news-update":                      Case("PATCH",  "200 200 403 403 403 403 403 403 401", "news_id=published", {"title_en": "News"}, json=True),
    "api:me":                               Case("GET",    "200 200 200 200 200 200 200 200 401"),
    # Network: the public registry; staff pages for methodologists (and administrators)
    "network:institution-list":             Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "network:institution-detail":           Case("GET",    "200 200 200 200 200 200 200 200 200", "institution_id=institution"),
    "network:agreement-scan":               Case("GET",    "200 200 404 404 404 404 404 404 404", "agreement_id=agreement"),
    "network:institution-export":           Case("GET",    "200 200 403 403 403 403 403 403 302", "file_format=xlsx"),
    "network:institution-create":           Case("GET",    "200 200 403 403 403 403 403 403 302"),
    "network:institution-edit":             Case("GET",    "200 200 403 403 403 403 403 403 302", "institution_id=institution"),
    "network:institution-set-active":       Case("POST",   "302 302 403 403 403 403 403 403 302", "institution_id=institution", {"active": "0"}),
    "network:coordinator-add":              Case("POST",   "302 302 403 403 403 403 403 403 302", "institution_id=institution", {"email": "target@example.test"}),
    "network:coordinator-remove":           Case("POST",   "302 302 403 403 403 403 403 403 302", "institution_id=institution,user_id=coordinator"),
    "network:contact-create":               Case("GET",    "200 200 403 403 403 403 403 403 302", "institution_id=institution"),
    "network:contact-edit":                 Case("GET",    "200 200 403 403 403 403 403 403 302", "contact_id=contact"),
    "network:contact-delete":               Case("POST",   "302 302 403 403 403 403 403 403 302", "contact_id=contact"),
    "network:agreement-list":               Case("GET",    "200 200 403 403 403 403 403 403 302"),
    "network:agreement-create":             Case("GET",    "200 200 403 403 403 403 403 403 302", "institution_id=institution"),
    "network:agreement-edit":               Case("GET",    "200 200 403 403 403 403 403 403 302", "agreement_id=agreement"),
    "network:agreement-delete":             Case("POST",   "302 302 403 403 403 403 403 403 302", "agreement_id=agreement"),
    "network:import-start":                 Case("GET",    "200 200 403 403 403 403 403 403 302"),
    "network:import-template":              Case("GET",    "200 200 403 403 403 403 403 403 302"),
    # An import is seen by whoever started it (here another methodologist) and by administrators.
    "network:import-job":                   Case("GET",    "200 404 403 403 403 403 403 403 302", "job_id=job"),
    "network:import-progress":              Case("GET",    "200 404 403 403 403 403 403 403 302", "job_id=job"),
    "network:import-confirm":               Case("POST",   "302 404 403 403 403 403 403 403 302", "job_id=job"),
    "api:district-list":                    Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "api:institution-list":                 Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "api:institution-detail":               Case("GET",    "200 200 200 200 200 200 200 200 200", "institution_id=institution"),
    "api:institution-create":               Case("POST",   "201 201 403 403 403 403 403 403 401", "", {"full_name": "Школа", "short_name": "Школа", "kind": "school", "district": 1, "cluster_role": "base"}, json=True),
    "api:institution-update":               Case("PATCH",  "200 200 403 403 403 403 403 403 401", "institution_id=institution", {"address": "ул. Новая, 1"}, json=True),
    "api:agreement-list":                   Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "api:agreement-detail":                 Case("GET",    "200 200 404 404 404 404 404 404 404", "agreement_id=agreement"),
    "api:agreement-create":                 Case("POST",   "201 201 403 403 403 403 403 403 401", "institution_id=institution", {"number": "1", "signed_on": "2026-01-01", "valid_from": "2026-01-01", "subject": "x"}, json=True),
    # People: who sees whom (DOMAIN.md). The world: "pupil" is a student of the institution where the
    # teacher persona teaches, and the guardian persona is the pupil's guardian; the student, jury member
    # and outsider personas have nothing to do with the pupil. Missing and forbidden look the same (404).
    "people:person-list":                  Case("GET",    "200 200 200 200 200 200 200 200 302"),
    "people:person-detail":                Case("GET",    "200 200 200 200 404 200 404 404 302", "person_id=pupil"),
    "people:person-edit":                  Case("GET",    "200 200 404 200 404 200 404 404 302", "person_id=pupil"),
    # Confirming a date of birth: whoever edits the record but the person (the pupil's is confirmed already).
    "people:birth-date-confirm":           Case("POST",   "302 302 403 302 404 302 404 404 302", "person_id=pupil"),
    "people:student-create":               Case("GET",    "200 200 403 200 403 403 403 403 302"),
    "people:class-create":                 Case("GET",    "200 200 403 200 403 403 403 403 302"),
    "people:claim":                        Case("GET",    "200 200 200 200 200 200 200 200 302"),
    "people:affiliation-add":              Case("POST",   "302 302 403 403 404 403 404 404 302", "person_id=pupil", {"kind": "teacher"}),
    "people:affiliation-remove":           Case("POST",   "302 302 403 403 404 403 404 404 302", "affiliation_id=pupil_school"),
    "people:guardian-add":                 Case("GET",    "200 200 403 200 404 403 404 404 302", "person_id=pupil"),
    "people:guardian-remove":              Case("POST",   "302 302 403 403 403 403 403 403 302", "person_id=pupil,guardian_id=parent"),
    "people:claim-code-issue":             Case("POST",   "200 200 403 200 404 403 404 404 302", "person_id=pupil", {"claimant": "self"}),
    "people:consent-paper":                Case("GET",    "200 200 403 403 403 403 403 403 302", "person_id=pupil"),
    "people:consent-give":                 Case("GET",    "200 200 200 200 404 200 404 404 302", "person_id=pupil,purpose=publication"),
    "people:consent-withdraw":             Case("POST",   "302 302 404 404 404 302 404 404 302", "consent_id=consent"),
    "people:consent-scan":                 Case("GET",    "200 200 200 404 404 200 404 404 302", "consent_id=consent"),
    "people:duplicate-list":               Case("GET",    "200 200 403 403 403 403 403 403 302"),
    "people:person-merge":                 Case("GET",    "200 200 403 403 403 403 403 403 302", "keep_id=pupil,other_id=twin"),
    "people:not-duplicate":                Case("POST",   "302 302 403 403 403 403 403 403 302", "first_id=pupil,second_id=twin"),
    "people:consent-text-list":           Case("GET",    "200 200 403 403 403 403 403 403 302"),
    "people:consent-text-create":         Case("GET",    "200 200 403 403 403 403 403 403 302"),
    "people:consent-text-edit":           Case("GET",    "200 200 403 403 403 403 403 403 302", "text_id=draft_text"),
    "people:consent-text-publish":        Case("POST",   "302 302 403 403 403 403 403 403 302", "text_id=draft_text"),
    # People through the API ("@name" in the data stands for that world object's id)
    "api:person-list":                      Case("GET",    "200 200 200 200 200 200 200 200 401"),
    "api:person-detail":                    Case("GET",    "200 200 200 200 404 200 404 404 401", "person_id=pupil"),
    "api:person-create":                    Case("POST",   "201 201 403 201 403 403 403 403 401", "", {"institution": "@institution", "last_name": "Новикова", "first_name": "Ева", "birth_date": "2014-02-03"}, json=True),
    "api:person-update":                    Case("PATCH",  "200 200 404 200 404 200 404 404 401", "person_id=pupil", {"phone": "+375291112233"}, json=True),
    "api:person-claim":                     Case("POST",   "400 400 400 400 400 400 400 400 401", "", {"code": "AAAA-BBBB-CCCC"}, json=True),
    "api:claim-code-create":                Case("POST",   "201 201 403 201 404 403 404 404 401", "person_id=pupil", {"claimant": "self"}, json=True),
    "api:guardian-create":                  Case("POST",   "201 201 403 201 404 403 404 404 401", "person_id=pupil", {"last_name": "Ученикова", "first_name": "Ольга"}, json=True),
    "api:guardian-list":                    Case("GET",    "200 200 200 200 404 200 404 404 401", "person_id=pupil"),
    "api:guardian-delete":                  Case("DELETE", "204 204 403 403 403 403 403 403 401", "person_id=pupil,guardian_id=parent"),
    "api:birth-date-confirm":               Case("POST",   "409 409 403 409 404 409 404 404 401", "person_id=pupil"),
    "api:person-merge-preview":             Case("POST",   "200 200 403 403 403 403 403 403 401", "", {"keep": "@pupil", "duplicate": "@twin"}, json=True),
    "api:person-merge":                     Case("POST",   "200 200 403 403 403 403 403 403 401", "", {"keep": "@pupil", "duplicate": "@twin"}, json=True),
    "api:person-consents":                  Case("GET",    "200 200 200 200 404 200 404 404 401", "person_id=pupil"),
    # Online consent: only the guardian of a child under 16 may give it; staff have no record to give it from.
    "api:consent-create":                   Case("POST",   "403 403 403 400 404 201 404 404 401", "person_id=pupil", {"purpose": "publication"}, json=True),
    "api:consent-withdraw":                 Case("POST",   "200 200 404 404 404 200 404 404 401", "consent_id=consent"),
    "api:consent-list":                     Case("GET",    "200 200 200 200 200 200 200 200 401"),
    "api:consent-text-list":                Case("GET",    "200 200 200 200 200 200 200 200 200"),
    # Events: the public calendar; staff pages for methodologists (and administrators). A draft is 404.
    "events:calendar":                      Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "events:calendar-month":                Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "events:calendar-feed":                 Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "events:event-detail":                  Case("GET",    "200 200 200 200 200 200 200 200 200", "event_id=event"),
    "events:event-image":                   Case("GET",    "200 200 200 200 200 200 200 200 200", "event_id=event"),
    "events:document-file":                 Case("GET",    "200 200 200 200 200 200 200 200 200", "document_id=event_document"),
    "events:event-manage":                  Case("GET",    "200 200 403 403 403 403 403 403 302"),
    "events:event-create":                  Case("GET",    "200 200 403 403 403 403 403 403 302"),
    "events:event-edit":                    Case("GET",    "200 200 403 403 403 403 403 403 302", "event_id=draft_event"),
    "events:event-sessions":                Case("GET",    "200 200 403 403 403 403 403 403 302", "event_id=draft_event"),
    "events:event-nominations":             Case("GET",    "200 200 403 403 403 403 403 403 302", "event_id=draft_event"),
    "events:event-status":                  Case("POST",   "302 302 403 403 403 403 403 403 302", "event_id=draft_event", {"status": "published"}),
    "events:document-add":                  Case("POST",   "302 302 403 403 403 403 403 403 302", "event_id=draft_event", {"title": "x"}),
    "events:nomination-edit":               Case("GET",    "200 200 403 403 403 403 403 403 302", "nomination_id=nomination"),
    "events:nomination-delete":             Case("POST",   "302 302 403 403 403 403 403 403 302", "nomination_id=nomination"),
    "events:document-delete":               Case("POST",   "302 302 403 403 403 403 403 403 302", "document_id=event_document"),
    "api:event-list":                       Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "api:event-detail":                     Case("GET",    "200 200 404 404 404 404 404 404 404", "event_id=draft_event"),
    "api:event-create":                     Case("POST",   "201 201 403 403 403 403 403 403 401", "", {"title_ru": "Конкурс", "kind": "contest", "audience": "students", "level": "city", "format": "in_person", "venue_kind": "lab", "venue_lab": "fablab"}, json=True),
    "api:event-update":                     Case("PATCH",  "200 200 403 403 403 403 403 403 401", "event_id=draft_event", {"summary_ru": "Коротко"}, json=True),
    # Registration pages: any signed-in person may open the form (whom they may register is its choices).
    "events:event-register":                Case("GET",    "200 200 200 200 200 200 200 200 302", "event_id=open_event"),
    "events:personal-feed":                 Case("GET",    "404 404 404 404 404 404 404 404 404", "token=bad-token"),
    "events:my-registrations":              Case("GET",    "200 200 200 200 200 200 200 200 302"),
    # A lab manager reads the registry but not registrations: the pupil's is missing to them, as to a stranger.
    "events:registration-cancel":           Case("POST",   "302 302 404 302 404 302 404 404 302", "registration_id=registration"),
    # Leaving is for a team's member and their guardian (and staff); the world's registration is the pupil's
    # own, so those who may take the pupil out are told it is not a team's (302 with a message).
    "events:registration-leave":            Case("POST",   "302 302 404 403 404 302 404 404 302", "registration_id=registration", {"person": "@pupil"}),
    "events:registration-qr":               Case("GET",    "200 200 404 200 404 200 404 404 302", "registration_id=registration"),
    "events:check-in":                      Case("GET",    "200 200 403 403 403 403 403 403 302", "code=registration_code"),
    "events:check-in-list":                 Case("GET",    "200 200 403 403 403 403 403 403 302", "event_id=open_event"),
    "events:participants-export":           Case("GET",    "200 200 403 403 403 403 403 403 302", "event_id=open_event,file_format=xlsx"),
    "events:institution-participants-export": Case("GET",  "200 200 403 403 403 403 403 403 302", "event_id=open_event,institution_id=institution,file_format=csv"),
    "events:event-results":                 Case("GET",    "200 200 404 404 404 404 404 404 404", "event_id=open_event"),
    "events:results-edit":                  Case("GET",    "200 200 403 403 403 403 403 403 302", "event_id=open_event"),
    "api:event-results":                    Case("GET",    "200 200 404 404 404 404 404 404 404", "event_id=open_event"),
    "events:event-registrations":           Case("GET",    "200 200 403 403 403 403 403 403 302", "event_id=open_event"),
    "events:event-questions":               Case("GET",    "200 200 403 403 403 403 403 403 302", "event_id=open_event"),
    "events:question-edit":                 Case("GET",    "200 200 403 403 403 403 403 403 302", "question_id=question"),
    "events:question-delete":               Case("POST",   "302 302 403 403 403 403 403 403 302", "question_id=question"),
    "events:answer-file":                   Case("GET",    "200 200 404 200 404 200 404 404 302", "answer_id=answer"),
    # Documents: staff issue and revoke; the holder's people download; anyone checks a code
    "events:certificates":                  Case("GET",    "200 200 403 403 403 403 403 403 302", "event_id=open_event"),
    "events:certificates-job":              Case("GET",    "200 200 403 403 403 403 403 403 302", "job_id=certificates_job"),
    "events:certificates-progress":         Case("GET",    "200 200 403 403 403 403 403 403 302", "job_id=certificates_job"),
    "events:certificate-revoke":            Case("POST",   "302 302 403 403 403 403 403 403 302", "certificate_id=certificate", {"reason": "Ошибка"}),
    "events:certificate-file":              Case("GET",    "200 200 404 200 404 200 404 404 302", "certificate_id=certificate"),
    "events:certificates-zip":              Case("GET",    "200 200 403 403 403 403 403 403 302", "event_id=open_event,institution_id=institution"),
    "events:verify-form":                   Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "events:verify":                        Case("GET",    "200 200 200 200 200 200 200 200 200", "code=certificate_code"),
    "events:registration-decide":           Case("POST",   "302 302 403 403 403 403 403 403 302", "registration_id=registration", {"decision": "approve"}),
    # Labs: public pages; booking for the signed in; the lab manager's pages
    "labs:lab-list":                        Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "labs:lab-detail":                      Case("GET",    "200 200 200 200 200 200 200 200 200", "code=fablab"),
    "labs:lab-week":                        Case("GET",    "200 200 200 200 200 200 200 200 200", "code=fablab"),
    "labs:lab-photo":                       Case("GET",    "200 200 200 200 200 200 200 200 200", "code=fablab"),
    "labs:equipment-detail":                Case("GET",    "200 200 200 200 200 200 200 200 200", "equipment_id=printer"),
    "labs:search":                          Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "labs:book":                            Case("POST",   "400 400 400 400 400 400 400 400 302", "equipment_id=printer", {"day": "x"}),
    "labs:lab-book":                        Case("POST",   "400 400 400 400 403 403 403 403 302", "code=fablab", {"day": "x"}),
    "labs:people-search":                   Case("GET",    "200 200 200 200 200 200 200 200 302"),
    "labs:my-bookings":                     Case("GET",    "200 200 200 200 200 200 200 200 302"),
    "labs:booking-cancel":                  Case("POST",   "302 302 302 302 404 302 404 404 302", "booking_id=booking"),
    "labs:booking-decide":                  Case("POST",   "302 403 302 403 404 403 404 404 302", "booking_id=booking", {"decision": "approve"}),
    "labs:trainings":                       Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "labs:training-register":               Case("POST",   "302 302 302 302 302 302 302 302 302", "session_id=training_session", {"person": "0"}),
    "labs:staff-trainings":                 Case("GET",    "200 403 200 403 403 403 403 403 302"),
    "labs:training-roster":                 Case("GET",    "200 403 200 403 403 403 403 403 302", "session_id=training_session"),
    "labs:staff":                           Case("GET",    "200 403 200 403 403 403 403 403 302"),
    "labs:staff-equipment":                 Case("GET",    "200 403 200 403 403 403 403 403 302", "equipment_id=printer"),
    "labs:staff-authorisations":            Case("GET",    "200 403 200 403 403 403 403 403 302"),
    "labs:authorisation-revoke":            Case("POST",   "302 403 302 403 403 403 403 403 302", "authorisation_id=authorisation", {"reason": "x"}),
    "labs:booking-use":                     Case("GET",    "200 403 200 403 403 403 403 403 302", "booking_id=booking"),
    "labs:utilisation":                     Case("GET",    "200 403 200 403 403 403 403 403 302", "code=fablab"),
    "labs:lab-edit":                        Case("GET",    "200 403 200 403 403 403 403 403 302", "code=fablab"),
    "labs:closed-day-delete":               Case("POST",   "302 403 302 403 403 403 403 403 302", "day_id=closed_day"),
    "labs:equipment-create":                Case("GET",    "200 403 200 403 403 403 403 403 302"),
    "labs:equipment-edit":                  Case("GET",    "200 403 200 403 403 403 403 403 302", "equipment_id=printer"),
    # Project passports: the published one is public; the draft is its supervisor's (the teacher), its team's
    # (the guardian's child: the guardian sees it but does not edit) and staff's.
    "projects:gallery":                     Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "projects:mine":                        Case("GET",    "200 200 200 200 200 200 200 200 302"),
    "projects:create":                      Case("GET",    "200 200 200 200 200 200 200 200 302"),
    "projects:detail":                      Case("GET",    "200 200 200 200 404 200 404 404 404", "project_id=draft_project"),
    "projects:edit":                        Case("GET",    "200 200 200 200 404 403 404 404 302", "project_id=draft_project"),
    "projects:publish":                     Case("POST",   "302 302 302 302 404 403 404 404 302", "project_id=draft_project"),
    "projects:step-add":                    Case("GET",    "200 200 200 200 404 403 404 404 302", "project_id=draft_project"),
    "projects:file-add":                    Case("GET",    "200 200 200 200 404 403 404 404 302", "project_id=draft_project"),
    "projects:entry-add":                   Case("GET",    "200 200 200 200 404 403 404 404 302", "project_id=draft_project"),
    "projects:step-delete":                 Case("POST",   "302 302 302 302 404 403 404 404 302", "step_id=draft_step"),
    "projects:image":                       Case("GET",    "200 200 200 200 200 200 200 200 200", "image_id=project_image"),
    "projects:file":                        Case("GET",    "200 200 200 200 200 200 200 200 200", "file_id=project_file"),
    "projects:file-delete":                 Case("POST",   "302 302 302 302 403 403 403 403 302", "file_id=project_file"),
    "projects:entry-delete":                Case("POST",   "302 302 302 302 403 403 403 403 302", "entry_id=project_entry"),
    "events:registration-project":          Case("POST",   "302 302 404 302 404 302 404 404 302", "registration_id=registration", {"project": ""}),
    "api:project-list":                     Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "api:project-detail":                   Case("GET",    "200 200 200 200 404 200 404 404 404", "project_id=draft_project"),
    "api:project-create":                   Case("POST",   "201 201 201 201 201 201 201 201 401", "", {"title": "Проект", "direction": "it"}, json=True),
    "api:project-update":                   Case("PATCH",  "200 200 200 200 404 403 404 404 401", "project_id=draft_project", {"title": "Новое"}, json=True),
    "api:project-step-create":              Case("POST",   "201 201 201 201 404 403 404 404 401", "project_id=draft_project", {"text": "Шаг"}, json=True),
    "api:project-publication":              Case("POST",   "200 200 200 200 404 403 404 404 401", "project_id=draft_project", {"published": True}, json=True),
    "api:lab-list":                         Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "api:lab-detail":                       Case("GET",    "200 200 200 200 200 200 200 200 200", "code=fablab"),
    "api:equipment-list":                   Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "api:equipment-detail":                 Case("GET",    "200 200 200 200 200 200 200 200 200", "equipment_id=printer"),
    "api:equipment-availability":           Case("GET",    "200 200 200 200 200 200 200 200 200", "equipment_id=printer"),
    "api:booking-create":                   Case("POST",   "400 400 400 400 400 400 400 400 401", "", {"equipment": "@printer", "starts_at": "2020-01-06T10:00:00+03:00", "ends_at": "2020-01-06T11:00:00+03:00"}, json=True),
    "api:booking-cancel":                   Case("DELETE", "200 200 200 200 404 200 404 404 401", "booking_id=booking"),
    "api:my-authorisations":                Case("GET",    "200 200 200 200 200 200 200 200 401"),
    # Registration through the API: personas without a record of their own are told why (400); the world's
    # registration is the pupil's (made by a methodologist): the guardian and the teacher may cancel it.
# Lab managers read the registry but see no one's registrations but those they made or act for.
    "api:registration-create":              Case("POST",   "400 400 400 201 400 201 400 400 401", "event_id=open_event", {}, json=True),
    "api:registration-cancel":              Case("DELETE", "200 200 404 200 404 200 404 404 401", "registration_id=registration"),
    "api:registration-leave":               Case("POST",   "400 400 404 403 404 400 404 404 401", "registration_id=registration", {"person": "@pupil"}, json=True),
    # Back office (see module docstring)
    "admin:index":                          Case("GET",    "200 302 302 302 302 302 302 302 302"),
    # Sign-in, sign-up, e-mail and password (django-allauth)
    "account_login":                        Case("GET",    "302 302 302 302 302 302 302 302 200"),
    "account_logout":                       Case("GET",    "200 200 200 200 200 200 200 200 302"),
    "account_inactive":                     Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "account_signup":                       Case("GET",    "302 302 302 302 302 302 302 302 200"),
    "account_reauthenticate":               Case("GET",    "200 200 200 200 200 200 200 200 302"),
    "account_email":                        Case("GET",    "200 200 200 200 200 200 200 200 302"),
    "account_email_verification_sent":      Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "account_confirm_email":                Case("GET",    "200 200 200 200 200 200 200 200 200", "key=unknown-key"),
    "account_change_password":              Case("GET",    "200 200 200 200 200 200 200 200 302"),
    "account_set_password":                 Case("GET",    "302 302 302 302 302 302 302 302 302"),
    "account_reset_password":               Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "account_reset_password_done":          Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "account_reset_password_from_key":      Case("GET",    "200 200 200 200 200 200 200 200 200", "uidb36=1,key=bad-key"),
    "account_reset_password_from_key_done": Case("GET",    "200 200 200 200 200 200 200 200 200"),
    "account_confirm_login_code":           Case("GET",    "302 302 302 302 302 302 302 302 302"),
    # Two-factor authentication; changing it asks for the password again (reauthentication)
    "mfa_index":                            Case("GET",    "200 200 200 200 200 200 200 200 302"),
    "mfa_authenticate":                     Case("GET",    "302 302 302 302 302 302 302 302 302"),
    "mfa_reauthenticate":                   Case("GET",    "200 200 200 302 302 302 302 302 302"),
    "mfa_activate_totp":                    Case("GET",    "302 302 302 302 302 302 302 302 302"),
    "mfa_deactivate_totp":                  Case("GET",    "302 302 302 404 404 404 404 404 302"),
    "mfa_view_recovery_codes":              Case("GET",    "404 404 404 404 404 404 404 404 302"),
    "mfa_generate_recovery_codes":          Case("GET",    "302 302 302 302 302 302 302 302 302"),
    "mfa_download_recovery_codes":          Case("GET",    "404 404 404 404 404 404 404 404 302"),
}  # fmt: skip


def _url_names(patterns: list[Any], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            names |= _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_url_has_an_entry() -> None:
    names = {name for name in _url_names(get_resolver().url_patterns) if not name.startswith("admin:")}
    names.add("admin:index")
    missing = sorted(names - set(MATRIX))
    stale = sorted(set(MATRIX) - names)
    assert not missing, f"URLs without an entry in the permission matrix: {missing}"
    assert not stale, f"Matrix entries for URLs that no longer exist: {stale}"


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 60, 140)).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture(scope="module")
def matrix_world(module_db: None, tmp_path_factory: Any) -> tuple[dict[str, Any], dict[str, Any], Path]:
    """The personas, the world and the directory of its files, built once for the module's thousands of
    cases (`module_db` rolls them back after its last test); each case sees them through `personas` and
    `world`, in a savepoint of its own."""
    from django.test import override_settings

    media = tmp_path_factory.mktemp("matrix-media")
    with override_settings(MEDIA_ROOT=media):
        personas = create_personas()
        return personas, build_world(create_user, personas), media


@pytest.fixture
def personas(matrix_world: tuple[dict[str, Any], dict[str, Any], Path], db: None) -> dict[str, Any]:
    return matrix_world[0]


@pytest.fixture
def world(
    matrix_world: tuple[dict[str, Any], dict[str, Any], Path], db: None, settings: Any, tmp_path: Path
) -> dict[str, Any]:
    """The module's world; its files are linked into a directory of the case's own, so that a case that deletes
    one (or all) leaves them to the next."""
    _personas, world, media = matrix_world
    settings.MEDIA_ROOT = tmp_path / "media"
    shutil.copytree(media, settings.MEDIA_ROOT, copy_function=os.link)
    return world


def build_world(make_user: Any, personas: dict[str, Any]) -> dict[str, Any]:
    """The objects the URLs are about: a published news item with an image, a draft, a block, a user."""
    from technopark.accounts import services as account_services
    from technopark.core.files import validate_image
    from technopark.portal import services
    from technopark.portal.models import HomeBlock

    author = make_user("author@example.test", "methodologist")
    published = services.create_news(actor=author, title_ru="Опубликовано", image=validate_image(_png()))
    services.publish_news(published, actor=author)
    draft = services.create_news(actor=author, title_ru="Черновик")
    block = HomeBlock.objects.create(kind=HomeBlock.Kind.DIRECTION, title_ru="Инженерия")
    target = make_user("target@example.test", "student")
    api_token, _raw = account_services.issue_api_token(target, actor=target)
    network = _network_world(author, make_user)
    people = _people_world(author, personas, network["institution"])
    events = _events_world(author)
    events |= _registration_world(author, people["pupil"])
    events |= _documents_world(author, events["open_event"], events["registration"], network["institution"])
    events |= _labs_world(author, people["pupil"])
    events |= _projects_world(author, people["pupil"], personas["teacher"])
    return {
        "published": published, "draft": draft, "block": block, "target": target, "api_token": api_token,
        **network, **people, **events,
    }  # fmt: skip


def _registration_world(author: Any, pupil: Any) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from technopark.events import services

    event = services.create_event(
        actor=author, title_ru="Открытая регистрация", kind="contest", audience="both", level="city",
        format="in_person", venue_kind="lab", venue_lab="fablab",
    )  # fmt: skip
    day = timezone.localdate() + dt.timedelta(days=9)
    services.set_sessions(
        event, [{"starts_at": services.localise(day, dt.time(10)), "ends_at": services.localise(day, dt.time(12))}],
        actor=author,
    )  # fmt: skip
    services.change_status(event, "published", actor=author)
    services.change_status(event, "registration_open", actor=author)
    registration = services.register(event, actor=author, form="individual", person=pupil)
    return {"open_event": event, "registration": registration, "registration_code": _Code(registration.code)}


def _documents_world(author: Any, event: Any, registration: Any, institution: Any) -> dict[str, Any]:
    """A question with a file answer, a document of the pupil (a stand-in PDF: the matrix tests access, not
    rendering; `events/tests/test_certificates.py` renders real ones) and a document-issuing job."""
    from django.core.files.base import ContentFile

    from technopark.core.services import start_job
    from technopark.events import services
    from technopark.events.models import Answer, Certificate

    question = services.save_question(event, actor=author, label_ru="Заявка", kind="file")
    answer = Answer(registration=registration, question=question)
    answer.file.save("document.pdf", ContentFile(b"%PDF-1.4 application"), save=False)
    answer.save()
    certificate = Certificate(
        code="TP-ABCDE-12345", kind="participation", event=event, registration=registration,
        person=registration.person, recipient_name=registration.person.full_name, institution=institution,
    )  # fmt: skip
    certificate.file.save("certificate.pdf", ContentFile(b"%PDF-1.4 certificate"), save=False)
    certificate.save()
    job = start_job("events.issue_certificates", actor=author, data={"event_id": event.pk, "language": "ru"})
    return {
        "question": question, "answer": answer, "certificate": certificate,
        "certificate_code": _Code(certificate.code), "certificates_job": job,
    }  # fmt: skip


def _labs_world(author: Any, pupil: Any) -> dict[str, Any]:
    """The FabLab with hours, a 3D printer, the pupil's booking of it (made by a methodologist, so confirmed)
    and an authorisation."""
    import datetime as dt

    from django.utils import timezone

    from technopark.core.files import validate_image
    from technopark.labs import services
    from technopark.labs.models import ClosedDay, Equipment, Lab, OpeningHours, Training

    lab = Lab.objects.get(code="fablab")
    OpeningHours.objects.bulk_create(
        OpeningHours(lab=lab, weekday=day, opens=dt.time(9), closes=dt.time(20)) for day in range(7)
    )
    printer = Equipment.objects.create(lab=lab, kind="printer_3d", name="3D-принтер", inventory_number="W-3D-1")
    services.update_lab(lab, actor=author, photo=validate_image(_png()), photo_alt="Станки лаборатории")
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(10)))
    booking = services.book(
        printer, actor=author, starts_at=start, ends_at=start + dt.timedelta(hours=2), purpose="project", person=pupil
    )
    authorisation = services.grant_authorisation(pupil, actor=None, kind="printer_3d", months=12)
    training = Training.objects.create(kind="printer_3d", title_ru="Инструктаж: 3D-печать")
    session = services.schedule_training(
        training, actor=author, lab=lab, starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=5
    )
    return {
        "fablab": _Code("fablab"), "printer": printer, "booking": booking, "authorisation": authorisation,
        "training_session": session,
        "closed_day": ClosedDay.objects.create(lab=lab, date=start.date() + dt.timedelta(days=30), reason_ru="Ремонт"),
    }  # fmt: skip


def _projects_world(author: Any, pupil: Any, teacher_user: Any) -> dict[str, Any]:
    """A published passport with a photo nobody is recognisable on, a file and a contest; a draft of the pupil
    supervised by the teacher, with one journal step."""
    from technopark.projects import services

    teacher = teacher_user.person
    project = services.create_project(
        actor=author, title="Умная теплица", direction="engineering", summary="Полив по датчику", team=[pupil],
        supervisors=[teacher],
    )  # fmt: skip
    step = services.add_step(project, actor=author, text="Собрали макет", images=[(_png(), "Макет теплицы", [])])
    stl = SimpleUploadedFile("greenhouse.stl", b"solid g\nfacet normal 0 0 1\nendsolid g\n")
    project_file = services.add_file(project, stl, actor=author)
    entry = services.add_contest_entry(project, actor=author, contest="Фестиваль роботов", day="2026-05-01")
    services.publish_project(project, actor=author)
    draft = services.create_project(
        actor=author, title="Черновик проекта", direction="it", summary="Идея", team=[pupil], supervisors=[teacher]
    )
    draft_step = services.add_step(draft, actor=author, text="Придумали")
    return {
        "project": project, "project_image": step.images.get(), "project_file": project_file,
        "project_entry": entry, "draft_project": draft, "draft_step": draft_step,
    }  # fmt: skip


class _Code:
    """A URL argument that is not a primary key (`_kwargs` reads ``.pk``)."""

    def __init__(self, value: str) -> None:
        self.pk = value


def _events_world(author: Any) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from technopark.core.files import validate_image
    from technopark.events import services

    def make(title: str, **image: Any) -> Any:
        event = services.create_event(
            actor=author, title_ru=title, kind="contest", audience="students", level="city", format="in_person",
            venue_kind="lab", venue_lab="fablab", **image,
        )  # fmt: skip
        day = timezone.localdate() + dt.timedelta(days=7)
        services.set_sessions(
            event, [{"starts_at": services.localise(day, dt.time(10)), "ends_at": services.localise(day, dt.time(12))}],
            actor=author,
        )  # fmt: skip
        return event

    event = make("Конкурс", image=validate_image(_png()))
    nomination = services.save_nomination(event, actor=author, title_ru="Младшая группа")
    scan = SimpleUploadedFile("document.pdf", b"%PDF-1.4 regulations", content_type="application/pdf")
    document = services.add_document(event, actor=author, title="Положение", kind="regulations", file=scan)
    services.change_status(event, "published", actor=author)
    return {"event": event, "draft_event": make("Черновик"), "nomination": nomination, "event_document": document}


def _people_world(author: Any, personas: dict[str, Any], institution: Any) -> dict[str, Any]:
    import datetime as dt

    from technopark.people import services as people_services

    for purpose in ("participation", "publication", "ndtp_transfer"):
        text = people_services.create_consent_text(actor=author, purpose=purpose, title_ru="Согласие", body_ru="Текст")
        people_services.publish_consent_text(text, actor=author)
    draft_text = people_services.create_consent_text(actor=author, purpose="participation", title_ru="v2", body_ru="v2")
    teacher = people_services.ensure_own_person(personas["teacher"])
    people_services.set_affiliation(teacher, institution, kind="teacher", position="Учитель информатики", actor=author)
    born = dt.date(2013, 4, 1)
    pupil = people_services.add_student(
        institution, actor=author, last_name="Ученикова", first_name="Анна", birth_date=born
    )
    twin = people_services.add_student(
        institution, actor=author, last_name="Ученикова", first_name="Анна", patronymic="С.", birth_date=born
    )
    parent = people_services.ensure_own_person(personas["guardian"])
    people_services.link_guardian(pupil, parent, actor=author)
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    consent = people_services.give_consent(
        pupil, purpose="participation", giver=parent, actor=author, channel="paper", scan=scan
    )
    return {
        "pupil": pupil,
        "twin": twin,
        "parent": parent,
        "pupil_school": pupil.affiliations.get(),
        "consent": consent,
        "draft_text": draft_text,
    }


def _network_world(author: Any, make_user: Any) -> dict[str, Any]:
    import datetime as dt

    from technopark.core.models import BackgroundJob
    from technopark.core.services import set_job_state, start_job
    from technopark.network import services as network_services
    from technopark.network.models import District

    institution = network_services.create_institution(
        actor=author, full_name="ГУО «Гимназия № 1»", short_name="Гимназия № 1", kind="gymnasium",
        district=District.objects.get(code="frunzensky"), cluster_role="partner",
    )  # fmt: skip
    coordinator = make_user("coordinator@example.test")
    network_services.add_coordinator(institution, coordinator, actor=author)
    contact = network_services.add_contact(institution, actor=author, full_name="Петрова Анна")
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    scan.name = "document.pdf"
    day = dt.date(2026, 1, 1)
    agreement = network_services.create_agreement(
        institution, actor=author, number="1", signed_on=day, valid_from=day, subject="Сотрудничество", scan=scan
    )
    job = start_job("network.import_institutions", actor=author, input_name="list.xlsx")
    set_job_state(job, BackgroundJob.Status.FAILED, data={"error": "x"})
    return {
        "institution": institution,
        "coordinator": coordinator,
        "contact": contact,
        "agreement": agreement,
        "job": job,
    }


def _kwargs(spec: str, world: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for part in filter(None, spec.split(",")):
        key, value = part.split("=", 1)
        kwargs[key] = world[value].pk if value in world else value
    return kwargs


@pytest.mark.parametrize("persona", ORDER)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_url_answers_each_persona_as_the_policy_says(
    url_name: str, persona: str, personas: dict[str, Any], world: dict[str, Any], client_for: Any
) -> None:
    case = MATRIX[url_name]
    url = reverse(url_name, kwargs=_kwargs(case.kwargs, world))
    client = client_for(personas[persona])
    data = {k: world[v[1:]].pk if isinstance(v, str) and v.startswith("@") else v for k, v in case.data.items()}
    if case.json:
        response = client.generic(case.method, url, data=json.dumps(data), content_type="application/json")
    elif case.method == "POST":
        response = client.post(url, data)
    else:
        response = client.generic(case.method, url)
    assert response.status_code == case.expected()[persona], (
        f"{case.method} {url} as {persona}: got {response.status_code}, expected {case.expected()[persona]}"
    )
    if url.startswith("/api/") and response.status_code >= 400:
        body = response.json()
        assert set(body) >= {"detail", "code"}, body


@pytest.mark.xdist_group("matrix-isolation")
@pytest.mark.parametrize("turn", ["first", "second"])
def test_a_case_sees_nothing_the_case_before_it_wrote(
    turn: str, personas: dict[str, Any], world: dict[str, Any], client_for: Any, settings: Any
) -> None:
    """The world is built once per module (`matrix_world`), yet each case starts from it as built: both turns
    find it untouched, then change it through a POST, a write of their own and a deleted file. Whichever turn
    runs second fails if what the first wrote was kept. (Under pytest-xdist their group keeps them in one
    process, one after the other.)"""
    from technopark.portal.models import HomeBlock, News

    image = Path(settings.MEDIA_ROOT, world["published"].image.name)
    assert News.objects.get(pk=world["draft"].pk).status == News.Status.DRAFT
    assert not HomeBlock.objects.filter(title_ru="Isolation").exists()
    assert image.is_file()

    url = reverse("portal:news-set-status", kwargs={"news_id": world["draft"].pk})
    assert client_for(personas["administrator"]).post(url, {"status": "published"}).status_code == 302
    HomeBlock.objects.create(kind=HomeBlock.Kind.DIRECTION, title_ru="Isolation")
    image.unlink()

    assert News.objects.get(pk=world["draft"].pk).status == News.Status.PUBLISHED
    assert HomeBlock.objects.filter(title_ru="Isolation").exists()


# Every view that streams a stored file (DOMAIN.md rule 8), with the world's object that has one.
FILE_URLS = [
    "events:answer-file", "events:certificate-file", "events:document-file", "events:event-image", "labs:lab-photo",
    "network:agreement-scan", "people:consent-scan", "portal:news-image", "projects:file", "projects:image",
]  # fmt: skip


@pytest.mark.parametrize("url_name", FILE_URLS)
def test_a_file_missing_on_disk_answers_404_and_is_logged(
    url_name: str, personas: dict[str, Any], world: dict[str, Any], client_for: Any, settings: Any, caplog: Any
) -> None:
    import logging
    import shutil

    url = reverse(url_name, kwargs=_kwargs(MATRIX[url_name].kwargs, world))
    client = client_for(personas["administrator"])
    served = client.get(url)
    assert served.status_code == 200 and served.getvalue()
    shutil.rmtree(settings.MEDIA_ROOT)  # lost in a restore, a disk failure, deleted by hand
    with caplog.at_level(logging.ERROR, logger="technopark.core.files"):
        missing = client.get(url)
    assert missing.status_code == 404
    assert [record.getMessage() for record in caplog.records if "Stored file missing" in record.getMessage()]
