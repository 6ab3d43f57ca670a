"""The export compared with the database row for row, for a demo person with something in
every record type the map declares; phrases withheld from every text value; list views that
showed the person in their view history."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.audit.services import record
from dueregard.casework import services as casework_services
from dueregard.casework.models import (
    ActionStatus,
    PanelMeeting,
    PanelMember,
    Person,
    Vulnerability,
)
from dueregard.casework.tests.factories import make_referral, refer_on
from dueregard.core import periods
from dueregard.privacy import services, subject_access
from dueregard.privacy.models import Direction, LawfulBasis
from dueregard.privacy.subject_access import REDACTED, SECTIONS, VIEW_HISTORY
from dueregard.privacy.tests.test_subject_access import demo  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _richest_person(authority: Any) -> Person:
    """The demo person with the most record types holding something."""

    def filled(person: Person) -> int:
        data = subject_access.assemble(person, keys=[], phrases=[])
        return sum(1 for rows in data.values() if rows)

    people = Person.objects.filter(
        authority=authority, referrals__support_started_on__isnull=False
    ).distinct()[:15]
    return max(people, key=filled)


def _everything_recorded(demo: Any) -> Person:  # noqa: F811
    """A demo person in support, topped up with what the demo does not give everyone: a
    panel action with its progress (added as a correction to approved minutes, so the
    meeting's history names it), an onward referral, a sharing record, a link to child
    protection, a subject access request and a vulnerability."""
    lead = demo.users["coordinator"]
    person = _richest_person(demo.authority)
    referral = person.referrals.filter(support_started_on__isnull=False).first()
    assert referral is not None
    referral.vulnerabilities.add(*Vulnerability.objects.all()[:2])
    meeting = (
        PanelMeeting.objects.filter(authority=demo.authority, minutes_approved_at__isnull=False)
        .order_by("-held_on")
        .first()
    )
    assert meeting is not None
    owner = PanelMember.objects.filter(panel=meeting.panel).first()
    assert owner is not None
    action = casework_services.add_panel_action(
        meeting,
        description="Arrange a mentor through Northfield Youth Trust (fictional)",
        owner=owner,
        due_on=meeting.held_on + datetime.timedelta(days=14),
        referral=referral,
        correction_reason="Missed from the minutes (fictional)",
        acting_user=lead,
    )
    casework_services.update_panel_action(
        action,
        status=ActionStatus.OPEN,
        progress="Mentor met once; Ms Fictional Aunt attended (fictional)",
        acting_user=lead,
    )
    refer_on(make_referral(demo.authority, lead, person=person), lead)
    services.record_sharing(
        referral,
        direction=Direction.TO_PARTNER,
        partner="Kingsmere Fictional Health Trust",
        purpose="To plan support with the school nurse (fictional)",
        lawful_basis=LawfulBasis.STATUTORY,
        what_was_shared="Attendance and the support plan (fictional)",
        shared_on=periods.today(),
        acting_user=lead,
    )
    services.link_child_protection(
        person, noted_on=periods.today(), reason="Sibling on a plan (fictional)", acting_user=lead
    )
    services.start_subject_access_request(person, received_on=periods.today(), acting_user=lead)
    return person


def _plain(obj: Any, f: Any) -> Any:
    """What the database holds, read independently of the export's code."""
    if f.many_to_many:
        return sorted(str(v) for v in getattr(obj, f.name).all())
    if f.is_relation:
        related = getattr(obj, f.name)
        if related is None:
            return None
        return related.username if hasattr(related, "username") else str(related)
    value = getattr(obj, f.attname)
    if f.choices and value not in (None, ""):
        return getattr(obj, f"get_{f.name}_display")()
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _expected(person: Person) -> dict[str, Any]:
    """Each record type's rows straight from the database, by its own query."""
    from django.db.models import Q

    from dueregard.casework import models as cw
    from dueregard.privacy import models as pv

    by_referral = Q(referral__person=person)
    querysets = {
        "person": cw.Person.objects.filter(pk=person.pk),
        "referrals": cw.Referral.objects.filter(person=person),
        "history": cw.StageEvent.objects.filter(person=person),
        "consents": cw.Consent.objects.filter(by_referral),
        "panel_discussions": cw.AgendaItem.objects.filter(by_referral),
        "meeting_changes": cw.MeetingEvent.objects.filter(
            Q(agenda_item__referral__person=person) | Q(action__referral__person=person)
        ),
        "assessments": cw.VulnerabilityAssessment.objects.filter(by_referral),
        "support_plans": cw.SupportPlan.objects.filter(by_referral),
        "support_sessions": cw.SupportSession.objects.filter(plan__referral__person=person),
        "reviews": cw.Review.objects.filter(by_referral),
        "panel_actions": cw.PanelAction.objects.filter(by_referral),
        "onward_referrals": cw.OnwardReferral.objects.filter(by_referral),
        "information_sharing": pv.SharingRecord.objects.filter(by_referral),
        "child_protection": pv.ChildProtectionLink.objects.filter(person=person),
        "subject_access_requests": pv.SubjectAccessRequest.objects.filter(person=person),
        "view_history": [
            e
            for e in AuditEvent.objects.all()
            if e.person_id == person.pk
            or (
                e.person_id is None
                and e.action == AuditAction.VIEW
                and e.authority_id in (None, person.authority_id)
                and str(person.pk) in str(e.detail.get("people", "")).split(",")
            )
        ],
    }
    return querysets


def _canonical(rows: list[dict[str, Any]]) -> list[str]:
    import json

    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


def test_the_export_matches_the_database_row_for_row(demo) -> None:  # noqa: F811
    person = _everything_recorded(demo)
    data = services.subject_access_data(
        services.start_subject_access_request(
            person, received_on=periods.today(), acting_user=demo.users["coordinator"]
        )
    )
    querysets = _expected(person)
    assert set(data) == set(querysets)
    for section in (*SECTIONS, VIEW_HISTORY):
        rows = list(querysets[section.name])
        assert rows, f"{section.name}: the person should have something here"
        meta = section.model._meta
        shown = [
            f for f in (*meta.concrete_fields, *meta.many_to_many) if f.name not in section.withheld
        ]
        expected = [{section.key(f.name): _plain(obj, f) for f in shown} for obj in rows]
        got, want = _canonical(data[section.name]), _canonical(expected)
        assert got == want, section.name
        for row in data[section.name]:
            for name in section.withheld:
                assert section.key(name) not in row
    referral = data["referrals"][0]
    assert referral["vulnerabilities"] and referral["age_at_referral"] is not None
    assert any(a["progress"].startswith("Mentor met once") for a in data["panel_actions"])


def test_phrases_are_withheld_from_every_text_value(demo) -> None:  # noqa: F811
    person = _everything_recorded(demo)
    plan = person.referrals.filter(support_plan__isnull=False).first().support_plan
    provider = plan.sessions.exclude(provider="").first().provider
    vulnerability = str(person.referrals.first().vulnerabilities.first() or "")
    phrases = [
        plan.intervention_provider,
        provider,
        "Kingsmere Fictional Health Trust",
        "coordinator",
        "Northfield Youth Trust",
        "Ms Fictional Aunt",
    ] + ([vulnerability] if vulnerability else [])
    lead = demo.users["coordinator"]
    sar = services.start_subject_access_request(
        person, received_on=periods.today(), acting_user=lead
    )
    services.set_redactions(sar, keys=[], phrases=phrases, acting_user=lead)
    data = services.subject_access_data(sar)

    def texts(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [t for v in value.values() for t in texts(v)]
        if isinstance(value, list):
            return [t for v in value for t in texts(v)]
        return [value] if isinstance(value, str) else []

    every = texts(data)
    for phrase in phrases:
        assert phrase and not [t for t in every if phrase.lower() in t.lower()], phrase
    assert any(v["who"] == REDACTED for v in data["view_history"])
    assert REDACTED in data["information_sharing"][0]["partner"]
    assert REDACTED in data["support_plans"][0]["intervention_provider"]


def test_every_free_text_field_is_offered_for_redaction(demo) -> None:  # noqa: F811
    person = _everything_recorded(demo)
    lead = demo.users["coordinator"]
    items = services.third_party_items(person)
    by_field: dict[tuple[str, str], list[str]] = {}
    for item in items:
        model, _pk, name = item.key.split(":")
        by_field.setdefault((model, name), []).append(item.key)
    for model, name in [
        ("privacy.sharingrecord", "purpose"),
        ("privacy.sharingrecord", "partner"),
        ("casework.supportplan", "other_support"),
        ("casework.supportplan", "intervention_provider"),
        ("casework.panelaction", "description"),
        ("casework.panelaction", "progress"),
        ("casework.onwardreferral", "service"),
        ("casework.meetingevent", "change"),
        ("privacy.childprotectionlink", "reason"),
    ]:
        assert (model, name) in by_field, (model, name)
    keys = [
        by_field[("privacy.sharingrecord", "purpose")][0],
        by_field[("casework.panelaction", "description")][0],
        by_field[("casework.panelaction", "progress")][0],
    ]
    if ("casework.supportplan", "other_support") in by_field:
        keys.append(by_field[("casework.supportplan", "other_support")][0])
    sar = services.start_subject_access_request(
        person, received_on=periods.today(), acting_user=lead
    )
    services.set_redactions(sar, keys=keys, phrases=[], acting_user=lead)
    data = services.subject_access_data(sar)
    assert data["information_sharing"][0]["purpose"] == REDACTED
    action = next(a for a in data["panel_actions"] if a["description"] == REDACTED)
    assert action["progress"] == REDACTED
    # What was not chosen stays.
    assert data["information_sharing"][0]["what_was_shared"].startswith("Attendance")


def test_list_views_that_showed_the_person_are_in_their_view_history(demo, client) -> None:  # noqa: F811
    from conftest import sign_in

    lead = demo.users["coordinator"]
    person = Person.objects.filter(authority=demo.authority).order_by("pk").first()
    assert person is not None
    p = person.pk
    # Ids that hold p's digits without being p: 12 must not match 123, 112 or 1,2.
    near = f"{p}1,{p}0,1{p},{p}{p}"
    for people in (f"{p}", f"{p},999999", f"999998,{p}", f"999997,{p},999996", near):
        record(
            AuditAction.VIEW,
            actor=lead,
            object_type="casework.person_list",
            authority=demo.authority,
            detail={"path": "/casework/people/", "people": people},
        )
    record(
        AuditAction.VIEW,
        actor=lead,
        object_type="person_list",
        authority=None,
        detail={"api": "/api/v1/people/", "token": "abc123", "people": f"999995,{p}"},
    )
    # A list in another council never names this council's person.
    record(
        AuditAction.VIEW,
        actor=demo.users["ashbury.lead"],
        object_type="casework.person_list",
        authority=demo.other_authority,
        detail={"path": "/casework/people/", "people": f"{p}"},
    )
    events = list(subject_access.view_history_events(person))
    listed = [e for e in events if e.person_id is None]
    assert sorted(e.detail["people"] for e in listed) == sorted(
        [f"{p}", f"{p},999999", f"999998,{p}", f"999997,{p},999996", f"999995,{p}"]
    )
    # The real list page records the people it showed, and the export finds them.
    web = sign_in(client, lead)
    before = len(events)
    assert web.get("/casework/people/").status_code == 200
    page_event = (
        AuditEvent.objects.filter(actor=lead, action=AuditAction.VIEW).order_by("-id").first()
    )
    shown = [int(i) for i in page_event.detail.get("people", "").split(",") if i]
    someone = Person.objects.get(pk=shown[-1])
    assert page_event.pk in {e.pk for e in subject_access.view_history_events(someone)}
    assert len(list(subject_access.view_history_events(person))) >= before
    # One query, whatever the log holds.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        list(subject_access.view_history_events(person))
    assert len(queries) == 1
