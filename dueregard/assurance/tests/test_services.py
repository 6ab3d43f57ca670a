"""The business events of the assurance app: what each checks, writes and audits."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dueregard.areas.models import Ward
from dueregard.assurance import services
from dueregard.assurance.models import (
    Action,
    Benchmark,
    Evidence,
    RiskReview,
    SelfAssessment,
    Strategy,
    ThreatLevel,
)
from dueregard.audit.models import AuditAction, AuditEvent

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def events(obj, action=None):
    found = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return found.filter(action=action) if action else found


# --- Strategy and action plan ------------------------------------------------------------


def test_creating_a_strategy_is_audited_with_its_authority(world):
    strategy = f.strategy(world)
    event = events(strategy).get()
    assert event.action == AuditAction.CREATE
    assert event.authority_id == world.authority.pk
    assert event.actor == world["coordinator"]


def test_a_strategy_must_end_after_it_starts(world):
    with pytest.raises(ValidationError) as error:
        f.strategy(world, period_end=D(2024, 3, 1))
    assert "period_end" in error.value.error_dict
    assert not Strategy.objects.exists()


def test_only_a_prevent_lead_of_the_authority_changes_the_plan(world):
    for persona in ("analyst", "other_coordinator", "board_member", "administrator"):
        with pytest.raises(PermissionDenied):
            services.create_strategy(
                authority=world.authority,
                title="Not allowed",
                period_start=D(2024, 4, 1),
                period_end=D(2025, 3, 31),
                objective="x",
                acting_user=world[persona],
            )
    assert not Strategy.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


def test_adding_an_action_records_its_first_dated_update(world):
    action = f.action(world, status="on_track", note="Agreed at the board.")
    update = action.updates.get()
    assert update.recorded_on == D(2024, 4, 10)
    assert (update.status, update.owner, update.target_date) == (
        "on_track",
        "Prevent Coordinator",
        D(2024, 9, 30),
    )
    assert update.note == "Agreed at the board."
    assert events(action, AuditAction.CREATE).count() == 1


def test_an_action_cannot_use_another_strategys_priority(world):
    first = f.strategy(world)
    other = f.strategy(world, title="Another plan")
    priority = services.add_priority(other, number=1, title="P", acting_user=world["coordinator"])
    with pytest.raises(ValidationError) as error:
        f.action(world, plan=first, priority=priority)
    assert "priority" in error.value.error_dict
    assert not Action.objects.exists()


def test_action_references_are_unique_in_a_strategy(world):
    action = f.action(world)
    with pytest.raises(ValidationError) as error:
        f.action(world, plan=action.strategy)
    assert error.value.error_dict["reference"][0].message == (
        "This strategy already has an action 1"
    )


def test_a_progress_update_appends_history_and_changes_the_current_state(world):
    action = f.action(world)
    services.record_action_update(
        action,
        recorded_on=D(2024, 6, 28),
        status="at_risk",
        target_date=D(2024, 12, 31),
        owner="Head of Community Safety",
        agency="Testborough Council",
        note="Partner capacity reduced.",
        acting_user=world["coordinator"],
    )
    action.refresh_from_db()
    assert (action.status, action.target_date, action.owner) == (
        "at_risk",
        D(2024, 12, 31),
        "Head of Community Safety",
    )
    assert list(action.updates.order_by("recorded_on").values_list("status", flat=True)) == [
        "not_started",
        "at_risk",
    ]
    change = events(action, AuditAction.CHANGE).get()
    assert change.detail["fields"] == ["owner", "status", "target_date"]
    assert change.detail["recorded_on"] == "2024-06-28"


def test_an_update_cannot_be_dated_before_the_last_one(world):
    action = f.action(world)
    update = {"target_date": None, "owner": "o", "agency": "a", "acting_user": world["coordinator"]}
    services.record_action_update(action, recorded_on=D(2024, 7, 1), status="on_track", **update)
    with pytest.raises(ValidationError) as error:
        services.record_action_update(
            action, recorded_on=D(2024, 6, 30), status="complete", **update
        )
    assert "on or after the last update (1 July 2024)" in str(error.value)
    assert action.updates.count() == 2


def test_an_update_cannot_be_in_the_future_or_say_nothing(world):
    action = f.action(world)
    same = {
        "status": action.status,
        "target_date": action.target_date,
        "owner": action.owner,
        "agency": action.agency,
        "acting_user": world["coordinator"],
    }
    with pytest.raises(ValidationError, match="today or in the past"):
        services.record_action_update(
            action, recorded_on=datetime.date.today() + datetime.timedelta(days=1), **same
        )
    with pytest.raises(ValidationError, match="Enter a progress note"):
        services.record_action_update(action, recorded_on=D(2024, 7, 1), **same)
    services.record_action_update(action, recorded_on=D(2024, 7, 1), note="Met partners.", **same)
    assert action.updates.count() == 2


def test_editing_an_action_cannot_change_status_owner_or_target(world):
    action = f.action(world)
    with pytest.raises(TypeError):
        services.edit_action(action, status="complete", acting_user=world["coordinator"])
    services.edit_action(action, title="Share the CTLP widely", acting_user=world["coordinator"])
    assert events(action, AuditAction.CHANGE).get().detail == {"fields": ["title"]}


def test_linking_an_action_to_another_authoritys_risk_is_refused(world):
    action = f.action(world)
    theirs = services.add_risk(
        authority=world.other_authority,
        reference="R1",
        theme="t",
        description="d",
        owner="o",
        likelihood=2,
        impact=2,
        trend="stable",
        identified_on=D(2024, 5, 1),
        review_date=D(2024, 11, 1),
        acting_user=world["other_coordinator"],
    )
    with pytest.raises(ValidationError) as error:
        services.edit_action(action, risks=[theirs], acting_user=world["coordinator"])
    assert "risks" in error.value.error_dict
    assert not action.risks.exists()


def test_withdrawing_an_action_needs_a_reason_and_stops_updates(world):
    action = f.action(world)
    with pytest.raises(ValidationError):
        services.withdraw_action(action, reason="  ", acting_user=world["coordinator"])
    services.withdraw_action(action, reason="Merged into 2", acting_user=world["coordinator"])
    action.refresh_from_db()
    assert action.archived and action.archived_reason == "Merged into 2"
    assert Action.objects.filter(pk=action.pk).exists()
    with pytest.raises(ValidationError, match="withdrawn"):
        services.record_action_update(
            action,
            recorded_on=D(2024, 7, 1),
            status="complete",
            target_date=None,
            owner="o",
            agency="a",
            acting_user=world["coordinator"],
        )


# --- Benchmarks and evidence ------------------------------------------------------------------


def test_the_eight_toolkit_benchmarks_load_once(world):
    services.load_toolkit_benchmarks()
    assert services.load_toolkit_benchmarks() == 0
    labels = list(Benchmark.objects.order_by("number").values_list("label", flat=True))
    assert labels == [
        "Multi-agency partnership group",
        "Local risk assessment process",
        "Partnership plan",
        "Referral pathway",
        "Channel panel",
        "Training programme",
        "Reducing permissive environments",
        "Communications and engagement",
    ]


def test_one_self_assessment_per_benchmark_per_year(world):
    f.assessment(world)
    with pytest.raises(ValidationError) as error:
        f.assessment(world, rating="red")
    assert "already has a self-assessment for 2024/25" in error.value.error_dict["year"][0].message
    assert SelfAssessment.objects.get().rating == "green"
    f.assessment(world, year=2025, rating="amber")
    assert SelfAssessment.objects.count() == 2


def test_changing_a_self_assessment_is_audited_by_field(world):
    assessment = f.assessment(world)
    services.update_self_assessment(
        assessment,
        rating="amber",
        commentary="Attendance dipped.",
        acting_user=world["coordinator"],
    )
    assert events(assessment, AuditAction.CHANGE).get().detail == {
        "fields": ["commentary", "rating"]
    }


def test_evidence_needs_a_file_or_a_link_and_a_benchmark(world):
    with pytest.raises(ValidationError) as error:
        f.evidence(world, file=None)
    assert "file" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        f.evidence(world, benchmarks=[])
    assert "benchmarks" in error.value.error_dict
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    "link, ok",
    [
        ("/governance/meetings/3/", True),
        ("https://www.gov.uk/government/publications/prevent-duty-guidance", True),
        ("javascript:alert(1)", False),
        ("//evil.example/x", False),
        ("ftp://files.example/x", False),
    ],
)
def test_evidence_links_are_due_regard_pages_or_web_addresses(world, link, ok):
    if ok:
        assert f.evidence(world, file=None, link=link).link == link
    else:
        with pytest.raises(ValidationError) as error:
            f.evidence(world, file=None, link=link)
        assert "link" in error.value.error_dict


def test_evidence_files_are_checked_and_stored_under_an_unguessable_name(world):
    with pytest.raises(ValidationError, match="must be one of"):
        f.evidence(world, file=SimpleUploadedFile("run.exe", b"MZ"))
    with pytest.raises(ValidationError, match="empty"):
        f.evidence(world, file=SimpleUploadedFile("empty.pdf", b""))
    item = f.evidence(world, file=f.pdf("Board minutes June.pdf", b"%PDF minutes"))
    assert item.original_filename == "Board minutes June.pdf"
    assert item.file.name.startswith(f"assurance/evidence/{world.authority.pk}/")
    assert item.file.name.endswith("-Board_minutes_June.pdf")
    assert item.file.open("rb").read() == b"%PDF minutes"


def test_replacing_evidence_keeps_a_record_of_the_change(world):
    item = f.evidence(world)
    first_name = item.file.name
    services.update_evidence(
        item, file=f.pdf("v2.pdf", b"%PDF v2"), title="Minutes v2", acting_user=world["coordinator"]
    )
    item.refresh_from_db()
    assert item.file.name != first_name
    assert events(item, AuditAction.CHANGE).get().detail == {"fields": ["file", "title"]}


# --- Risk -----------------------------------------------------------------------------------


def test_prevent_leads_and_administrators_record_the_national_threat_level(world):
    f.threat_level(world)
    services.record_threat_level(
        level="severe", starts_on=D(2021, 11, 15), acting_user=world["administrator"]
    )
    with pytest.raises(PermissionDenied):
        services.record_threat_level(
            level="low", starts_on=D(2020, 1, 1), acting_user=world["analyst"]
        )
    with pytest.raises(ValidationError) as error:
        services.record_threat_level(
            level="low", starts_on=D(2022, 2, 9), acting_user=world["coordinator"]
        )
    assert "starts_on" in error.value.error_dict
    assert ThreatLevel.objects.count() == 2
    assert events(ThreatLevel.objects.get(level="severe")).get().authority_id is None


def test_a_risk_keeps_its_reviews(world):
    risk = f.risk(world)
    services.review_risk(
        risk,
        reviewed_on=D(2024, 8, 1),
        likelihood=5,
        impact=3,
        trend="increasing",
        rating="very_high",
        review_date=D(2024, 11, 1),
        note="More stickering reported.",
        acting_user=world["coordinator"],
    )
    risk.refresh_from_db()
    assert (risk.likelihood, risk.rating, risk.review_date) == (5, "very_high", D(2024, 11, 1))
    assert list(risk.reviews.order_by("reviewed_on").values_list("likelihood", flat=True)) == [
        4,
        5,
    ]
    with pytest.raises(ValidationError, match="on or after the last review"):
        services.review_risk(
            risk,
            reviewed_on=D(2024, 7, 1),
            likelihood=1,
            impact=1,
            trend="stable",
            review_date=D(2024, 12, 1),
            acting_user=world["coordinator"],
        )
    with pytest.raises(ValidationError) as error:
        services.review_risk(
            risk,
            reviewed_on=D(2024, 9, 1),
            likelihood=1,
            impact=1,
            trend="stable",
            review_date=D(2024, 8, 1),
            acting_user=world["coordinator"],
        )
    assert "review_date" in error.value.error_dict
    assert RiskReview.objects.filter(risk=risk).count() == 2


def test_closing_a_risk_keeps_it(world):
    risk = f.risk(world)
    services.close_risk(risk, reason="Merged into R2", acting_user=world["coordinator"])
    risk.refresh_from_db()
    assert risk.archived and risk.archived_reason == "Merged into R2"
    with pytest.raises(ValidationError, match="closed"):
        services.close_risk(risk, reason="again", acting_user=world["coordinator"])


def test_an_incident_must_be_in_a_ward_of_its_authority_and_not_in_the_future(world):
    their_ward = Ward.objects.get(authority=world.other_authority)
    with pytest.raises(ValidationError) as error:
        f.incident(world, ward=their_ward)
    assert "ward" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        f.incident(world, occurred_on=datetime.date.today() + datetime.timedelta(days=2))
    assert "occurred_on" in error.value.error_dict
    assert f.incident(world, ward=None).ward is None


def test_a_recommendation_not_accepted_needs_its_reason(world):
    with pytest.raises(ValidationError) as error:
        f.recommendation(world, response_status="not_accepted")
    assert "response" in error.value.error_dict
    rec = f.recommendation(world)
    assert rec.number == 1
    assert f.recommendation(world, profile=rec.ctlp).number == 2
    with pytest.raises(ValidationError):
        services.update_recommendation(
            rec, response_status="not_accepted", acting_user=world["coordinator"]
        )
    services.update_recommendation(
        rec,
        response_status="not_accepted",
        response="Covered by the regional plan.",
        acting_user=world["coordinator"],
    )
    assert events(rec, AuditAction.CHANGE).get().authority_id == world.authority.pk


def test_exports_are_audited_once_per_authority(world):
    services.record_export(
        acting_user=world["coordinator"],
        object_type="assurance.risk",
        authority_ids=[world.authority.pk, world.authority.pk],
        export_format="csv",
        rows=3,
    )
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.authority_id == world.authority.pk
    assert event.detail == {"format": "csv", "rows": 3}
