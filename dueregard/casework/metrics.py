"""Casework statistics: counts with their denominators and unknowns, aggregated in the
database from the referral's cached milestone dates (one or a few queries each).

Every function takes `(authority, start, end)`: an authority and an inclusive date range.
For a region or England and Wales, `journey_by_authority` and the `*_across` breakdowns
take a set of authorities instead and give the same figures as the single-authority
metrics added up, in one grouped query per table however many authorities.
The counting rules (docs/casework-statistics.md):

- A referral is **received in the period** if `received_on` is in it. The breakdowns by
  sector, concern, gender and age count those referrals, with the ones whose value is not
  known counted apart; shares are of the known (the Home Office convention).
- `journey` follows the referrals received in the period and counts how many of *them*
  had reached each stage by the end of the period (the stage's date on or before `end`),
  so a report for a past period gives the same figures whenever it is produced.
- `quarters` counts the *events dated in each quarter* (referrals received, referred to
  police, adopted, triaged with advice provided) whatever quarter the referral came in,
  with percentages of that quarter's new referrals: the shape of the quarterly tables
  councils send to their boards (seed 002 Table 1).
- Channel cases (`adopted_by_concern`, `vulnerabilities_of_adopted`) are the referrals
  adopted in the period (`adopted_on` in it).
- Type of concern is the concern raised at referral (the Home Office statistics describe
  the concern as the one raised by the initial referrer). Concern types with the same
  label in different versions of the code list are counted as one group.

Nothing here looks at a single person: every figure is a count of referrals, meetings
or attendances.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, IntegerField, Q, Value
from django.db.models.functions import Coalesce, TruncQuarter

from dueregard.areas.models import Authority
from dueregard.core.figures import Breakdown
from dueregard.core.periods import Period, add_months, financial_quarters

from .models import (
    LAPSING_GRACE_DAYS,
    AgendaItem,
    Attendance,
    ConcernCodeList,
    ConcernType,
    EthnicGroup,
    GatewayOutcome,
    Gender,
    InterventionKind,
    MeetingStatus,
    OnwardReferral,
    OnwardResponse,
    PanelMeeting,
    Referral,
    Religion,
    Review,
    ReviewKind,
    Sector,
    SessionStatus,
    SupportSession,
    TriageOutcome,
    Vulnerability,
)

NOT_KNOWN = "Not known"

# (label, lowest age, highest age): the Home Office bands from 2023/24.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("10 or under", 0, 10),
    ("11-15", 11, 15),
    ("16-17", 16, 17),
    ("18-20", 18, 20),
    ("21-30", 21, 30),
    ("31-40", 31, 40),
    ("41-50", 41, 50),
    ("51-60", 51, 60),
    ("61 and over", 61, None),
)


def _received(authority: Authority, start: datetime.date, end: datetime.date) -> Q:
    return Q(authority=authority, received_on__gte=start, received_on__lte=end)


def _received_across(
    authorities: Sequence[Authority], start: datetime.date, end: datetime.date
) -> Q:
    return Q(authority__in=authorities, received_on__gte=start, received_on__lte=end)


def _adopted(authority: Authority, start: datetime.date, end: datetime.date) -> Q:
    return Q(authority=authority, adopted_on__gte=start, adopted_on__lte=end)


# --------------------------------------------------------------------------------------
# The journey


@dataclass(frozen=True)
class Journey:
    """Of the referrals received in the period, how many reached each stage by its end."""

    received: int
    referred_to_police: int
    discussed_at_panel: int
    adopted: int
    left_channel: int
    awaiting_triage: int  # received in the period and still not triaged at its end


def _journey_counts(end: datetime.date) -> dict[str, Count]:
    """The aggregates of `Journey`, by its field names. A stage counts when its date is on
    or before `end`."""

    def reached(field: str) -> Count:
        return Count("pk", filter=Q(**{f"{field}__lte": end}))

    return {
        "received": Count("pk"),
        "referred_to_police": reached("referred_to_police_on"),
        "discussed_at_panel": reached("discussed_at_panel_on"),
        "adopted": reached("adopted_on"),
        "left_channel": reached("left_channel_on"),
        "awaiting_triage": Count("pk", filter=Q(triaged_on__isnull=True) | Q(triaged_on__gt=end)),
    }


def journey(authority: Authority, start: datetime.date, end: datetime.date) -> Journey:
    """One query. A stage counts when its date is on or before `end`."""
    counts = Referral.objects.filter(_received(authority, start, end)).aggregate(
        **_journey_counts(end)
    )
    return Journey(**counts)


def journey_by_authority(
    authorities: Sequence[Authority], start: datetime.date, end: datetime.date
) -> dict[int, Journey]:
    """`journey` for each of `authorities`, by authority id (zeros for an authority with no
    referrals in the period): one query grouped by authority."""
    aggregates = _journey_counts(end)
    rows = (
        Referral.objects.filter(_received_across(authorities, start, end))
        .values("authority_id")
        .annotate(**aggregates)
        .values_list("authority_id", *aggregates)
        .order_by()
    )
    found = {
        authority_id: Journey(**dict(zip(aggregates, counts, strict=True)))
        for authority_id, *counts in rows
    }
    nothing = Journey(**dict.fromkeys(aggregates, 0))
    return {a.pk: found.get(a.pk, nothing) for a in authorities}


# --------------------------------------------------------------------------------------
# Who was referred


def _breakdown(labels: list[str], counts: Mapping[str | None, int]) -> Breakdown:
    """Groups in `labels` order (then any others), with None counted as not known."""
    ordered = list(dict.fromkeys(labels))
    ordered += [k for k in counts if k is not None and k not in ordered]
    groups = tuple((label, counts.get(label, 0)) for label in ordered)
    return Breakdown(groups=groups, not_known=counts.get(None, 0))


def by_sector(authority: Authority, start: datetime.date, end: datetime.date) -> Breakdown:
    """Referrals received in the period by sector of referral (two queries). Every enabled
    sector is listed, with zeros; a disabled one only if it was used."""
    return _by_sector(_received(authority, start, end))


def by_sector_across(
    authorities: Sequence[Authority], start: datetime.date, end: datetime.date
) -> Breakdown:
    """`by_sector` for a set of authorities together (two queries)."""
    return _by_sector(_received_across(authorities, start, end))


def _by_sector(filter_: Q) -> Breakdown:
    rows = (
        Referral.objects.filter(filter_).values("sector__label").annotate(n=Count("pk")).order_by()
    )
    counts: dict[str | None, int] = {r["sector__label"]: r["n"] for r in rows}
    labels = list(
        Sector.objects.filter(disabled_on__isnull=True)
        .order_by("order", "label")
        .values_list("label", flat=True)
    )
    return _breakdown(labels, counts)


def _concern_labels(start: datetime.date, end: datetime.date) -> list[str]:
    """Labels of the enabled concern types of the code lists in force during the period,
    in list order (newest list first, so its order wins)."""
    lists = ConcernCodeList.objects.filter(valid_from__lte=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )
    types = ConcernType.objects.filter(code_list__in=lists, disabled_on__isnull=True).order_by(
        "-code_list__valid_from", "order"
    )
    return list(dict.fromkeys(types.values_list("label", flat=True)))


def _by_concern(filter_: Q, start: datetime.date, end: datetime.date) -> Breakdown:
    rows = (
        Referral.objects.filter(filter_).values("concern__label").annotate(n=Count("pk")).order_by()
    )
    counts: dict[str | None, int] = {r["concern__label"]: r["n"] for r in rows}
    return _breakdown(_concern_labels(start, end), counts)


def by_concern(authority: Authority, start: datetime.date, end: datetime.date) -> Breakdown:
    """Referrals received in the period by the type of concern raised at referral (two
    queries). Lists every type of the code lists in force in the period, with zeros."""
    return _by_concern(_received(authority, start, end), start, end)


def by_concern_across(
    authorities: Sequence[Authority], start: datetime.date, end: datetime.date
) -> Breakdown:
    """`by_concern` for a set of authorities together (two queries)."""
    return _by_concern(_received_across(authorities, start, end), start, end)


def by_gender(authority: Authority, start: datetime.date, end: datetime.date) -> Breakdown:
    """Referrals received in the period by gender recorded at referral (one query)."""
    return _by_gender(_received(authority, start, end))


def by_gender_across(
    authorities: Sequence[Authority], start: datetime.date, end: datetime.date
) -> Breakdown:
    """`by_gender` for a set of authorities together (one query)."""
    return _by_gender(_received_across(authorities, start, end))


def _by_gender(filter_: Q) -> Breakdown:
    rows = Referral.objects.filter(filter_).values("gender").annotate(n=Count("pk")).order_by()
    labels = dict(Gender.choices)
    counts: dict[str | None, int] = {}
    for r in rows:
        key = labels.get(r["gender"]) if r["gender"] else None
        counts[key] = counts.get(key, 0) + r["n"]
    return _breakdown([label for _, label in Gender.choices], counts)


def by_age_band(authority: Authority, start: datetime.date, end: datetime.date) -> Breakdown:
    """Referrals received in the period by age at referral, in `AGE_BANDS` (one query)."""
    return _by_age_band(_received(authority, start, end))


def by_age_band_across(
    authorities: Sequence[Authority], start: datetime.date, end: datetime.date
) -> Breakdown:
    """`by_age_band` for a set of authorities together (one query)."""
    return _by_age_band(_received_across(authorities, start, end))


def _by_age_band(filter_: Q) -> Breakdown:
    def band(low: int, high: int | None) -> Q:
        condition = Q(age_at_referral__gte=low)
        return condition & Q(age_at_referral__lte=high) if high is not None else condition

    aggregates = {
        f"band_{i}": Count("pk", filter=band(low, high))
        for i, (_, low, high) in enumerate(AGE_BANDS)
    }
    counts = Referral.objects.filter(filter_).aggregate(
        not_known=Count("pk", filter=Q(age_at_referral__isnull=True)), **aggregates
    )
    return Breakdown(
        groups=tuple((label, counts[f"band_{i}"]) for i, (label, _, _) in enumerate(AGE_BANDS)),
        not_known=counts["not_known"],
    )


# --------------------------------------------------------------------------------------
# Equality monitoring: the person's ethnic group and religion, and Channel cases by each
# characteristic (the reports' equality-monitoring tables compare them with residents)

# Ethnic groups and religions are stored as the census groups themselves, so they match
# the population table's groups.
ETHNIC_GROUP_LABELS = {value: value for value in EthnicGroup.values}
RELIGION_LABELS = {value: value for value in Religion.values}


def _by_person(filter_: Q, field: str, labels: dict[str, str]) -> Breakdown:
    """One GROUP BY on the referred person's `field`: every group of `labels` in their
    order, with zeros; blank, null and unlisted values are not known."""
    rows = Referral.objects.filter(filter_).values(field).annotate(n=Count("pk")).order_by()
    counts: dict[str, int] = {}
    not_known = 0
    for row in rows:
        label = labels.get(row[field] or "")
        if label is None:
            not_known += row["n"]
        else:
            counts[label] = counts.get(label, 0) + row["n"]
    return Breakdown(tuple((label, counts.get(label, 0)) for label in labels.values()), not_known)


def by_ethnic_group(authority: Authority, start: datetime.date, end: datetime.date) -> Breakdown:
    """Referrals received in the period by the referred person's ethnic group (one query)."""
    return _by_person(_received(authority, start, end), "person__ethnic_group", ETHNIC_GROUP_LABELS)


def by_religion(authority: Authority, start: datetime.date, end: datetime.date) -> Breakdown:
    """Referrals received in the period by the referred person's religion (one query)."""
    return _by_person(_received(authority, start, end), "person__religion", RELIGION_LABELS)


def adopted_by(
    authority: Authority, start: datetime.date, end: datetime.date, characteristic: str
) -> Breakdown:
    """Channel cases (adopted in the period) by "age_band" (at referral, in `AGE_BANDS`),
    "sex" (gender recorded at referral), "ethnic_group" or "religion" (one query)."""
    filter_ = _adopted(authority, start, end)
    if characteristic == "age_band":
        return _by_age_band(filter_)
    if characteristic == "sex":
        return _by_gender(filter_)
    if characteristic == "ethnic_group":
        return _by_person(filter_, "person__ethnic_group", ETHNIC_GROUP_LABELS)
    if characteristic == "religion":
        return _by_person(filter_, "person__religion", RELIGION_LABELS)
    raise ValueError(f"unknown characteristic {characteristic!r}")


# --------------------------------------------------------------------------------------
# Channel cases


def adopted_by_concern(authority: Authority, start: datetime.date, end: datetime.date) -> Breakdown:
    """Channel cases (adopted in the period) by type of concern at referral (two queries)."""
    return _by_concern(_adopted(authority, start, end), start, end)


@dataclass(frozen=True)
class VulnerabilityShares:
    """How many Channel cases adopted in the period had each vulnerability recorded.

    A case can have several, so the groups do not add up to `cases`. `none_recorded`
    counts cases with no vulnerability recorded (none, or not known).
    """

    cases: int
    none_recorded: int
    groups: tuple[tuple[str, int], ...]

    def count(self, label: str) -> int:
        return dict(self.groups).get(label, 0)


def vulnerabilities_of_adopted(
    authority: Authority, start: datetime.date, end: datetime.date
) -> VulnerabilityShares:
    """Three queries: the cases, their vulnerabilities grouped, and the reference list.
    Every enabled vulnerability is listed (zeros too); a disabled one only if recorded."""
    adopted = Referral.objects.filter(_adopted(authority, start, end))
    totals = adopted.aggregate(
        cases=Count("pk", distinct=True),
        none_recorded=Count("pk", filter=Q(vulnerabilities__isnull=True), distinct=True),
    )
    links = (
        Referral.vulnerabilities.through.objects.filter(referral__in=adopted)
        .values("vulnerability_id")
        .annotate(n=Count("referral_id", distinct=True))
        .order_by()
    )
    counts = {r["vulnerability_id"]: r["n"] for r in links}
    groups = tuple(
        (v.label, counts.get(v.pk, 0))
        for v in Vulnerability.objects.order_by("order", "label")
        if v.disabled_on is None or counts.get(v.pk)
    )
    return VulnerabilityShares(
        cases=totals["cases"], none_recorded=totals["none_recorded"], groups=groups
    )


# --------------------------------------------------------------------------------------
# Quarter by quarter


@dataclass(frozen=True)
class QuarterFigures:
    """Events dated in one financial quarter (clipped to the period)."""

    quarter: Period
    partial: bool  # the period covers only part of the quarter
    new_referrals: int
    referred_to_police: int
    adopted: int
    advice_provided: int


# The events `quarters` counts: the date field, and any other condition.
QUARTER_EVENTS: tuple[tuple[str, dict[str, str]], ...] = (
    ("received_on", {}),
    ("referred_to_police_on", {}),
    ("adopted_on", {}),
    ("triaged_on", {"triage_outcome": TriageOutcome.ADVICE}),
)


def quarters(
    authority: Authority, start: datetime.date, end: datetime.date
) -> list[QuarterFigures]:
    """For each financial quarter overlapping the period (clipped to it): referrals
    received, referred to police, adopted, and triaged with advice provided, each counted
    by the date of that event. One query, however many quarters.

    Financial quarters (April to June, ...) are calendar quarters, so each event is
    counted grouped by the calendar quarter of its date (`TruncQuarter`, the quarter's
    first day), its date limited to the period: four grouped selects, each an index range
    scan, joined by UNION ALL into one statement.
    """
    periods = [(q, max(q.start, start), min(q.end, end)) for q in financial_quarters(start, end)]
    selects = [
        Referral.objects.filter(authority=authority, **{f"{field}__range": (start, end)}, **extra)
        .annotate(event=Value(i, output_field=IntegerField()), quarter=TruncQuarter(field))
        .values("event", "quarter")
        .annotate(n=Count("pk"))
        .order_by()
        for i, (field, extra) in enumerate(QUARTER_EVENTS)
    ]
    rows = selects[0].union(*selects[1:], all=True)
    counts: dict[tuple[int, datetime.date], int] = {
        (r["event"], r["quarter"]): r["n"] for r in rows
    }
    return [
        QuarterFigures(
            quarter=quarter,
            partial=(first, last) != (quarter.start, quarter.end),
            new_referrals=counts.get((0, quarter.start), 0),
            referred_to_police=counts.get((1, quarter.start), 0),
            adopted=counts.get((2, quarter.start), 0),
            advice_provided=counts.get((3, quarter.start), 0),
        )
        for quarter, first, last in periods
    ]


# --------------------------------------------------------------------------------------
# Support delivery (report `channel-support`)


@dataclass(frozen=True)
class Lapse:
    """A spell with no delivered contact beyond the plan's interval plus the grace."""

    began_on: datetime.date  # the first day the case was lapsing
    days: int  # days lapsing: until the next delivered contact, exit or the end
    ongoing: bool  # still lapsing at the end of the period (or today)


def lapses_of(
    started_on: datetime.date,
    ended_on: datetime.date | None,
    interval_days: int,
    delivered: Sequence[datetime.date],
    until: datetime.date,
) -> list[Lapse]:
    """The lapses of one case's support from `started_on` to its exit (`ended_on`) or
    `until`: each gap between delivered contacts (or from the start of support) longer
    than the interval plus `LAPSING_GRACE_DAYS`, as the work queue raises them. A case is
    lapsing on the days after that allowance; the lapse ends on the next delivered
    contact."""
    allowed = interval_days + LAPSING_GRACE_DAYS
    stop = min(ended_on, until) if ended_on is not None else until
    anchor = started_on
    found = []
    for day in [*sorted(d for d in delivered if d <= stop), None]:
        boundary = day if day is not None else stop
        gap = (boundary - anchor).days
        if gap > allowed:
            found.append(
                Lapse(
                    began_on=anchor + datetime.timedelta(days=allowed + 1),
                    days=gap - allowed,
                    ongoing=day is None and (ended_on is None or ended_on > until),
                )
            )
        if day is not None:
            anchor = max(anchor, day)
    return found


def planned_contacts(
    started_on: datetime.date,
    interval_days: int,
    first: datetime.date,
    last: datetime.date,
) -> int:
    """Contacts a plan schedules from `first` to `last` inclusive: one every
    `interval_days` after support started (started_on + k x interval, k >= 1)."""
    if last < first or last < started_on:
        return 0
    before = max((first - started_on).days - 1, -1)
    return (last - started_on).days // interval_days - (
        before // interval_days if before >= 0 else 0
    )


@dataclass
class SupportFigures:
    """One row of the `channel-support` tables (a quarter, the total, or a kind)."""

    label: str
    cases_in_support: int = 0
    contacts_planned: int = 0
    contacts_delivered: int = 0
    not_attended: int = 0
    cancelled: int = 0
    cases_lapsed: int = 0
    lapses: int = 0
    lapse_days: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class SupportDelivery:
    quarters: list[SupportFigures]  # each financial quarter (clipped), then the total
    partial: list[bool]  # per quarter: the period covers only part of it
    total: SupportFigures
    by_intervention: list[SupportFigures]  # each enabled kind, then "No kind recorded"


NO_KIND = "No kind of support recorded"


def support_delivery(
    authority: Authority, start: datetime.date, end: datetime.date, today: datetime.date
) -> SupportDelivery:
    """Channel support delivered in the period, by financial quarter and by kind of
    intervention: cases in support (support started on or before the row's end and not
    ended before its start; a case counts in each row it overlaps, so rows do not add
    up), contacts planned (one every plan interval after support started), contacts
    delivered, not attended and cancelled (sessions dated in the row), and the lapses
    that began in the row, with how many days each lasted (to the next delivered
    contact, the exit, or the end of the period or today, whichever is first).

    Session counts are grouped in the database. Planned contacts and lapses are date
    arithmetic over each case's contact dates, done here for the cases in support in
    the period (tens per authority): date differences are not portable between SQLite
    and PostgreSQL. Four queries.
    """
    until = min(end, today)
    cases = list(
        Referral.objects.filter(
            authority=authority, support_started_on__isnull=False, support_started_on__lte=end
        )
        .filter(
            Q(left_channel_on__gte=start)
            | Q(left_channel_on__isnull=True, closed_on__isnull=True)
            | Q(left_channel_on__isnull=True, closed_on__gte=start)
        )
        .filter(support_plan__isnull=False)
        .select_related("support_plan")
        .prefetch_related("support_plan__interventions")
        .order_by("pk")
    )
    delivered: dict[int, list[datetime.date]] = {}
    for referral_id, day in SupportSession.objects.filter(
        plan__referral__in=[c.pk for c in cases],
        status=SessionStatus.DELIVERED,
        occurred_on__lte=end,
    ).values_list("plan__referral_id", "occurred_on"):
        delivered.setdefault(referral_id, []).append(day)

    sessions = SupportSession.objects.filter(
        authority=authority, occurred_on__range=(start, until)
    ).order_by()
    by_quarter_status = {
        (r["quarter"], r["status"]): r["n"]
        for r in sessions.annotate(quarter=TruncQuarter("occurred_on"))
        .values("quarter", "status")
        .annotate(n=Count("pk"))
    }
    by_kind_status: dict[tuple[str | None, str], int] = {
        (r["plan__interventions__label"], r["status"]): r["n"]
        for r in sessions.values("plan__interventions__label", "status").annotate(
            n=Count("pk", distinct=True)
        )
    }

    quarter_periods = [
        (q, max(q.start, start), min(q.end, end)) for q in financial_quarters(start, end)
    ]
    kinds = [k.label for k in InterventionKind.objects.filter(disabled_on__isnull=True)]
    kinds += [label for label, _ in by_kind_status if label is not None and label not in kinds]

    def row(
        label: str, first: datetime.date, last: datetime.date, chosen: list[Referral]
    ) -> SupportFigures:
        figures = SupportFigures(label=label)
        for case in chosen:
            plan = case.support_plan
            assert case.support_started_on is not None
            case_end = case.left_channel_on or case.closed_on
            if case.support_started_on > last or (case_end is not None and case_end < first):
                continue
            figures.cases_in_support += 1
            figures.contacts_planned += planned_contacts(
                case.support_started_on,
                plan.contact_interval_days,
                max(first, case.support_started_on),
                min(last, case_end or last, until),
            )
            began = [
                lapse
                for lapse in lapses_of(
                    case.support_started_on,
                    case_end,
                    plan.contact_interval_days,
                    delivered.get(case.pk, []),
                    until,
                )
                if first <= lapse.began_on <= last
            ]
            if began:
                figures.cases_lapsed += 1
                figures.lapses += len(began)
                figures.lapse_days += [lapse.days for lapse in began]
        return figures

    quarter_rows = []
    for quarter, first, last in quarter_periods:
        figures = row(quarter.label, first, last, cases)
        figures.contacts_delivered = by_quarter_status.get(
            (quarter.start, SessionStatus.DELIVERED), 0
        )
        figures.not_attended = by_quarter_status.get((quarter.start, SessionStatus.NOT_ATTENDED), 0)
        figures.cancelled = by_quarter_status.get((quarter.start, SessionStatus.CANCELLED), 0)
        quarter_rows.append(figures)
    total = row("Total", start, end, cases)
    total.contacts_delivered = sum(q.contacts_delivered for q in quarter_rows)
    total.not_attended = sum(q.not_attended for q in quarter_rows)
    total.cancelled = sum(q.cancelled for q in quarter_rows)

    def with_kind(label: str | None) -> list[Referral]:
        return [
            c
            for c in cases
            if (
                label in {k.label for k in c.support_plan.interventions.all()}
                if label is not None
                else not c.support_plan.interventions.all()
            )
        ]

    by_kind = []
    for label in [*kinds, None]:
        figures = row(label or NO_KIND, start, end, with_kind(label))
        figures.contacts_delivered = by_kind_status.get((label, SessionStatus.DELIVERED), 0)
        figures.not_attended = by_kind_status.get((label, SessionStatus.NOT_ATTENDED), 0)
        figures.cancelled = by_kind_status.get((label, SessionStatus.CANCELLED), 0)
        by_kind.append(figures)
    return SupportDelivery(
        quarters=quarter_rows,
        partial=[(first, last) != (q.start, q.end) for q, first, last in quarter_periods],
        total=total,
        by_intervention=by_kind,
    )


# --------------------------------------------------------------------------------------
# Channel panels


@dataclass(frozen=True)
class PanelFigures:
    panel: str
    meetings_held: int
    cases_discussed: int  # agenda items of those meetings with the panel's decision


@dataclass(frozen=True)
class AgencyAttendance:
    agency: str
    meetings_attended: int
    apologies: int  # meetings the agency sent apologies to (and nobody from it attended)


def _held(authority: Authority, start: datetime.date, end: datetime.date) -> Q:
    return Q(authority=authority, held_on__gte=start, held_on__lte=end, status=MeetingStatus.HELD)


def panels_held(
    authority: Authority, start: datetime.date, end: datetime.date
) -> list[PanelFigures]:
    """Meetings marked held with a date in the period, by panel (two queries)."""
    meetings = (
        PanelMeeting.objects.filter(_held(authority, start, end))
        .values("panel__name")
        .annotate(n=Count("pk"))
        .order_by("panel__name")
    )
    decided = (
        AgendaItem.objects.filter(
            meeting__in=PanelMeeting.objects.filter(_held(authority, start, end)),
            decision__isnull=False,
        )
        .values("meeting__panel__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    discussed = {r["meeting__panel__name"]: r["n"] for r in decided}
    return [
        PanelFigures(r["panel__name"], r["n"], discussed.get(r["panel__name"], 0)) for r in meetings
    ]


def meetings_held(authority: Authority, start: datetime.date, end: datetime.date) -> int:
    """Panel meetings marked held with a date in the period (one query)."""
    return PanelMeeting.objects.filter(_held(authority, start, end)).count()


def attendance_by_agency(
    authority: Authority, start: datetime.date, end: datetime.date
) -> list[AgencyAttendance]:
    """For each agency recorded at a meeting held in the period: the meetings someone from
    it attended, and those it only sent apologies to (one query)."""
    rows = (
        Attendance.objects.filter(
            meeting__in=PanelMeeting.objects.filter(_held(authority, start, end))
        )
        .values("agency")
        .annotate(
            attended=Count("meeting", filter=Q(attended=True), distinct=True),
            recorded=Count("meeting", distinct=True),
        )
        .order_by("agency")
    )
    return [
        AgencyAttendance(r["agency"], r["attended"], r["recorded"] - r["attended"]) for r in rows
    ]


# --------------------------------------------------------------------------------------
# Casework assurance: repeat referrals, onward referrals, days between stages


@dataclass(frozen=True)
class RepeatReferrals:
    """Of the referrals received in one quarter, those whose person had another referral
    in the `REPEAT_REFERRAL_MONTHS` before (this one included in the count), by how far
    each had gone by the end of the period."""

    quarter: Period
    partial: bool
    repeat_referrals: int
    not_for_channel_at_triage: int
    not_for_channel_at_gateway: int
    discussed_not_adopted: int
    adopted: int
    not_yet_decided: int


# The outcomes of `RepeatReferrals`, in pathway order: (field, label).
REPEAT_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("not_for_channel_at_triage", "Not for Channel at triage"),
    ("not_for_channel_at_gateway", "Not for Channel at the police gateway"),
    ("discussed_not_adopted", "Discussed at a panel, not adopted"),
    ("adopted", "Adopted as a Channel case"),
    ("not_yet_decided", "Not yet past triage, the gateway or the panel"),
)


def _repeat_outcome(row: Mapping[str, object], end: datetime.date) -> str:
    """How far a referral had gone by `end`, from its cached milestone dates."""

    def by_end(field: str) -> bool:
        day = row[field]
        return isinstance(day, datetime.date) and day <= end

    if by_end("adopted_on"):
        return "adopted"
    if by_end("discussed_at_panel_on"):
        return "discussed_not_adopted"
    if by_end("gateway_outcome_on") and row["gateway_outcome"] != GatewayOutcome.PANEL:
        return "not_for_channel_at_gateway"
    if by_end("triaged_on") and row["triage_outcome"] != TriageOutcome.POLICE:
        return "not_for_channel_at_triage"
    return "not_yet_decided"


def repeat_referrals(
    authority: Authority, start: datetime.date, end: datetime.date
) -> list[RepeatReferrals]:
    """For each financial quarter overlapping the period (clipped to it): the referrals
    received in it that are repeat referrals, and where each stood at the end of the
    period (one query).

    A referral is a repeat referral when its person has another referral received in the
    `settings.REPEAT_REFERRAL_MONTHS` calendar months up to its own date, as the
    "Referred N times" warning on the pages counts it, whatever the other referral's
    outcome. Calendar months cannot be added portably in SQL, so the one query reads the
    dates and milestones of the referrals of people referred more than once up to the end
    of the period, and the window is applied here; nothing else is read.
    """
    months = settings.REPEAT_REFERRAL_MONTHS
    referred_again = (
        Referral.objects.filter(authority=authority, received_on__lte=end)
        .values("person_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("person_id")
    )
    rows = list(
        Referral.objects.filter(
            authority=authority, received_on__lte=end, person_id__in=referred_again
        ).values(
            "pk",
            "person_id",
            "received_on",
            "triaged_on",
            "triage_outcome",
            "gateway_outcome",
            "gateway_outcome_on",
            "discussed_at_panel_on",
            "adopted_on",
        )
    )
    dates: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    for row in rows:
        dates[row["person_id"]].append((row["received_on"], row["pk"]))
    quarters = [(q, max(q.start, start), min(q.end, end)) for q in financial_quarters(start, end)]
    counts: dict[tuple[datetime.date, str], int] = defaultdict(int)
    for row in rows:
        day = row["received_on"]
        if not start <= day <= end:
            continue
        since = add_months(day, -months)
        if not any(
            since <= other <= day and pk != row["pk"] for other, pk in dates[row["person_id"]]
        ):
            continue
        quarter = next(q for q, first, last in quarters if first <= day <= last)
        counts[(quarter.start, _repeat_outcome(row, end))] += 1
    result = []
    for quarter, first, last in quarters:
        by_outcome = {key: counts[(quarter.start, key)] for key, _ in REPEAT_OUTCOMES}
        result.append(
            RepeatReferrals(
                quarter=quarter,
                partial=(first, last) != (quarter.start, quarter.end),
                repeat_referrals=sum(by_outcome.values()),
                **by_outcome,
            )
        )
    return result


@dataclass(frozen=True)
class OnwardReferrals:
    """Onward referrals made in one quarter (people found not for Channel but with other
    vulnerabilities, referred on to another service) and the services' answers by the end
    of the period."""

    quarter: Period
    partial: bool
    referred_on: int
    accepted: int
    declined: int
    awaiting: int  # no answer recorded by the end of the period


def onward_referrals(
    authority: Authority, start: datetime.date, end: datetime.date
) -> list[OnwardReferrals]:
    """For each financial quarter overlapping the period (clipped to it): the onward
    referrals made in it (`referred_on`), and of them those the service had accepted or
    declined by the end of the period, and those still awaiting an answer (one grouped
    query)."""
    answered_by_end = Q(responded_on__isnull=False, responded_on__lte=end)
    rows = (
        OnwardReferral.objects.filter(authority=authority, referred_on__range=(start, end))
        .annotate(quarter=TruncQuarter("referred_on"))
        .values("quarter")
        .annotate(
            n=Count("pk"),
            accepted=Count("pk", filter=answered_by_end & Q(response=OnwardResponse.ACCEPTED)),
            declined=Count("pk", filter=answered_by_end & Q(response=OnwardResponse.DECLINED)),
        )
        .order_by()
    )
    by_quarter = {r["quarter"]: r for r in rows}
    result = []
    for quarter in financial_quarters(start, end):
        first, last = max(quarter.start, start), min(quarter.end, end)
        found = by_quarter.get(quarter.start, {"n": 0, "accepted": 0, "declined": 0})
        result.append(
            OnwardReferrals(
                quarter=quarter,
                partial=(first, last) != (quarter.start, quarter.end),
                referred_on=found["n"],
                accepted=found["accepted"],
                declined=found["declined"],
                awaiting=found["n"] - found["accepted"] - found["declined"],
            )
        )
    return result


@dataclass(frozen=True)
class Interval:
    """The days between two stages for the intervals ending in one period: how many, their
    median and their 90th percentile (None when there are none)."""

    count: int
    median: int | None
    p90: int | None


def nearest_rank(days: Sequence[int], percent: int) -> int | None:
    """The `percent`-th percentile by the nearest-rank method: the smallest value with at
    least `percent`% of the values at or below it (so always one of the values, a whole
    number of days). None for no values."""
    if not days:
        return None
    ordered = sorted(days)
    rank = max(1, -(-percent * len(ordered) // 100))  # ceil(percent * n / 100)
    return ordered[rank - 1]


def interval_of(days: Sequence[int]) -> Interval:
    return Interval(len(days), nearest_rank(days, 50), nearest_rank(days, 90))


@dataclass(frozen=True)
class StageInterval:
    """One measured interval: its id, its label, and its figures by quarter and overall."""

    id: str
    label: str
    by_quarter: list[tuple[Period, bool, Interval]]  # (quarter, partial, figures)
    overall: Interval


# (id, label, the referral's start date field, its end date fields (the first set), any
# other condition). Each interval is counted in the quarter of its end date.
REFERRAL_INTERVALS: tuple[tuple[str, str, str, tuple[str, ...], Q], ...] = (
    ("receipt_to_triage", "Receipt to triage", "received_on", ("triaged_on",), Q()),
    (
        "triage_to_gateway",
        "Triage to the police gateway's outcome",
        "triaged_on",
        ("gateway_outcome_on",),
        Q(),
    ),
    (
        "gateway_to_panel",
        "Gateway outcome to first discussion at a panel",
        "gateway_outcome_on",
        ("discussed_at_panel_on",),
        Q(gateway_outcome=GatewayOutcome.PANEL),
    ),
    (
        "panel_to_decision",
        "First discussion at a panel to the decision to adopt or not",
        "discussed_at_panel_on",
        ("adopted_on", "not_adopted_on"),
        Q(),
    ),
)


def _by_quarter(
    pairs: Sequence[tuple[datetime.date, int]], start: datetime.date, end: datetime.date
) -> tuple[list[tuple[Period, bool, Interval]], Interval]:
    result = []
    for quarter in financial_quarters(start, end):
        first, last = max(quarter.start, start), min(quarter.end, end)
        days = [d for day, d in pairs if first <= day <= last]
        result.append((quarter, (first, last) != (quarter.start, quarter.end), interval_of(days)))
    return result, interval_of([d for _, d in pairs])


def days_between_stages(
    authority: Authority, start: datetime.date, end: datetime.date
) -> list[StageInterval]:
    """The days between stages, for the intervals that ended in the period, by the quarter
    they ended in: receipt to triage, triage to the gateway's outcome, the gateway's
    outcome (for Channel panel) to the first panel discussion, the first discussion to the
    decision (to adopt or not to adopt), and leaving Channel to each kind of post-exit
    review held. One query per interval.

    Each query reads only the interval's end date and its length in days; medians and
    percentiles are worked out here because SQLite has no percentile function. An
    interval whose dates run backwards (which the services refuse) is left out.
    """
    found: list[StageInterval] = []
    for interval_id, label, from_field, to_fields, extra in REFERRAL_INTERVALS:
        ended = Coalesce(*to_fields) if len(to_fields) > 1 else F(to_fields[0])
        pairs = [
            (to_day, (to_day - from_day).days)
            for from_day, to_day in Referral.objects.filter(
                extra, authority=authority, **{f"{from_field}__isnull": False}
            )
            .annotate(ended_on=ended)
            .filter(ended_on__range=(start, end))
            .values_list(from_field, "ended_on")
            if to_day >= from_day
        ]
        by_quarter, overall = _by_quarter(pairs, start, end)
        found.append(StageInterval(interval_id, label, by_quarter, overall))
    reviews: dict[str, list[tuple[datetime.date, int]]] = defaultdict(list)
    for kind, held_on, left_on in Review.objects.filter(
        authority=authority, held_on__range=(start, end), referral__left_channel_on__isnull=False
    ).values_list("kind", "held_on", "referral__left_channel_on"):
        if held_on is not None and left_on is not None and held_on >= left_on:
            reviews[kind].append((held_on, (held_on - left_on).days))
    for kind in ReviewKind:
        by_quarter, overall = _by_quarter(reviews[kind.value], start, end)
        found.append(
            StageInterval(
                f"exit_to_review_{kind.value}", f"Exit to the {kind.label}", by_quarter, overall
            )
        )
    return found
