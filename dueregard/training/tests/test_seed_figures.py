"""The seed reports' training tables, reproduced from records through `report training`.

Every figure is read from the JSON of `manage.py report training`. The figures are the
published aggregates of three council committee reports
(/work/shared/seeds/000, 002 and 004); the organisations are renamed ("Trust A") and
every person is fictional. Records are loaded the way a council would load them: the
headcount snapshots from a CSV fixture and the sessions and feedback forms from CSV
files written here from the tables' own figures, all through `manage.py import_training`.

The seeds print whole percentages; the report gives one decimal (rounded half up), so
each assertion states our figure and the seed's. Where a seed's rounding or arithmetic
differs, the test says which figure is right.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from dueregard.areas.models import Authority, Region
from dueregard.training import services
from dueregard.training.models import Organisation, TrainingLevel

FIXTURES = Path(__file__).parent / "fixtures"
D = datetime.date


def whole(part: int, of: int) -> int:
    """`part` of `of` as a whole percentage rounded half up, as the seeds print it.

    Computed from the counts, not from our one-decimal figure: rounding twice would turn
    85.45% into 85.5 and then 86.
    """
    return int((Decimal(part) * 100 / Decimal(of)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rows_by(table: JsonTable, *keys: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {tuple(row[k] for k in keys): row for row in table.rows}


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def borough(db: Any) -> Authority:
    return Authority.objects.create(ons_code="E09999811", name="Seedborough", region=Region.LONDON)


def import_file(kind: str, path: Path, authority: Authority) -> None:
    call_command("import_training", kind, str(path), "--authority", authority.ons_code)


# The council's WRAP programme behind seed 002 Tables 6, 7 and 9 and seed 004 Table 5 ---------

CHILDREN = "Council children's services"
ADULTS = "Council adults' services"
MIXED = "Council (mixed departments)"
PREVENT_TEAM = "Council Prevent team"
COORDINATOR = "Jordan Vale"  # the fictional Prevent coordinator
ADULTS_TRAINER = "Sam Ortiz"
# Children's services' eight trainers and the WRAP sessions each delivered by 1 Oct 2018:
# two delivered two or more (Table 7: 25%).
CHILDREN_TRAINERS = {
    "Ali Brook": 5,
    "Bea Carr": 3,
    "Cal Dunn": 1,
    "Dee Ellis": 1,
    "Eli Ford": 1,
    "Fay Grant": 1,
    "Gus Hale": 0,
    "Ivy Jones": 0,
}


def wrap_sessions() -> list[list[Any]]:
    """Sessions from 1 Nov 2017 (the programme's launch).

    To 1 Oct 2018 (seed 002 Table 6): children's services 21 sessions, 210 trained;
    adults' services 28 sessions, 251 trained; and (§1.5.4) 5 sessions to mixed
    departments, 71 trained. To 1 Jan 2019 (seed 004 Table 5): children's services
    6 more sessions, 18 more trained (27 and 228).
    """
    rows: list[list[Any]] = []
    day = D(2017, 11, 6)

    def add(organisation: str, attendees: int, trainer: str, when: datetime.date) -> None:
        reference = f"W{len(rows) + 1:03d}"
        rows.append(
            [
                reference,
                when.isoformat(),
                "WRAP workshop",
                organisation,
                attendees,
                trainer,
                "Town Hall, Room 2",
            ]
        )

    children_trainers = [name for name, n in CHILDREN_TRAINERS.items() for _ in range(n)]
    for n in range(21):  # 12 by the department's own trainers, 9 by the coordinator
        trainer = children_trainers[n] if n < len(children_trainers) else COORDINATOR
        add(CHILDREN, 10, trainer, day + datetime.timedelta(days=10 * n))
    for n in range(28):  # 27 of 9 and one of 8 = 251; 8 by the department's trainer
        add(
            ADULTS,
            9 if n else 8,
            ADULTS_TRAINER if n < 8 else COORDINATOR,
            day + datetime.timedelta(days=10 * n + 3),
        )
    for n, attendees in enumerate([14, 14, 14, 14, 15]):
        add(MIXED, attendees, COORDINATOR, D(2018, 1, 15) + datetime.timedelta(days=30 * n))
    for n in range(6):  # after 1 Oct 2018
        add(CHILDREN, 3, COORDINATOR, D(2018, 10, 15) + datetime.timedelta(days=10 * n))
    return rows


QUESTIONS = ["understanding", "noticing", "confidence", "fit"]


def feedback_forms(sessions: list[list[Any]]) -> list[list[Any]]:
    """403 forms (seed 002 §1.5.5-1.5.7 and Tables 7 and 9).

    Adults' services returned 248 of 251 (three sessions one short), children's services
    152 of 210 (sixteen sessions 7 forms, five sessions 8), mixed departments 3.
    Table 9 gives only the after-session shares and the rise in percentage points, so the
    before-session counts are chosen to match: understanding of Prevent 101 of 403 good
    or excellent before (25.1%, +61.0 points to 86.1%), noticing concerns 89 of 403
    before (22.1%, +64.0 points to 86.1%).
    """
    per_session: list[tuple[str, int]] = []
    children = adults = 0
    for reference, when, _, organisation, attendees, *_ in sessions:
        if when > "2018-10-01":
            continue
        if organisation == ADULTS:
            forms = attendees - 1 if adults < 3 else attendees
            adults += 1
        elif organisation == CHILDREN:
            forms = 7 if children < 16 else 8
            children += 1
        else:
            forms = 3 if reference == "W050" else 0
        per_session += [(reference, forms)]
    rows = []
    i = 0
    for reference, forms in per_session:
        for _ in range(forms):
            rows.append(
                [
                    reference,
                    "Good" if i < 101 else "Poor",  # understanding before
                    "Good" if i < 347 else "Fair",  # understanding after
                    "Excellent" if i < 89 else "Fair",  # noticing before
                    "Excellent" if i < 347 else "Fair",  # noticing after
                    "Good" if i < 302 else "Fair",  # confidence after
                    "Excellent" if i < 375 else "Poor",  # fit after
                    "Yes" if i < 65 else "No",  # support on sharing concerns
                    "Yes" if i < 77 else "No",  # support on noticing concerns
                    "More on online radicalisation" if i % 50 == 0 else "",
                ]
            )
            i += 1
    assert i == 403
    return rows


@pytest.fixture
def wrap_programme(borough: Authority, tmp_path: Path) -> Authority:
    import_file("snapshots", FIXTURES / "seed004_snapshots.csv", borough)
    wrap = TrainingLevel.objects.get(authority=borough, code="wrap")
    team = services.create_organisation(borough, name=PREVENT_TEAM, acting_user=None)
    services.create_trainer(
        borough, name=COORDINATOR, organisation=team, accredited_level=wrap, acting_user=None
    )
    adults = Organisation.objects.get(authority=borough, name=ADULTS)
    children = Organisation.objects.get(authority=borough, name=CHILDREN)
    services.create_trainer(
        borough, name=ADULTS_TRAINER, organisation=adults, accredited_level=wrap, acting_user=None
    )
    for name in CHILDREN_TRAINERS:
        services.create_trainer(
            borough, name=name, organisation=children, accredited_level=wrap, acting_user=None
        )
    # The council's own target is 90% (seed 002 §1.5.2); the trusts keep NHS England's 85%.
    for organisation in (adults, children):
        services.set_requirement(organisation, wrap, target=Decimal(90), acting_user=None)
    services.record_snapshot(
        adults, wrap, as_of=D(2018, 9, 30), eligible=290, compliant=251, acting_user=None
    )
    services.record_snapshot(
        children, wrap, as_of=D(2018, 9, 30), eligible=462, compliant=210, acting_user=None
    )
    sessions = wrap_sessions()
    import_file(
        "sessions",
        write_csv(
            tmp_path / "sessions.csv",
            ["reference", "date", "course", "organisation", "attendees", "trainer", "venue"],
            sessions,
        ),
        borough,
    )
    columns = [
        "session",
        "understanding_before",
        "understanding_after",
        "noticing_before",
        "noticing_after",
        "confidence_after",
        "fit_after",
        "support_sharing",
        "support_noticing",
        "needs",
    ]
    import_file(
        "evaluations", write_csv(tmp_path / "forms.csv", columns, feedback_forms(sessions)), borough
    )
    return borough


@dataclass
class JsonTable:
    rows: list[dict[str, Any]]
    denominator_value: Any


@dataclass
class JsonReport:
    data: dict[str, Any]

    def table(self, table_id: str) -> JsonTable:
        found = next(t for t in self.data["tables"] if t["id"] == table_id)
        return JsonTable(found["rows"], found["denominator"]["value"])


def report(authority: Authority, start: datetime.date, end: datetime.date) -> JsonReport:
    """`manage.py report training --format json`, as a council's analyst would run it."""
    out = io.StringIO()
    call_command(
        "report", "training", "--authority", authority.ons_code, "--from", start.isoformat(),
        "--to", end.isoformat(), "--format", "json", stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["report"] == "training" and data["authority"] == authority.ons_code
    return JsonReport(data)


def test_seed_004_tables_1_to_4_nhs_trusts_compliance_against_85_percent(
    wrap_programme: Authority,
) -> None:
    rows = rows_by(
        report(wrap_programme, D(2018, 1, 1), D(2018, 12, 31)).table("compliance"),
        "label",
        "level",
        "as_of",
    )
    wrap, basic = "WRAP / level 3", "Basic Prevent awareness"
    # (organisation, level, date): (eligible, compliant, our %, the seed's %, meets 85%)
    expected = {
        # Table 1: Trust A (mental health), WRAP
        ("Trust A (mental health)", wrap, "2018-06-30"): (480, 422, 87.9, 88, True),
        ("Trust A (mental health)", wrap, "2018-09-30"): (479, 402, 83.9, 84, False),
        ("Trust A (mental health)", wrap, "2018-12-31"): (482, 400, 83.0, 83, False),
        # Table 2: Trust B (community health), WRAP by quarter; "does not meet" = 41, 41, 36
        ("Trust B (community health)", wrap, "2018-06-30"): (536, 495, 92.4, 92, True),
        ("Trust B (community health)", wrap, "2018-09-30"): (539, 498, 92.4, 92, True),
        ("Trust B (community health)", wrap, "2018-12-31"): (532, 496, 93.2, 93, True),
        # Table 3: Trust C (acute), basic awareness. March 2018 is 84.7%: the seed's "85"
        # is rounded, and the trust had not yet met the 85% target.
        ("Trust C (acute hospital)", basic, "2018-03-31"): (11944, 10119, 84.7, 85, False),
        ("Trust C (acute hospital)", basic, "2018-06-30"): (11988, 10201, 85.1, 85, True),
        ("Trust C (acute hospital)", basic, "2018-09-30"): (11412, 9729, 85.3, 85, True),
        ("Trust C (acute hospital)", basic, "2018-12-31"): (11900, 10169, 85.5, 85, True),
        # Table 4: Trust C, WRAP
        ("Trust C (acute hospital)", wrap, "2018-03-31"): (1162, 880, 75.7, 76, False),
        ("Trust C (acute hospital)", wrap, "2018-06-30"): (1161, 928, 79.9, 80, False),
        ("Trust C (acute hospital)", wrap, "2018-09-30"): (1138, 927, 81.5, 81, False),
        ("Trust C (acute hospital)", wrap, "2018-12-31"): (1201, 1007, 83.8, 84, False),
    }
    for key, (eligible, compliant, ours, seed, meets) in expected.items():
        row = rows[key]
        assert (row["eligible"], row["compliant"]) == (eligible, compliant), key
        assert row["not_compliant"] == eligible - compliant
        assert row["percent_compliant"] == ours, key
        assert whole(compliant, eligible) == seed, key
        assert row["target"] == 85.0
        assert row["meets_target"] is meets, key
    # Two whole figures look odd beside ours but are right: Table 4, September 2018 is
    # 81.46% (seed 81, ours 81.5) and Table 3, December 2018 is 85.45% (seed 85, ours 85.5).
    # Trust B's "does not meet requirement" column
    assert [
        rows[("Trust B (community health)", wrap, d)]["not_compliant"]
        for d in ("2018-06-30", "2018-09-30", "2018-12-31")
    ] == [41, 41, 36]


def test_seed_004_table_5_wrap_delivered_to_council_staff(wrap_programme: Authority) -> None:
    """1 Nov 2017 to 1 Jan 2019: children's 462 / 228 / 27, adults' 290 / 251 / 28."""
    rows = rows_by(
        report(wrap_programme, D(2017, 11, 1), D(2019, 1, 1)).table("delivery_by_organisation"),
        "label",
    )
    children, adults = rows[(CHILDREN,)], rows[(ADULTS,)]
    assert (
        children["staff_requiring_training"],
        children["staff_trained"],
        children["sessions_delivered"],
    ) == (462, 228, 27)
    assert (
        adults["staff_requiring_training"],
        adults["staff_trained"],
        adults["sessions_delivered"],
    ) == (290, 251, 28)
    assert children["percent_trained"] == 49.4  # not printed by the seed: 228 / 462
    assert adults["percent_trained"] == 86.6


def test_seed_002_tables_6_and_7_delivery_trainers_and_feedback(
    wrap_programme: Authority,
) -> None:
    built = report(wrap_programme, D(2017, 11, 1), D(2018, 10, 1))
    delivery = rows_by(built.table("delivery_by_organisation"), "label")
    # Table 6
    assert (
        delivery[(CHILDREN,)]["staff_requiring_training"],
        delivery[(CHILDREN,)]["staff_trained"],
        delivery[(CHILDREN,)]["sessions_delivered"],
    ) == (462, 210, 21)
    assert (
        delivery[(ADULTS,)]["staff_requiring_training"],
        delivery[(ADULTS,)]["staff_trained"],
        delivery[(ADULTS,)]["sessions_delivered"],
    ) == (290, 251, 28)
    # §1.5.4: five sessions to mixed departments, 71 trained
    assert (delivery[(MIXED,)]["staff_trained"], delivery[(MIXED,)]["sessions_delivered"]) == (
        71,
        5,
    )

    trainers = rows_by(built.table("trainers"), "label", "level")
    adults = trainers[(ADULTS, "WRAP / level 3")]
    children = trainers[(CHILDREN, "WRAP / level 3")]
    # Table 7, adults & communities: 1 trainer; 100% delivered 2 or more; 87% of the target
    # workforce trained (251 / 290 = 86.55%, 86.6 to one decimal); forms 248/251 = 99%.
    assert (adults["trainers"], adults["trainers_two_or_more"]) == (1, 1)
    assert adults["percent_two_or_more"] == 100.0
    assert adults["percent_workforce_trained"] == 86.6 and whole(251, 290) == 87
    assert (adults["evaluation_forms_returned"], adults["staff_trained"]) == (248, 251)
    assert adults["percent_evaluation_forms"] == 98.8 and whole(248, 251) == 99
    # Table 7, family services: 8 trainers, 25% delivered 2 or more; 45% of the target
    # workforce (210 / 462 = 45.45%: the seed's whole 45 is right; to one decimal 45.5);
    # forms 152/210 = 72%.
    assert (children["trainers"], children["trainers_two_or_more"]) == (8, 2)
    assert children["percent_two_or_more"] == 25.0
    assert children["percent_workforce_trained"] == 45.5 and whole(210, 462) == 45
    assert (children["evaluation_forms_returned"], children["staff_trained"]) == (152, 210)
    assert children["percent_evaluation_forms"] == 72.4 and whole(152, 210) == 72
    # The Prevent team's coordinator trains everyone else: a row of its own.
    team = trainers[(PREVENT_TEAM, "WRAP / level 3")]
    assert (team["trainers"], team["trainers_two_or_more"], team["staff_trained"]) == (1, 1, 0)


def test_seed_002_table_9_feedback_before_and_after(wrap_programme: Authority) -> None:
    built = report(wrap_programme, D(2017, 11, 1), D(2018, 10, 1))
    by_start = {row["label"]: row for row in built.table("evaluation").rows}
    assert built.table("evaluation").denominator_value == 403
    understanding = by_start["Your understanding of Prevent"]
    # Finding 2: 86% (347/403) good or excellent after; "an increase of 61%" (points)
    assert (understanding["good_after"], understanding["answered_after"]) == (347, 403)
    assert understanding["percent_good_after"] == 86.1 and whole(347, 403) == 86
    assert understanding["percent_good_before"] == 25.1
    assert understanding["change_points"] == 61.0
    noticing = next(r for label, r in by_start.items() if "notice concerns" in label)
    # Finding 3: 86% (347/403) after; "an increase of 64%"
    assert noticing["percent_good_after"] == 86.1
    assert noticing["change_points"] == 64.0
    confidence = next(r for label, r in by_start.items() if "confidence" in label)
    # Finding 4: 75% (302/403) = 74.9%; asked only after, so no before figure or change
    assert (confidence["good_after"], confidence["percent_good_after"]) == (302, 74.9)
    assert whole(302, 403) == 75
    assert confidence["answered_before"] == 0 and confidence["change_points"] is None
    fit = next(r for label, r in by_start.items() if "fits into" in label)
    # Finding 5: 93% (375/403) = 93.1% (93.05 rounded half up)
    assert (fit["good_after"], fit["percent_good_after"]) == (375, 93.1)
    assert whole(375, 403) == 93
    assert len(by_start) == 4  # the yes/no questions are in evaluation_needs
    # Finding 1: 16% (65/403) to 19% (77/403) need further training or support
    needs = {row["label"]: row for row in built.table("evaluation_needs").rows}
    sharing = needs["Do you need further training or support on sharing concerns?"]
    noticing_support = needs["Do you need further training or support on noticing concerns?"]
    assert (sharing["yes"], sharing["answered"], sharing["percent_yes"]) == (65, 403, 16.1)
    assert (noticing_support["yes"], noticing_support["percent_yes"]) == (77, 19.1)
    assert (whole(65, 403), whole(77, 403)) == (16, 19)
    returns = built.table("evaluation_returns").rows[0]
    # 403 forms from 251 + 210 + 71 = 532 attendees
    assert (returns["forms_returned"], returns["attendees"], returns["percent_returned"]) == (
        403,
        532,
        75.8,
    )


def test_seed_000_reach_workshops_professionals_pupils_and_parents(
    borough: Authority, tmp_path: Path
) -> None:
    """2021/22 (seed 000 §1.22, §1.28): 47 workshops to 1,263 professionals; 3,300 pupils
    and 223 parents in resilience and online-safety sessions."""
    rows: list[list[Any]] = []
    day = D(2021, 4, 12)
    for n in range(47):
        rows.append(
            [
                day + datetime.timedelta(days=7 * n),
                "Prevent awareness briefing",
                "",
                "Schools (staff)" if n % 2 else "Council family services",
                27 if n < 41 else 26,
                "Civic Centre",
            ]
        )
    for n in range(22):
        rows.append(
            [
                day + datetime.timedelta(days=14 * n),
                "Resilience workshop for pupils",
                "pupils",
                f"School {chr(65 + n % 6)}",
                150,
                "School hall",
            ]
        )
    for n in range(9):
        rows.append(
            [
                day + datetime.timedelta(days=30 * n),
                "Online safety session for parents",
                "parents",
                "School B",
                25 if n < 8 else 23,
                "School library",
            ]
        )
    rows.append(
        [D(2022, 4, 1), "Prevent awareness briefing", "", "Schools (staff)", 30, "Civic Centre"]
    )  # the next year: not counted
    import_file(
        "sessions",
        write_csv(
            tmp_path / "reach.csv",
            ["date", "course", "audience", "organisation", "attendees", "venue"],
            [[r[0].isoformat(), *r[1:]] for r in rows],
        ),
        borough,
    )
    reach = rows_by(report(borough, D(2021, 4, 1), D(2022, 3, 31)).table("reach"), "label")
    assert (
        reach[("Professionals (staff and volunteers)",)]["sessions"],
        reach[("Professionals (staff and volunteers)",)]["people_reached"],
    ) == (47, 1263)
    assert reach[("Pupils and students",)]["people_reached"] == 3300
    assert reach[("Parents and carers",)]["people_reached"] == 223
