"""`seed_demo --scale national`: the synthetic England-and-Wales dataset keeps every rule
the casework, training and engagement services keep, at realistic proportions.

The dataset is built once for the module, at a small factor over three financial years
(so some post-exit reviews are complete), inside a transaction that is rolled back at the end (each test runs in a savepoint).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Min, Q, Sum

from dueregard.accounts.models import Membership, Role
from dueregard.areas.models import Authority, Population, Ward
from dueregard.audit.models import AuditEvent
from dueregard.casework import queries as casework_queries
from dueregard.casework.models import (
    AgendaItem,
    Consent,
    ConsentGivenBy,
    ConsentStatus,
    EventKind,
    MeetingStatus,
    PanelMeeting,
    Person,
    Referral,
    Review,
    Stage,
    StageEvent,
    SupportPlan,
    SupportSession,
    TriageOutcome,
)
from dueregard.core.periods import financial_year, financial_year_start
from dueregard.core.tests.known import known
from dueregard.demo import national
from dueregard.engagement.models import Engagement, OutputFigure, ProgressNote, Project
from dueregard.reports import registry
from dueregard.training.models import (
    Attendee,
    EvaluationForm,
    HeadcountSnapshot,
    Session,
    SessionAudience,
)

FACTOR = 0.05
YEARS = 3
TODAY = datetime.date(2026, 11, 22)
CUTOFF = TODAY - datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def dataset(django_db_setup: Any, django_db_blocker: Any) -> Iterator[national.NationalSummary]:
    with django_db_blocker.unblock(), transaction.atomic():
        summary = national.build(years=YEARS, factor=FACTOR, today=TODAY)
        yield summary
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def _authorities_in_csv() -> list[str]:
    lines = national.AUTHORITIES_CSV.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split(",", 1)[0] for line in lines if line.strip()]


# --- areas ---------------------------------------------------------------------------------


def test_every_authority_of_england_and_wales_with_wards_and_population(dataset) -> None:
    codes = _authorities_in_csv()
    assert len(codes) == 331 == dataset.authorities
    wards = dict(
        Authority.objects.filter(ons_code__in=codes)
        .annotate(n=Count("wards"))
        .values_list("ons_code", "n")
    )
    assert len(wards) == 331
    assert all(15 <= n <= 40 for n in wards.values())
    welsh = Ward.objects.filter(authority__ons_code__startswith="W")
    assert welsh.exists() and not welsh.exclude(ons_code__startswith="W05").exists()
    assert (
        not Ward.objects.filter(authority__ons_code__startswith="E")
        .exclude(ons_code__startswith="E05")
        .exists()
    )
    # Population by characteristic adds up to the authority's total, and so do its wards.
    authority = Authority.objects.get(ons_code=codes[0])
    rows = Population.objects.filter(authority=authority)
    total = rows.get(ward=None, characteristic="total").count
    for characteristic in ["age_band", "sex", "ethnic_group", "religion"]:
        summed = rows.filter(ward=None, characteristic=characteristic).aggregate(n=Sum("count"))
        assert summed["n"] == total, characteristic
    assert rows.filter(ward__isnull=False).aggregate(n=Sum("count"))["n"] == total
    # One Prevent lead per authority, who cannot sign in with a password.
    leads = Membership.objects.filter(role=Role.PREVENT_LEAD, authority__ons_code__in=codes)
    assert leads.count() == 331
    assert not leads.first().user.has_usable_password()


# --- proportions ---------------------------------------------------------------------------


def test_referrals_in_national_proportions(dataset) -> None:
    referrals = Referral.objects.filter(received_on__gte=dataset.first_day)
    total = referrals.count()
    # Three financial years, the last running to yesterday: 2024/25, 2025/26 and 2026/27
    # so far (2024/25's volume is close enough to the series mean for this tolerance).
    days_this_year = (CUTOFF - financial_year(2026).start).days + 1
    expected = national.BASE_REFERRALS_PER_YEAR * FACTOR * (YEARS - 1 + days_this_year / 365)
    assert abs(total - expected) < 0.12 * expected
    triaged = referrals.exclude(triage_outcome=None)
    police = triaged.filter(triage_outcome=TriageOutcome.POLICE).count() / triaged.count()
    assert 0.68 < police < 0.82
    discussed = referrals.exclude(discussed_at_panel_on=None).count()
    adopted = referrals.exclude(adopted_on=None).count()
    assert 0.10 < discussed / total < 0.22
    assert 0.35 < adopted / discussed < 0.75
    genders = Counter(referrals.values_list("gender", flat=True))
    assert genders["male"] / total > 0.8
    # Bigger authorities get more referrals: the top tenth by population has well over a
    # tenth of them.
    by_population = sorted(
        (
            p.count,
            p.authority_id,
        )
        for p in Population.objects.filter(ward=None, characteristic="total")
    )
    top = {a for _, a in by_population[-33:]}
    assert referrals.filter(authority_id__in=top).count() > 0.15 * total


def test_training_and_engagement_in_proportion(dataset) -> None:
    attendees = Attendee.objects.count()
    days_this_year = (CUTOFF - financial_year(2026).start).days + 1
    expected = national.BASE_ATTENDANCE_PER_YEAR * FACTOR * (YEARS - 1 + days_this_year / 365)
    assert abs(attendees - expected) < 0.1 * expected
    # Named attendees are those counted at professionals' sessions.
    professional = Session.objects.filter(audience="professionals")
    assert professional.aggregate(n=Sum("attendees"))["n"] == attendees
    assert (
        SessionAudience.objects.filter(session__audience="professionals").aggregate(
            n=Sum("attendees")
        )["n"]
        == attendees
    )
    forms = EvaluationForm.objects.count()
    assert 0.05 * attendees < forms < 0.2 * attendees
    assert not HeadcountSnapshot.objects.filter(compliant__gt=F("eligible")).exists()
    assert not HeadcountSnapshot.objects.filter(as_of__gt=CUTOFF).exists()
    assert HeadcountSnapshot.objects.values("authority").distinct().count() == 331
    assert Engagement.objects.exists()
    # Project spend never exceeds the funding, and returns lie within the project.
    for project in Project.objects.all():
        spent = ProgressNote.objects.filter(project=project).aggregate(n=Sum("spend"))["n"]
        assert (spent or 0) <= project.budget
    assert not OutputFigure.objects.filter(quarter_start__gt=CUTOFF).exists()


# --- the pathway ---------------------------------------------------------------------------

MILESTONES = {
    "triaged_on": EventKind.TRIAGED,
    "referred_to_police_on": EventKind.REFERRED_TO_POLICE,
    "gateway_outcome_on": EventKind.GATEWAY_OUTCOME,
    "adopted_on": EventKind.ADOPTED,
    "not_adopted_on": EventKind.NOT_ADOPTED,
    "support_started_on": EventKind.SUPPORT_STARTED,
    "left_channel_on": EventKind.LEFT_CHANNEL,
    "closed_on": EventKind.CLOSED,
}


def test_every_referrals_cached_milestones_equal_its_history(dataset) -> None:
    history: dict[int, list[StageEvent]] = defaultdict(list)
    for event in StageEvent.objects.order_by("referral_id", "occurred_on", "pk"):
        history[event.referral_id].append(event)
    referrals = list(Referral.objects.all())
    assert len(referrals) == dataset.count(Referral) > 100
    for referral in referrals:
        events = history[referral.pk]
        assert events[0].kind == EventKind.RECEIVED
        assert events[0].occurred_on == referral.received_on
        kinds = Counter(e.kind for e in events)
        for field, kind in MILESTONES.items():
            dated = [e.occurred_on for e in events if e.kind == kind]
            assert kinds[kind] <= 1, (referral.reference, kind)
            assert getattr(referral, field) == (dated[0] if dated else None), (
                referral.reference,
                field,
            )
        first_discussion = next(
            (e for e in events if e.kind == EventKind.DISCUSSED and e.to_stage == Stage.DISCUSSED),
            None,
        )
        assert referral.discussed_at_panel_on == (
            first_discussion.occurred_on if first_discussion else None
        )
        # Stage changes chain: each starts where the last ended, in the allowed order.
        stage = Stage.RECEIVED
        for event in events:
            if event.from_stage:
                assert event.from_stage == stage, (referral.reference, event.kind)
                stage = Stage(event.to_stage)
            else:
                assert event.to_stage == stage, (referral.reference, event.kind)
        assert referral.stage == stage
        # History is in date order and nothing is dated after yesterday.
        days = [e.occurred_on for e in events]
        assert days == sorted(days)
        assert days[-1] <= CUTOFF
        assert all(e.authority_id == referral.authority_id for e in events)
        assert all(e.person_id == referral.person_id for e in events)


def test_dates_follow_the_pathway(dataset) -> None:
    order = [
        "received_on",
        "triaged_on",
        "referred_to_police_on",
        "gateway_outcome_on",
        "discussed_at_panel_on",
        "adopted_on",
        "support_started_on",
        "left_channel_on",
        "closed_on",
    ]
    for referral in Referral.objects.all():
        days = [getattr(referral, f) for f in order if getattr(referral, f) is not None]
        assert days == sorted(days), referral.reference
        assert days[-1] <= CUTOFF
    assert not Referral.objects.filter(stage=Stage.CLOSED, closure_reason="").exists()
    assert not Referral.objects.filter(
        adopted_on__isnull=False, discussed_at_panel_on=None
    ).exists()
    assert not Referral.objects.exclude(stage=Stage.CLOSED).filter(closed_on__isnull=False).exists()
    # References are unique in each authority and made as next_reference makes them.
    assert not (
        Referral.objects.values("authority", "reference").annotate(n=Count("pk")).filter(n__gt=1)
    )
    assert all(
        ref.startswith(f"R-{day.year}-")
        for ref, day in Referral.objects.values_list("reference", "received_on")
    )


def test_open_work_is_left_for_the_coordinators(dataset) -> None:
    stages = Counter(Referral.objects.values_list("stage", flat=True))
    assert stages[Stage.CLOSED] > 0.7 * sum(stages.values())
    assert stages[Stage.WITH_GATEWAY] > 0  # referred to police in the last weeks
    assert stages[Stage.IN_SUPPORT] + stages[Stage.LEFT_CHANNEL] > 0
    # The authority with most referrals waiting on the police gateway (ties broken by id:
    # at this small factor several authorities tie, and the database may return any).
    busiest = (
        Referral.objects.filter(stage=Stage.WITH_GATEWAY)
        .values("authority")
        .annotate(n=Count("pk"))
        .order_by("-n", "authority")
        .first()
    )
    assert busiest is not None
    lead = Membership.objects.get(role=Role.PREVENT_LEAD, authority_id=busiest["authority"]).user
    gateway = casework_queries.caseload(lead, TODAY).rows["gateway"]
    assert len(gateway) == busiest["n"]
    assert all(row.referral.authority_id == busiest["authority"] for row in gateway)


def test_every_section_of_the_work_queue_has_cases(dataset) -> None:
    # Every section but the onward referrals, which no generated case is awaiting.
    open_referrals = Referral.objects.exclude(stage=Stage.CLOSED)
    placed: Counter[str] = Counter()
    for authority_id in open_referrals.order_by().values_list("authority", flat=True).distinct():
        lead = Membership.objects.get(role=Role.PREVENT_LEAD, authority_id=authority_id).user
        placed.update(casework_queries.caseload(lead, TODAY).counts())
    wanted = {section.id for section in casework_queries.SECTIONS} - {"onward"}
    assert {section for section in wanted if placed[section] == 0} == set()
    # Reviews complete but not yet closed are the exception, not the rule.
    assert placed["closure"] < placed["review_later"]
    # Plans carry their contact interval; sessions keep to it unless support lapses.
    assert set(SupportPlan.objects.values_list("contact_interval_days", flat=True)) == set(
        national.CONTACT_INTERVAL_WEIGHTS
    )


def test_channel_cases_keep_the_panel_and_support_rules(dataset) -> None:
    held = {
        (m.authority_id, m.held_on): m
        for m in PanelMeeting.objects.filter(status=MeetingStatus.HELD)
    }
    discussed = Referral.objects.exclude(discussed_at_panel_on=None)
    assert discussed.exists()
    for referral in discussed.select_related("person"):
        meeting = held[(referral.authority_id, known(referral.discussed_at_panel_on))]
        item = AgendaItem.objects.get(meeting=meeting, referral=referral)
        assert item.decision in ("adopt", "not_adopt", "defer") and not item.is_open
        if item.decision == "defer":  # decided at a later meeting, or still pending
            decided = AgendaItem.objects.filter(
                referral=referral, decision__in=("adopt", "not_adopt")
            ).select_related("meeting")
            assert referral.stage == Stage.DISCUSSED or (
                len(decided) == 1 and decided[0].meeting.held_on > meeting.held_on
            )
        if referral.adopted_on is None and referral.stage != Stage.DISCUSSED:
            assert referral.stage == Stage.CLOSED and referral.alternative_support
    # Support starts only with a plan and consent given, after both.
    started = Referral.objects.exclude(support_started_on=None)
    assert started.exists()
    for referral in started:
        consent = Consent.objects.filter(referral=referral).order_by("-occurred_on").first()
        assert consent is not None and consent.status == ConsentStatus.GIVEN
        plan = SupportPlan.objects.get(referral=referral)
        assert consent.occurred_on <= plan.agreed_on < known(referral.support_started_on)
        assert known(referral.adopted_on) <= consent.occurred_on
        sessions = SupportSession.objects.filter(plan=plan).aggregate(first=Min("occurred_on"))
        if sessions["first"] is not None:
            assert sessions["first"] >= referral.support_started_on
    # A child's consent comes from a named parent or guardian.
    for consent in Consent.objects.select_related("referral__person"):
        referral = consent.referral
        if referral.age_at_referral is not None and referral.age_at_referral < 17:
            assert consent.given_by != ConsentGivenBy.PERSON
            assert consent.given_by_name
    # Leaving Channel schedules both reviews; a held review is after leaving.
    for referral in Referral.objects.exclude(left_channel_on=None):
        reviews = list(Review.objects.filter(referral=referral).order_by("kind"))
        assert [r.kind for r in reviews] == ["12", "6"]
        assert all(
            r.held_on is None or r.held_on >= known(referral.left_channel_on) for r in reviews
        )
    # Every person and record carries the authority of its referral.
    assert not Referral.objects.exclude(person__authority=F("authority")).exists()
    assert not Referral.objects.exclude(Q(ward=None) | Q(ward__authority=F("authority"))).exists()
    assert not AgendaItem.objects.exclude(meeting__authority=F("referral__authority")).exists()
    assert Person.objects.filter(unidentified_historical=False).exclude(family_name="").exists()


# --- reports and the command ---------------------------------------------------------------


def test_referral_statistics_report_matches_a_direct_count(dataset) -> None:
    year = financial_year(financial_year_start(CUTOFF) - 1)
    busiest = (
        Referral.objects.filter(received_on__range=(year.start, year.end))
        .values("authority")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None and busiest["n"] >= 5
    authority = Authority.objects.get(pk=busiest["authority"])
    report = registry.get("referral-statistics").build(authority, year.start, year.end)
    journey = next(t for s in report.sections for t in s.tables if t.id == "journey")
    shown = {row["label"]: row["count"] for row in journey.rows}
    received = Referral.objects.filter(
        authority=authority, received_on__range=(year.start, year.end)
    )
    assert shown["Referrals received"] == received.count() == busiest["n"]
    assert shown["Referred to the police gateway"] == (
        received.filter(referred_to_police_on__lte=year.end).count()
    )
    assert shown["Discussed at a Channel panel"] == (
        received.filter(discussed_at_panel_on__lte=year.end).count()
    )
    assert shown["Adopted as a Channel case"] == received.filter(adopted_on__lte=year.end).count()


def test_the_build_is_recorded_and_not_repeated(dataset) -> None:
    marker = AuditEvent.objects.get(object_type=national.MARKER)
    assert marker.detail["factor"] == FACTOR and marker.detail["years"] == YEARS
    assert marker.detail["rows"]["casework.Referral"] == Referral.objects.count()
    with pytest.raises(national.NationalDataExists):
        national.build(years=1, factor=0.01, today=TODAY)
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", "--scale", "national", stdout=StringIO())


def test_rows_that_break_a_foreign_key_are_refused() -> None:
    """With foreign keys set aside for speed, a bad row still fails the build."""
    with pytest.raises(IntegrityError), transaction.atomic():
        writer = national.RowWriter(set_foreign_keys_aside=True)
        wards = writer.table(Ward, ["authority_id", "ons_code", "name"])
        wards.add(999_999_999, "E05899999", "Nowhere Ward")  # no such authority
        writer.finish()
        connection.check_constraints()
