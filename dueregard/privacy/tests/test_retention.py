"""Retention: the schedule, legal hold, the dry run and the real run, on test records and
on the demo borough (statistics for past years unchanged, the destruction record kept)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dueregard.areas.models import Authority, Region, Ward
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework import metrics
from dueregard.casework import services as casework_services
from dueregard.casework.models import (
    AgendaItem,
    MeetingEvent,
    PanelDecision,
    Person,
    Referral,
    StageEvent,
    TriageOutcome,
    Vulnerability,
)
from dueregard.casework.tests.factories import (
    days_ago,
    make_meeting,
    make_panel,
    make_person,
    make_referral,
    to_panel,
)
from dueregard.core import periods
from dueregard.core.periods import financial_year, financial_year_start
from dueregard.core.tests.known import known
from dueregard.demo.context import DemoContext
from dueregard.demo.steps import casework as casework_step
from dueregard.demo.steps import privacy as privacy_step
from dueregard.demo.steps import users as users_step
from dueregard.privacy import services
from dueregard.privacy.models import ChildProtectionLink, DestructionRecord, RecordClass

pytestmark = pytest.mark.django_db


def closed_nfa(world, *, received_days_ago: int, **person) -> Referral:
    lead = world["coordinator"]
    person_obj = make_person(world.authority, lead, **person) if person else None
    referral = make_referral(
        world.authority,
        lead,
        person=person_obj,
        received_on=days_ago(received_days_ago),
        referrer_name="Ms Referrer (test)",
    )
    return casework_services.triage_referral(
        referral,
        outcome=TriageOutcome.NFA,
        occurred_on=referral.received_on + datetime.timedelta(days=3),
        reason="No Prevent concern (test).",
        acting_user=lead,
    )


def test_nfa_referral_is_due_three_years_after_closure(world) -> None:
    old = closed_nfa(world, received_days_ago=3 * 365 + 30)
    recent = closed_nfa(world, received_days_ago=400, given_name="Sam", family_name="Later")
    schedule = services.retention_schedule(world.authority, on=days_ago(0))
    assert [d.person.pk for d in schedule] == [old.person_id]
    due = schedule[0]
    assert due.record_class == RecordClass.NOT_CHANNEL
    assert due.due_on == periods.add_months(known(old.closed_on), 36)
    assert recent.person_id not in [d.person.pk for d in schedule]


def test_authority_rule_changes_the_due_date(world) -> None:
    referral = closed_nfa(world, received_days_ago=400)
    services.set_retention_rule(
        world.authority,
        record_class="not_channel",
        review_after_years=1,
        acting_user=world["coordinator"],
    )
    due = services.retention_schedule(world.authority, on=days_ago(0))
    assert [d.person.pk for d in due] == [referral.person_id]
    assert "1 years" in due[0].rule
    # Another authority's rules are its own.
    assert services.rules_for(world.other_authority)[RecordClass.NOT_CHANNEL] == 3


def test_repeat_referral_restarts_the_clock(world) -> None:
    first = closed_nfa(world, received_days_ago=4 * 365)
    assert services.retention_schedule(world.authority, on=days_ago(0))
    again = make_referral(
        world.authority, world["coordinator"], person=first.person, received_on=days_ago(100)
    )
    # Open referral: nothing of the person is due.
    assert services.retention_schedule(world.authority, on=days_ago(0)) == []
    casework_services.triage_referral(
        again,
        outcome=TriageOutcome.SIGNPOSTED,
        occurred_on=days_ago(90),
        reason="Signposted to early help (test).",
        acting_user=world["coordinator"],
    )
    assert services.retention_schedule(world.authority, on=days_ago(0)) == []
    later = services.retention_schedule(world.authority, on=days_ago(-3 * 365))
    assert later[0].due_on == periods.add_months(days_ago(90), 36)
    assert later[0].referral_count == 2


def test_child_protection_link_keeps_records_longer(world) -> None:
    referral = closed_nfa(world, received_days_ago=4 * 365)
    services.link_child_protection(
        referral.person,
        noted_on=days_ago(1),
        reason="Named in a child protection plan (test).",
        acting_user=world["coordinator"],
    )
    assert services.retention_schedule(world.authority, on=days_ago(0)) == []
    due = services.retention_schedule(world.authority, on=datetime.date(2034, 5, 18))
    assert due[0].record_class == RecordClass.CHILD_PROTECTION
    assert due[0].due_on == datetime.date(2033, 5, 17)  # 25 years from 17 May 2008


def test_coordinator_is_warned_before_a_history_is_removed(world) -> None:
    soon = closed_nfa(world, received_days_ago=3 * 365 - 20)
    assert services.retention_schedule(world.authority, on=days_ago(0)) == []
    warned = services.due_soon(world.authority, on=days_ago(0))
    assert [d.person.pk for d in warned] == [soon.person_id]


def test_dry_run_lists_and_changes_nothing(world) -> None:
    referral = closed_nfa(world, received_days_ago=4 * 365)
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--authority", "E09999801", stdout=out)
    text = out.getvalue()
    assert f"person {referral.person_id}: referrals {referral.pk}" in text
    assert "would be removed" in text and "3 years from the referral's closure" in text
    assert Person.objects.get(pk=referral.person_id).given_name == "Robin"
    assert not DestructionRecord.objects.exists()


def test_real_run_needs_a_user(world) -> None:
    with pytest.raises(CommandError, match="--user"):
        call_command("apply_retention", stdout=StringIO())
    with pytest.raises(CommandError, match="ONS code"):
        call_command("apply_retention", "--dry-run", "--authority", "E0000", stdout=StringIO())


def test_real_run_removes_details_keeps_statistics_and_held_people(world) -> None:
    lead = world["coordinator"]
    gone = closed_nfa(world, received_days_ago=4 * 365)
    gone.vulnerabilities.add(known(Vulnerability.objects.order_by("pk").first()))
    held = closed_nfa(world, received_days_ago=4 * 365, given_name="Held", family_name="Person")
    services.set_legal_hold(held.person, on=True, reason="Civil claim (test)", acting_user=lead)
    start, end = days_ago(5 * 365), days_ago(0)
    before = (
        metrics.journey(world.authority, start, end),
        metrics.by_sector(world.authority, start, end),
        metrics.by_gender(world.authority, start, end),
        metrics.by_age_band(world.authority, start, end),
        metrics.quarters(world.authority, start, end),
    )
    out = StringIO()
    call_command("apply_retention", "--user", "coordinator", stdout=out)
    assert "1 people's personal details removed; 1 on legal hold kept" in out.getvalue()

    person = Person.objects.get(pk=gone.person_id)
    assert (person.given_name, person.family_name, person.date_of_birth) == ("", "", None)
    assert person.unidentified_historical and person.archived
    referral = Referral.objects.get(pk=gone.pk)
    assert referral.referrer_name == "" and referral.concern_description == ""
    assert referral.received_on == gone.received_on and referral.triage_outcome == "nfa"
    assert referral.age_at_referral == gone.age_at_referral
    assert referral.vulnerabilities.count() == 1
    assert set(StageEvent.objects.filter(referral=referral).values_list("reason", flat=True)) == {
        ""
    }
    after = (
        metrics.journey(world.authority, start, end),
        metrics.by_sector(world.authority, start, end),
        metrics.by_gender(world.authority, start, end),
        metrics.by_age_band(world.authority, start, end),
        metrics.quarters(world.authority, start, end),
    )
    assert after == before

    kept = Person.objects.get(pk=held.person_id)
    assert kept.given_name == "Held" and kept.legal_hold

    destruction = DestructionRecord.objects.get()
    assert destruction.person_id == gone.person_id
    assert destruction.referral_ids == [gone.pk]
    assert destruction.destroyed_by == lead
    assert destruction.record_class == RecordClass.NOT_CHANNEL
    assert "casework.person.given_name" in destruction.removed
    assert "Robin" not in str(destruction.__dict__)
    event = AuditEvent.objects.get(action=AuditAction.DESTROY)
    assert (
        event.person_id == gone.person_id and event.detail["destruction_record"] == destruction.pk
    )

    # A second run finds nothing more.
    again = services.apply_retention(
        world.authority, on=days_ago(0), dry_run=False, acting_user=lead
    )
    assert again.due == [] and len(again.held) == 1


def test_real_run_clears_what_a_meetings_history_says_about_the_person(world) -> None:
    lead = world["coordinator"]
    referral = to_panel(make_referral(world.authority, lead, received_on=days_ago(5 * 365)), lead)
    panel = make_panel(world.authority, lead)
    first = make_meeting(panel, lead, on=days_ago(4 * 365 + 10))
    removed = casework_services.add_to_agenda(first, referral, acting_user=lead)
    casework_services.remove_from_agenda(
        removed, reason="Robin's school asked to wait (test).", acting_user=lead
    )
    second = make_meeting(panel, lead, on=days_ago(4 * 365))
    item = casework_services.add_to_agenda(second, referral, acting_user=lead)
    casework_services.record_discussion(
        item,
        discussion="Robin's teachers spoke (test).",
        decision=PanelDecision.NOT_ADOPT,
        decision_reason="Other support fits (test).",
        alternative_support="Early help (test).",
        acting_user=lead,
    )
    casework_services.complete_meeting(second, acting_user=lead)
    casework_services.correct_decision_record(
        item,
        discussion="Robin's head of year spoke (test).",
        decision_reason="Other support fits (test).",
        correction_reason="Robin's school named wrongly (test).",
        acting_user=lead,
    )
    services.apply_retention(world.authority, on=days_ago(0), dry_run=False, acting_user=lead)

    assert AgendaItem.objects.get(pk=removed.pk).removal_reason == ""
    texts = MeetingEvent.objects.exclude(agenda_item=None).values_list("change", "reason")
    assert len(texts) == 2 and set(texts) == {("", "")}
    assert MeetingEvent.objects.filter(agenda_item=None, kind="held").count() == 1  # kept


def test_retention_on_the_demo_borough(monkeypatch) -> None:
    monkeypatch.setattr(casework_step, "YEARS", 4)
    ctx = DemoContext()
    ctx.authority = Authority.objects.create(
        ons_code="E09999901", name="Kingsmere (demo)", region=Region.LONDON
    )
    ctx.other_authority = Authority.objects.create(
        ons_code="E07999902", name="Ashbury (demo)", region=Region.SOUTH_EAST
    )
    for n in range(3):
        Ward.objects.create(authority=ctx.authority, ons_code=f"E0599990{n}", name=f"Ward {n}")
    users_step.run(ctx)
    casework_step.run(ctx)
    privacy_step.run(ctx)
    privacy_step.run(ctx)  # idempotent
    lead = ctx.users["coordinator"]
    authority = ctx.authority
    past_years = [financial_year(financial_year_start(ctx.today) - n) for n in (4, 3, 2, 1)]

    def figures() -> list[object]:
        out: list[object] = []
        for year in past_years:
            out += [
                metrics.journey(authority, year.start, year.end),
                metrics.by_sector(authority, year.start, year.end),
                metrics.by_concern(authority, year.start, year.end),
                metrics.by_gender(authority, year.start, year.end),
                metrics.by_age_band(authority, year.start, year.end),
                metrics.vulnerabilities_of_adopted(authority, year.start, year.end),
                metrics.quarters(authority, year.start, year.end),
            ]
        return out

    # The demo applied the schedule as at its last quarterly run, holding one person.
    last_run = privacy_step.last_retention_run(ctx.today)
    assert last_run < ctx.today and last_run.day == 1
    already = DestructionRecord.objects.filter(authority=authority).count()
    assert already > 0, "the demo's earlier run removed someone's details"
    assert Person.objects.filter(authority=authority, legal_hold=True).count() == 1
    linked = ChildProtectionLink.objects.get(authority=authority, unlinked_on=None)
    assert linked.reason and not DestructionRecord.objects.filter(person_id=linked.person_id)
    assert not services.retention_schedule(authority, on=last_run) or all(
        d.held for d in services.retention_schedule(authority, on=last_run)
    ), "nothing was left due at the demo's run but the held person"
    destroyed_events = AuditEvent.objects.filter(action=AuditAction.DESTROY).count()
    assert destroyed_events == already

    schedule = [d for d in services.retention_schedule(authority, on=ctx.today) if not d.held]
    assert schedule, "records have fallen due since the demo's last run"
    held_person = schedule[0].person
    services.set_legal_hold(held_person, on=True, reason="Complaint open (demo)", acting_user=lead)
    before = figures()

    dry = services.apply_retention(authority, on=ctx.today, dry_run=True, acting_user=None)
    assert len(dry.due) == len(schedule) - 1 and held_person in [d.person for d in dry.held]
    assert DestructionRecord.objects.count() == already
    # Every listed person's referrals were all closed, each more than its rule's years ago.
    for due in dry.due:
        referrals = Referral.objects.filter(person=due.person)
        assert all(r.closed_on is not None for r in referrals)
        assert due.due_on <= ctx.today
        if due.record_class == RecordClass.NOT_CHANNEL:
            assert all(r.adopted_on is None for r in referrals)
    names = {d.person.pk: d.person.family_name for d in dry.due}

    run = services.apply_retention(authority, on=ctx.today, dry_run=False, acting_user=lead)
    assert len(run.destroyed) == len(dry.due)
    assert figures() == before
    for pk in names:
        assert Person.objects.get(pk=pk).family_name == ""
    assert Person.objects.get(pk=held_person.pk).family_name == held_person.family_name
    assert DestructionRecord.objects.filter(authority=authority).count() == already + len(dry.due)
    assert AuditEvent.objects.filter(action=AuditAction.DESTROY).count() == already + len(dry.due)
