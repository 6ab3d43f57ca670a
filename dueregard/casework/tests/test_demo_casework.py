"""The demo borough's casework: seed volumes, date order, idempotence, the panel member."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Count

from dueregard.areas.models import Authority, Region, Ward
from dueregard.casework.models import (
    EthnicGroup,
    OnwardReferral,
    PanelMeeting,
    PanelMember,
    Person,
    Referral,
    Religion,
    Review,
    StageEvent,
)
from dueregard.casework.queries import caseload, panel_cases_visible_to, proposed_for_agenda
from dueregard.core import periods
from dueregard.core.periods import financial_year, financial_year_start
from dueregard.core.tests.known import known
from dueregard.demo.context import DemoContext
from dueregard.demo.steps import casework, users

pytestmark = pytest.mark.django_db


def test_demo_casework_has_the_seed_volumes_and_is_idempotent(monkeypatch) -> None:
    monkeypatch.setattr(casework, "YEARS", 3)  # the oldest scripted case is 900 days old
    ctx = DemoContext()
    # The borough without its census counts (areas.run loads those too, slowly).
    ctx.authority = Authority.objects.create(
        ons_code="E09999901", name="Kingsmere (demo)", region=Region.LONDON
    )
    ctx.other_authority = Authority.objects.create(
        ons_code="E07999902", name="Ashbury (demo)", region=Region.SOUTH_EAST
    )
    for n in range(3):
        Ward.objects.create(authority=ctx.authority, ons_code=f"E0599990{n}", name=f"Ward {n}")
    users.run(ctx)
    casework.run(ctx)
    today = ctx.today
    complete_years = [financial_year(financial_year_start(today) - n) for n in (2, 1)]
    for year in complete_years:
        in_year = Referral.objects.filter(
            authority=ctx.authority, received_on__range=(year.start, year.end)
        )
        # Seed 000 §1.17-1.18: 79 enquiries, 41 to the police, 7 at panel, 11 panels a year.
        assert 70 <= in_year.count() <= 90, year.label
        police = in_year.filter(referred_to_police_on__isnull=False).count()
        assert 28 <= police <= 55, (year.label, police)
        discussed = Referral.objects.filter(
            authority=ctx.authority, discussed_at_panel_on__range=(year.start, year.end)
        ).count()
        assert 2 <= discussed <= 14, (year.label, discussed)
        meetings = PanelMeeting.objects.filter(held_on__range=(year.start, year.end)).count()
        assert meetings == 11, year.label
    assert not StageEvent.objects.filter(occurred_on__gte=today).exclude(kind="added_to_agenda")
    # Every milestone agrees with its history row.
    for referral in Referral.objects.filter(adopted_on__isnull=False):
        assert referral.events.filter(
            kind="adopted", occurred_on=known(referral.adopted_on)
        ).exists()

    # The demo panel member sits on the panel and sees exactly the coming agenda's cases.
    member = ctx.users["panel.member"]
    assert PanelMember.objects.filter(user=member, active=True).exists()
    upcoming = PanelMeeting.objects.get(held_on__gte=today)
    assert set(panel_cases_visible_to(member)) == {i.referral for i in upcoming.items.all()}
    assert caseload(ctx.users["coordinator"], today).open_cases > 0
    # Referred on for other vulnerabilities: one still awaiting the service's answer (in the
    # queue's last section), one accepted and one declined (closed).
    onward = caseload(ctx.users["coordinator"], today).rows["onward"]
    assert [row.onward_service for row in onward] == ["Kingsmere Youth Service (fictional)"]
    answers = OnwardReferral.objects.filter(authority=ctx.authority).values_list(
        "response", flat=True
    )
    assert sorted(map(str, answers)) == ["None", "accepted", "declined"]
    # Every meeting held has its minutes approved by the demo chair; the coming one is planned.
    held = PanelMeeting.objects.filter(status="held")
    assert held.count() >= 2
    assert not held.filter(minutes_approved_at__isnull=True).exists()
    assert set(held.values_list("minutes_approved_by", flat=True)) == {ctx.users["chair"].pk}
    assert upcoming.status == "planned" and not upcoming.minutes_approved

    # A month's real work: every section of the work queue has a case, whatever the date
    # the demo is built on, and the cases the demo shows off are there.
    queue = caseload(ctx.users["coordinator"], today)
    assert [section.id for section, rows in queue.sections() if not rows] == []
    ready = {section.id: rows for section, rows in queue.sections()}["ready"]
    assert any(row.times_referred >= 2 for row in ready)  # a repeat referral
    # Nothing forgotten: whatever waits for triage (reopened cases too) arrived lately.
    triage = {section.id: rows for section, rows in queue.sections()}["triage"]
    assert all(row.days_in_stage is not None and row.days_in_stage <= 14 for row in triage)
    assert Review.objects.filter(kind="extended", held_on__isnull=True).exists()
    reopened = Referral.objects.filter(reopened_from__isnull=False, stage="for_panel")
    assert {i.referral for i in upcoming.items.all()} >= set(reopened)
    assert reopened.exists()
    assert proposed_for_agenda(upcoming, today)  # the lapsing case, proposed for the agenda

    # Equality monitoring has something to show: most people's ethnic group and religion
    # are recorded, from the lists the form offers, and some are left blank as in life.
    people = Person.objects.filter(authority=ctx.authority)
    groups = set(people.values_list("ethnic_group", flat=True))
    religions = set(people.values_list("religion", flat=True))
    assert "" in groups and len(groups - {""}) >= 3 and groups - {""} <= set(EthnicGroup.values)
    assert "" in religions and len(religions - {""}) >= 3
    assert religions - {""} <= set(Religion.values)
    assert people.exclude(ethnic_group="").count() > people.count() / 2

    counts = dict(Referral.objects.values_list("stage").annotate(n=Count("id")))
    casework.run(ctx)  # a second run adds nothing
    assert dict(Referral.objects.values_list("stage").annotate(n=Count("id"))) == counts
    assert PanelMember.objects.count() == len(casework.MEMBERS)
    assert upcoming.held_on - today < datetime.timedelta(days=70)


@pytest.mark.parametrize("today", [datetime.date(2027, 4, 2), datetime.date(2027, 9, 8)])
def test_every_queue_section_has_a_demo_case_whatever_the_date(monkeypatch, today) -> None:
    # A date just after the year's start and one just after the month without a panel.
    monkeypatch.setattr(casework, "YEARS", 3)
    monkeypatch.setattr(periods, "today", lambda: today)
    ctx = DemoContext(today=today)
    ctx.authority = Authority.objects.create(
        ons_code="E09999901", name="Kingsmere (demo)", region=Region.LONDON
    )
    ctx.other_authority = Authority.objects.create(
        ons_code="E07999902", name="Ashbury (demo)", region=Region.SOUTH_EAST
    )
    Ward.objects.create(authority=ctx.authority, ons_code="E05999900", name="Ward 0")
    users.run(ctx)
    casework.run(ctx)
    queue = caseload(ctx.users["coordinator"], today)
    assert [section.id for section, rows in queue.sections() if not rows] == []
