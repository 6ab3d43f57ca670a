"""Casework metrics with known inputs: what each counts, what it leaves out, its unknowns,
and how many queries it takes."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest

from dueregard.casework import metrics, services
from dueregard.casework.imports import ALL_COLUMNS, import_referrals
from dueregard.casework.models import PanelDecision, Sector
from dueregard.casework.services import Attendee
from dueregard.casework.tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
FY = (D(2019, 4, 1), D(2020, 3, 31))


def load(world: Any, rows: list[dict[str, str]], authority: Any = None) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ALL_COLUMNS, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    import_referrals(
        out.getvalue().encode(),
        authority=authority or world.authority,
        acting_user=world["coordinator"],
        filename="known.csv",
    )


def referral(ref: str, received: str, **cells: str) -> dict[str, str]:
    return {"reference": ref, "received_on": received, **cells}


def police(ref: str, received: str, police_on: str, **cells: str) -> dict[str, str]:
    return referral(
        ref, received, triage_outcome="Referred to police", referred_to_police_on=police_on, **cells
    )


def case(
    ref: str,
    received: str,
    adopted: str,
    *,
    left: str = "",
    **cells: str,
) -> dict[str, str]:
    return police(
        ref,
        received,
        received,
        gateway_outcome="For Channel panel",
        discussed_at_panel_on=adopted,
        adopted_on=adopted,
        left_channel_on=left,
        exit_reason="Other" if left else "",
        **cells,
    )


@pytest.fixture
def other_authority_noise(world) -> None:
    """Referrals of another authority, in the same period: never counted for ours."""
    load(
        world,
        [case(f"O{i}", "2019-06-03", "2019-07-01", concern="Islamist") for i in range(3)],
        authority=world.other_authority,
    )


# --------------------------------------------------------------------------------------
# The journey


def test_the_journey_follows_the_referrals_received_to_the_end_of_the_period(
    world, other_authority_noise, django_assert_num_queries
) -> None:
    load(
        world,
        [
            referral("J1", "2019-04-01"),  # not triaged
            referral("J2", "2019-05-01", triage_outcome="Advice provided"),
            police("J3", "2019-06-01", "2019-06-03"),
            police("J4", "2020-03-30", "2020-04-02"),  # referred to police after the end
            case("J5", "2019-07-01", "2019-08-01"),
            case("J6", "2019-07-01", "2019-08-01", left="2020-03-31"),
            case("J7", "2019-09-01", "2019-10-01", left="2020-04-01"),  # left after the end
            case("J8", "2020-03-01", "2020-05-01"),  # discussed and adopted after the end
            case("B1", "2019-03-31", "2019-05-01"),  # received before the period
            referral("A1", "2020-04-01"),  # received after the period
        ],
    )
    with django_assert_num_queries(1):
        journey = metrics.journey(world.authority, *FY)
    assert journey == metrics.Journey(
        received=8,
        referred_to_police=5,  # J3, J5, J6, J7, J8 and not J4
        discussed_at_panel=3,
        adopted=3,
        left_channel=1,
        awaiting_triage=2,  # J1, and J4 (triaged when referred to police, in April)
    )


# --------------------------------------------------------------------------------------
# Quarter by quarter


def test_quarters_count_the_events_dated_in_each(world, django_assert_num_queries) -> None:
    load(
        world,
        [
            referral("Q1", "2019-06-28", triage_outcome="Advice provided"),
            police("Q2", "2019-06-28", "2019-07-02"),  # received in Q1, referred in Q2
            case("Q3", "2019-05-06", "2019-07-10"),  # adopted in Q2
            referral("Q4", "2019-08-01", triage_outcome="Signposted to other services"),
            referral("Q5", "2019-08-02", triage_outcome="Advice provided"),
            referral("Q6", "2019-10-15"),
        ],
    )
    with django_assert_num_queries(1):
        rows = metrics.quarters(world.authority, D(2019, 5, 1), D(2019, 10, 31))
    assert [(q.quarter.label, q.partial) for q in rows] == [
        ("Q1 2019/20", True),
        ("Q2 2019/20", False),
        ("Q3 2019/20", True),
    ]
    figures = [(q.new_referrals, q.referred_to_police, q.adopted, q.advice_provided) for q in rows]
    assert figures == [(3, 1, 0, 1), (2, 1, 1, 1), (1, 0, 0, 0)]


def test_a_ten_year_period_is_still_one_query(world, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        rows = metrics.quarters(world.authority, D(2010, 4, 1), D(2020, 3, 31))
    assert len(rows) == 40 and rows[0].quarter.label == "Q1 2010/11"


# --------------------------------------------------------------------------------------
# Who was referred


def test_sectors_are_all_listed_with_the_unknown_apart(
    world, other_authority_noise, django_assert_num_queries
) -> None:
    Sector.objects.filter(code="prison").update(disabled_on=D(2018, 1, 1))
    load(
        world,
        [
            referral("S1", "2019-05-01", sector="Education"),
            referral("S2", "2019-05-02", sector="education"),
            referral("S3", "2019-05-03", sector="Police"),
            referral("S4", "2019-05-04"),
            referral("S5", "2019-05-05", sector="Probation"),
        ],
    )
    with django_assert_num_queries(2):
        sectors = metrics.by_sector(world.authority, *FY)
    assert sectors.count("Education") == 2 and sectors.count("Police") == 1
    assert sectors.not_known == 1 and sectors.known == 4
    labels = [label for label, _ in sectors.groups]
    assert labels[:2] == ["Education", "Police"] and "Prison" not in labels  # disabled, unused
    assert len(labels) == 8 and sectors.count("Health") == 0


def test_concerns_merge_the_same_label_across_code_lists(world, django_assert_num_queries) -> None:
    load(
        world,
        [
            referral("C1", "2021-03-30", concern="Islamist"),  # 2017 list
            referral("C2", "2021-04-02", concern="Islamist"),  # 2021 list
            referral("C3", "2021-04-03", concern="Incel"),
            referral("C4", "2021-04-04", concern="Mixed, Unclear or Unstable"),
            referral("C5", "2021-04-05"),
        ],
    )
    with django_assert_num_queries(2):
        concerns = metrics.by_concern(world.authority, D(2021, 3, 1), D(2021, 4, 30))
    assert concerns.count("Islamist") == 2
    assert concerns.count("Incel") == 1
    assert concerns.not_known == 1 and concerns.known == 4
    labels = [label for label, _ in concerns.groups]
    assert labels.count("Islamist") == 1
    assert labels[0] == "Islamist" and "School Massacre" in labels  # the 2021 list, with zeros


def test_gender_and_not_known(world, django_assert_num_queries) -> None:
    load(
        world,
        [
            referral("G1", "2019-05-01", gender="Male"),
            referral("G2", "2019-05-01", gender="male"),
            referral("G3", "2019-05-01", gender="Female"),
            referral("G4", "2019-05-01", gender="Other"),
            referral("G5", "2019-05-01"),
        ],
    )
    with django_assert_num_queries(1):
        genders = metrics.by_gender(world.authority, *FY)
    assert genders.groups == (("Male", 2), ("Female", 1), ("Other", 1))
    assert genders.not_known == 1


def test_age_bands_at_their_edges(world, django_assert_num_queries) -> None:
    ages = ["0", "10", "11", "15", "16", "17", "18", "20", "21", "30", "31", "60", "61", "120", ""]
    load(world, [referral(f"A{i}", "2019-05-01", age=a) for i, a in enumerate(ages)])
    with django_assert_num_queries(1):
        bands = metrics.by_age_band(world.authority, *FY)
    assert bands.groups == (
        ("10 or under", 2),
        ("11-15", 2),
        ("16-17", 2),
        ("18-20", 2),
        ("21-30", 2),
        ("31-40", 1),
        ("41-50", 0),
        ("51-60", 1),
        ("61 and over", 2),
    )
    assert bands.not_known == 1 and bands.total == 15


# --------------------------------------------------------------------------------------
# Channel cases


def test_channel_cases_are_those_adopted_in_the_period(world, django_assert_num_queries) -> None:
    load(
        world,
        [
            case(
                "V1",
                "2019-03-01",
                "2019-04-10",
                concern="Islamist",
                vulnerabilities="Mental health;Domestic abuse",
            ),
            case(
                "V2",
                "2019-05-01",
                "2019-06-10",
                concern="Islamist",
                vulnerabilities="Mental health",
            ),
            case("V3", "2019-05-01", "2019-06-10", concern="Extreme Right-Wing"),
            case("V4", "2019-05-01", "2019-06-10"),
            case(
                "V5",
                "2020-02-01",
                "2020-04-10",
                concern="Islamist",
                vulnerabilities="Mental health",
            ),  # adopted after the period
            police(
                "V6",
                "2019-05-01",
                "2019-05-02",
                concern="Islamist",
                vulnerabilities="Mental health",
            ),  # never adopted
        ],
    )
    with django_assert_num_queries(2):
        by_concern = metrics.adopted_by_concern(world.authority, *FY)
    assert (by_concern.count("Islamist"), by_concern.count("Extreme Right-Wing")) == (2, 1)
    assert by_concern.not_known == 1 and by_concern.total == 4
    with django_assert_num_queries(3):
        shares = metrics.vulnerabilities_of_adopted(world.authority, *FY)
    assert shares.cases == 4 and shares.none_recorded == 2
    assert shares.count("Mental health") == 2 and shares.count("Domestic abuse") == 1
    assert shares.count("Bullying") == 0 and "Bullying" in dict(shares.groups)


# --------------------------------------------------------------------------------------
# Panels


def test_panels_held_and_attendance_by_agency(world, django_assert_num_queries) -> None:
    lead = world["coordinator"]
    north = factories.make_panel(world.authority, lead, name="North")
    south = factories.make_panel(world.authority, lead, name="South")
    theirs = factories.make_panel(world.other_authority, world["other_coordinator"], name="North")
    referral_ = factories.to_panel(
        factories.make_referral(world.authority, lead, received_on=D(2019, 4, 2)), lead
    )

    def held(panel: Any, day: datetime.date, attendees: list[Attendee], user: Any = lead) -> Any:
        meeting = services.schedule_meeting(panel, held_on=day, acting_user=user)
        services.record_attendance(meeting, attendees=attendees, acting_user=user)
        return meeting

    police_, health = "Counter Terrorism Policing", "Mental health trust"
    first = held(
        north,
        D(2019, 5, 1),
        [Attendee("A", police_), Attendee("B", police_), Attendee("C", health, attended=False)],
    )
    item = services.add_to_agenda(first, referral_, acting_user=lead)
    services.record_discussion(
        item,
        discussion="Discussed (test).",
        decision=PanelDecision.DEFER,
        decision_reason="More information needed.",
        acting_user=lead,
    )
    services.complete_meeting(first, acting_user=lead)
    services.complete_meeting(held(north, D(2019, 6, 1), [Attendee("D", health)]), acting_user=lead)
    services.complete_meeting(
        held(south, D(2019, 6, 5), [Attendee("E", police_)]), acting_user=lead
    )
    held(south, D(2019, 7, 5), [Attendee("F", police_)])  # never marked held
    services.complete_meeting(
        held(north, D(2020, 4, 1), [Attendee("G", police_)]), acting_user=lead
    )
    services.complete_meeting(
        held(theirs, D(2019, 6, 1), [Attendee("H", police_)], world["other_coordinator"]),
        acting_user=world["other_coordinator"],
    )
    with django_assert_num_queries(2):
        panels = metrics.panels_held(world.authority, *FY)
    assert panels == [metrics.PanelFigures("North", 2, 1), metrics.PanelFigures("South", 1, 0)]
    with django_assert_num_queries(1):
        assert metrics.meetings_held(world.authority, *FY) == 3
    with django_assert_num_queries(1):
        attendance = metrics.attendance_by_agency(world.authority, *FY)
    assert attendance == [
        metrics.AgencyAttendance(police_, 2, 0),  # two officers at one meeting count once
        metrics.AgencyAttendance(health, 1, 1),
    ]
