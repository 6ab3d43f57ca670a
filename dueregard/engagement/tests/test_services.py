"""Engagement, project and council-resource services: the rules they check, what they
write and what they audit; nothing is half-written when a rule is broken."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.engagement import services
from dueregard.engagement.models import (
    BidOutcome,
    Engagement,
    FilterResult,
    ITCheck,
    OutputFigure,
    ProgressNote,
    VenueCheck,
    VenueDecision,
)

from . import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def test_an_engagement_needs_at_least_one_group_of_the_same_authority(world) -> None:
    with pytest.raises(ValidationError) as error:
        f.engagement(world, groups=[])
    assert "groups" in error.value.message_dict
    theirs = services.create_group(
        world.other_authority,
        {"name": "Otherton Group", "kind": "community"},
        acting_user=world["other_coordinator"],
    )
    with pytest.raises(ValidationError) as error:
        f.engagement(world, groups=[theirs])
    assert "groups" in error.value.message_dict
    assert not Engagement.objects.exists()


def test_an_engagement_with_several_groups_is_audited_once(world) -> None:
    a, b = f.group(world, "Group A"), f.group(world, "Group B")
    engagement = f.engagement(world, groups=[a, b])
    assert set(engagement.groups.all()) == {a, b}
    events = AuditEvent.objects.filter(
        object_type="engagement.engagement", object_id=str(engagement.pk)
    )
    assert [e.action for e in events] == [AuditAction.CREATE]
    services.update_engagement(engagement, {"groups": [a]}, acting_user=world["education_officer"])
    change = AuditEvent.objects.filter(
        object_type="engagement.engagement", action=AuditAction.CHANGE
    ).get()
    assert change.detail == {"fields": ["groups"]}


def test_an_engagement_cannot_be_dated_in_the_future(world) -> None:
    with pytest.raises(ValidationError) as error:
        f.engagement(world, date=timezone.localdate() + datetime.timedelta(days=1))
    assert "date" in error.value.message_dict


def test_group_names_are_unique_in_an_authority_ignoring_case(world) -> None:
    f.group(world, "Kingsmere Youth Voice")
    with pytest.raises(ValidationError) as error:
        f.group(world, "kingsmere youth voice")
    assert "name" in error.value.message_dict
    services.create_group(
        world.other_authority,
        {"name": "Kingsmere Youth Voice", "kind": "youth"},
        acting_user=world["other_coordinator"],
    )


def test_a_group_joins_a_network_once_at_a_time(world) -> None:
    network = f.network(world)
    group = f.group(world)
    membership = f.membership(world, network, group)
    with pytest.raises(ValidationError) as error:
        f.membership(world, network, group)
    assert "group" in error.value.message_dict
    services.update_network_membership(
        membership, {"left_on": D(2025, 1, 1)}, acting_user=world["education_officer"]
    )
    rejoined = f.membership(world, network, group)
    assert rejoined.left_on is None


def test_a_decided_bid_needs_its_date_and_a_successful_one_its_award(world) -> None:
    with pytest.raises(ValidationError) as error:
        f.bid(world, outcome_on=None)
    assert "outcome_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        f.bid(world, amount_awarded=None)
    assert "amount_awarded" in error.value.message_dict
    lost = f.bid(world, outcome=BidOutcome.UNSUCCESSFUL, amount_awarded=Decimal(5))
    assert lost.amount_awarded is None  # only a successful bid has an award
    pending = f.bid(world, outcome=BidOutcome.PENDING)
    assert pending.outcome_on is None and pending.amount_awarded is None


def test_only_a_successful_bid_funds_a_project_and_only_one(world) -> None:
    pending = f.bid(world, outcome=BidOutcome.PENDING)
    with pytest.raises(ValidationError) as error:
        f.project(world, bid=pending)
    assert "bid" in error.value.message_dict
    won = f.bid(world)
    f.project(world, bid=won)
    with pytest.raises(ValidationError) as error:
        f.project(world, bid=won, title="Another")
    assert "bid" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.update_bid(
            won, {"outcome": BidOutcome.WITHDRAWN}, acting_user=world["education_officer"]
        )
    assert "outcome" in error.value.message_dict


def _return(world, project, quarter: D, figures, spend: str = "1000", **extra):
    return services.record_quarterly_return(
        project,
        quarter_start=quarter,
        figures=figures,
        spend=Decimal(spend),
        progress=extra.get("progress", "On profile."),
        issues="",
        acting_user=world["education_officer"],
    )


def test_a_quarterly_return_records_figures_and_spend_and_corrects_on_resubmission(world) -> None:
    project = f.project(world)
    schools, pupils = (
        f.output(world, project, "Schools engaged"),
        f.output(world, project, "Pupils reached"),
    )
    _return(world, project, D(2024, 4, 1), {schools.pk: (4, 3), pupils.pk: (100, None)})
    _return(
        world, project, D(2024, 4, 1), {schools.pk: (4, 5), pupils.pk: (100, 120)}, spend="2500"
    )
    figures = {
        (fig.output.name, fig.planned, fig.delivered)
        for fig in OutputFigure.objects.filter(output__project=project)
    }
    assert figures == {("Schools engaged", 4, 5), ("Pupils reached", 100, 120)}
    note = ProgressNote.objects.get(project=project)
    assert note.spend == Decimal(2500)
    project_events = AuditEvent.objects.filter(
        object_type="engagement.project", object_id=str(project.pk), action=AuditAction.CHANGE
    )
    assert [e.detail["note"] for e in project_events] == ["Q1 2024/25", "Q1 2024/25"]


def test_a_quarterly_return_refuses_other_quarters_overspend_and_future_delivery(world) -> None:
    project = f.project(
        world, starts_on=D(2024, 4, 1), ends_on=D(2099, 3, 31), budget=Decimal(5000)
    )
    output = f.output(world, project)
    for quarter, figures, spend, field in [
        (D(2024, 5, 1), {output.pk: (1, 1)}, "0", "quarter"),  # not a quarter's first day
        (D(2023, 1, 1), {output.pk: (1, 1)}, "0", "quarter"),  # before the project
        (D(2099, 1, 1), {output.pk: (1, 1)}, "0", "quarter"),  # delivered in the future
        (D(2024, 4, 1), {output.pk: (1, 1)}, "5000.01", "spend"),
    ]:
        with pytest.raises(ValidationError) as error:
            _return(world, project, quarter, figures, spend)
        assert field in error.value.message_dict, quarter
    _return(world, project, D(2024, 4, 1), {output.pk: (1, 1)}, spend="4000")
    with pytest.raises(ValidationError) as error:
        _return(world, project, D(2024, 7, 1), {output.pk: (1, 1)}, spend="1500")
    assert "£5,500.00" in str(error.value)
    assert OutputFigure.objects.count() == 1 and ProgressNote.objects.count() == 1


def test_a_venue_decision_is_the_officers_with_its_reason_and_date(world) -> None:
    officer = world["education_officer"]
    check = f.venue_check(world)
    assert check.decision == VenueDecision.PENDING and check.decided_by is None
    with pytest.raises(ValidationError) as error:
        services.update_venue_check(check, {"decision": VenueDecision.REFUSED}, acting_user=officer)
    assert {"decision_reason", "decided_on"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        services.update_venue_check(
            check,
            {
                "decision": VenueDecision.CONDITIONS,
                "decision_reason": "x",
                "decided_on": D(2024, 9, 1),
            },
            acting_user=officer,
        )
    assert "conditions" in error.value.message_dict
    decided = services.update_venue_check(
        check,
        {
            "decision": VenueDecision.REFUSED,
            "decision_reason": "Police advice about a speaker.",
            "decided_on": D(2024, 9, 1),
        },
        acting_user=officer,
    )
    assert decided.decided_by == officer
    assert VenueCheck.objects.get(pk=check.pk).decision_reason == "Police advice about a speaker."
    with pytest.raises(ValidationError) as error:
        f.venue_check(world, checks=["astrology"])
    assert "checks" in error.value.message_dict


def test_an_it_check_that_failed_must_say_what_got_through(world) -> None:
    with pytest.raises(ValidationError) as error:
        f.it_check(world, result=FilterResult.FAIL)
    assert "issues" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        f.it_check(world, result=FilterResult.FAIL, issues="x", resolved_on=D(2024, 1, 1))
    assert "resolved_on" in error.value.message_dict
    f.it_check(world, result=FilterResult.PARTIAL, issues="One category loaded.")
    assert ITCheck.objects.count() == 1


def test_archiving_keeps_the_record_and_blocks_changes(world) -> None:
    group = f.group(world)
    services.archive_group(group, "Group has closed", acting_user=world["education_officer"])
    group.refresh_from_db()
    assert group.archived and group.archived_by == world["education_officer"]
    with pytest.raises(ValidationError):
        services.update_group(group, {"faith": "x"}, acting_user=world["education_officer"])
    with pytest.raises(ValidationError):
        services.archive_group(group, "again", acting_user=world["education_officer"])


def test_settings_dates_and_project_must_fit(world) -> None:
    with pytest.raises(ValidationError) as error:
        f.setting(world, last_contact_on=D(2024, 1, 1))
    assert "last_contact_on" in error.value.message_dict
    theirs = services.create_project(
        world.other_authority,
        {
            "title": "Theirs",
            "provider": "P",
            "funder": "F",
            "budget": Decimal(1),
            "starts_on": D(2024, 4, 1),
            "ends_on": D(2025, 3, 31),
            "aims": "a",
            "expected_outcomes": "b",
        },
        acting_user=world["other_coordinator"],
    )
    with pytest.raises(ValidationError) as error:
        f.setting(world, identified_by=theirs)
    assert "identified_by" in error.value.message_dict
