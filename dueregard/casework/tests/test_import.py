"""Importing historical referrals: every row checked, every error named by row and column,
nothing written unless the whole file is good, and imported referrals indistinguishable
from referrals recorded through the pathway."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from dueregard.areas.models import Ward
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework import metrics, services
from dueregard.casework.imports import ALL_COLUMNS, import_referrals
from dueregard.casework.matching import soundex
from dueregard.casework.models import (
    ExitReason,
    GatewayOutcome,
    PanelDecision,
    Person,
    Referral,
    ReferralSource,
    Review,
    Stage,
    StageEvent,
    TriageOutcome,
)
from dueregard.casework.queries import concern_by_label
from dueregard.casework.tests import factories
from dueregard.core.importing import ImportRejected
from dueregard.core.tests.known import known

pytestmark = pytest.mark.django_db

D = datetime.date


def csv_bytes(rows: list[dict[str, str]], columns: list[str] | None = None) -> bytes:
    columns = columns or list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def adopted_row(**overrides: str) -> dict[str, str]:
    row = {
        "reference": "IMP-1",
        "received_on": "2019-05-01",
        "sector": "Education",
        "concern": "Islamist",
        "age": "15",
        "gender": "Male",
        "ward": "",
        "vulnerabilities": "Mental health",
        "triage_outcome": "Referred to police",
        "referred_to_police_on": "2019-05-03",
        "gateway_outcome": "For Channel panel",
        "discussed_at_panel_on": "2019-06-05",
        "adopted_on": "2019-06-05",
        "left_channel_on": "2019-12-02",
        "exit_reason": "No further terrorism-related concerns",
    }
    row.update(overrides)
    return row


def run(world: Any, content: bytes, *, authority: Any = None, filename: str = "history.csv"):
    return import_referrals(
        content,
        authority=authority or world.authority,
        acting_user=world["coordinator"],
        filename=filename,
    )


def rejected(world: Any, content: bytes) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as caught:
        run(world, content)
    return [(e.row, e.column, e.message) for e in caught.value.errors]


def written() -> tuple[int, ...]:
    return (
        Referral.objects.count(),
        Person.objects.count(),
        StageEvent.objects.count(),
        AuditEvent.objects.count(),
        Review.objects.count(),
    )


# --------------------------------------------------------------------------------------
# Accepted files


def test_a_row_becomes_a_referral_with_its_whole_pathway(world) -> None:
    result = run(world, csv_bytes([adopted_row()]))
    assert (result.referrals, result.people_created, result.unidentified_people) == (1, 1, 1)
    referral = Referral.objects.get(reference="IMP-1")
    assert referral.source == ReferralSource.IMPORT
    assert referral.stage == Stage.LEFT_CHANNEL
    assert referral.person.unidentified_historical
    assert (referral.sector.label, referral.concern.label) == ("Education", "Islamist")
    assert referral.concern.code_list.code == "ho-2017"  # the list in force in May 2019
    assert (referral.age_at_referral, referral.gender) == (15, "male")
    assert [v.label for v in referral.vulnerabilities.all()] == ["Mental health"]
    assert referral.triaged_on == referral.referred_to_police_on == D(2019, 5, 3)
    assert referral.gateway_outcome_on == D(2019, 5, 3)
    assert (referral.discussed_at_panel_on, referral.adopted_on) == (D(2019, 6, 5),) * 2
    assert referral.left_channel_on == D(2019, 12, 2)
    assert referral.exit_reason.code == "concerns-addressed"
    assert referral.coordinator == world["coordinator"]
    events = list(referral.events.order_by("pk"))
    assert {e.reason for e in events} == {"Imported from history.csv row 2"}
    assert {e.recorded_by for e in events} == {world["coordinator"]}
    assert [e.kind for e in events] == [
        "received",
        "triaged",
        "referred_to_police",
        "gateway_outcome",
        "discussed",
        "adopted",
        "left_channel",
    ]
    reviews = {r.kind: r.due_on for r in Review.objects.filter(referral=referral)}
    assert reviews == {"6": D(2020, 6, 2), "12": D(2020, 12, 2)}


def received_through_services(world: Any) -> Referral:
    """The referral `adopted_row` describes, as received through the services (in the
    other authority, so the two can be compared)."""
    lead = world["coordinator"]
    person = services.create_person(
        authority=world.other_authority,
        details=services.PersonDetails(),
        unidentified_historical=True,
        acting_user=lead,
    )
    return factories.make_referral(
        world.other_authority,
        lead,
        person=person,
        received_on=D(2019, 5, 1),
        age_at_referral=15,
        gender="male",
        concern=concern_by_label("Islamist", D(2019, 5, 1)),
        vulnerabilities=[factories.vulnerability("mental-health")],
    )


def _through_services(world: Any, *, adopted_later: bool) -> Referral:
    """The same referral as `adopted_row`, recorded step by step through the services."""
    lead = world["coordinator"]
    referral = received_through_services(world)
    services.triage_referral(
        referral,
        outcome=TriageOutcome.POLICE,
        occurred_on=D(2019, 5, 3),
        reason="r",
        acting_user=lead,
    )
    services.record_gateway_outcome(
        referral,
        outcome=GatewayOutcome.PANEL,
        occurred_on=D(2019, 5, 3),
        reason="r",
        acting_user=lead,
    )
    if adopted_later:
        services.record_panel_decision(
            referral,
            decision=PanelDecision.DEFER,
            occurred_on=D(2019, 6, 5),
            reason="r",
            acting_user=lead,
        )
    services.record_panel_decision(
        referral,
        decision=PanelDecision.ADOPT,
        occurred_on=D(2019, 7, 3) if adopted_later else D(2019, 6, 5),
        reason="r",
        acting_user=lead,
    )
    services.leave_channel(
        referral,
        left_on=D(2019, 12, 2),
        exit_reason=ExitReason.objects.get(code="concerns-addressed"),
        reason="r",
        acting_user=lead,
    )
    return referral


MILESTONES = [
    "stage",
    "received_on",
    "triaged_on",
    "triage_outcome",
    "referred_to_police_on",
    "gateway_outcome",
    "gateway_outcome_on",
    "discussed_at_panel_on",
    "adopted_on",
    "left_channel_on",
    "exit_reason_id",
    "closed_on",
    "age_at_referral",
    "gender",
    "sector_id",
    "concern_id",
]


def _history(referral: Referral) -> list[tuple[Any, ...]]:
    events = referral.events.order_by("occurred_on", "pk")
    return [(e.kind, e.from_stage, e.to_stage, e.occurred_on) for e in events]


@pytest.mark.parametrize("adopted_later", [False, True])
def test_an_imported_referral_is_recorded_as_the_pathway_records_it(world, adopted_later) -> None:
    by_services = _through_services(world, adopted_later=adopted_later)
    adopted_on = "2019-07-03" if adopted_later else "2019-06-05"
    run(world, csv_bytes([adopted_row(adopted_on=adopted_on)]))
    imported = Referral.objects.get(authority=world.authority, reference="IMP-1")
    by_services.refresh_from_db()
    for name in MILESTONES:
        assert getattr(imported, name) == getattr(by_services, name), name
    assert _history(imported) == _history(by_services)
    reviews = lambda r: sorted(Review.objects.filter(referral=r).values_list("kind", "due_on"))
    assert reviews(imported) == reviews(by_services)
    # The statistics cannot tell them apart.
    start, end = D(2019, 4, 1), D(2020, 3, 31)
    for metric in (metrics.journey, metrics.quarters, metrics.by_concern, metrics.by_age_band):
        ours = metric(world.authority, start, end)
        theirs = metric(world.other_authority, start, end)
        assert ours == theirs, metric.__name__


NOTHING_LATER = dict.fromkeys(
    [
        "referred_to_police_on",
        "gateway_outcome",
        "discussed_at_panel_on",
        "adopted_on",
        "left_channel_on",
        "exit_reason",
    ],
    "",
)


@pytest.mark.parametrize(
    "overrides, stage, closed_reason",
    [
        (
            {**NOTHING_LATER, "triage_outcome": "Advice provided"},
            Stage.CLOSED,
            "Triaged: Advice provided. Imported from history.csv row 2",
        ),
        (
            {**NOTHING_LATER, "triage_outcome": "No further action"},
            Stage.CLOSED,
            "Triaged: No further action. Imported from history.csv row 2",
        ),
        ({**NOTHING_LATER, "triage_outcome": ""}, Stage.RECEIVED, ""),
        (
            {
                **NOTHING_LATER,
                "referred_to_police_on": "2019-05-03",
                "gateway_outcome": "Police-led",
            },
            Stage.CLOSED,
            "Police gateway: Police-led. Imported from history.csv row 2",
        ),
        ({**NOTHING_LATER, "referred_to_police_on": "2019-05-03"}, Stage.WITH_GATEWAY, ""),
        (
            {
                **NOTHING_LATER,
                "referred_to_police_on": "2019-05-03",
                "gateway_outcome": "For Channel panel",
            },
            Stage.FOR_PANEL,
            "",
        ),
        (
            {"adopted_on": "", "left_channel_on": "", "exit_reason": ""},
            Stage.DISCUSSED,
            "",
        ),
        ({"left_channel_on": "", "exit_reason": ""}, Stage.ADOPTED, ""),
    ],
)
def test_each_outcome_leaves_the_referral_where_the_pathway_would(
    world, overrides, stage, closed_reason
) -> None:
    run(world, csv_bytes([adopted_row(**overrides)]))
    referral = Referral.objects.get()
    assert referral.stage == stage
    assert referral.closure_reason == closed_reason
    closed = referral.events.filter(kind="closed", to_stage="closed")
    if stage == Stage.CLOSED:
        assert closed.get().occurred_on == referral.closed_on
        assert referral.closed_on in (D(2019, 5, 1), D(2019, 5, 3))
    else:
        assert referral.closed_on is None and not closed.exists()
    assert referral.events.last().to_stage == stage


def test_labels_match_whatever_their_case_and_wards_by_name_or_code(world) -> None:
    Ward.objects.create(authority=world.authority, ons_code="E05999802", name="North Ward")
    rows = [
        adopted_row(
            reference="A",
            sector="EDUCATION",
            concern="islamist",
            gender="female",
            vulnerabilities=" mental HEALTH ; Domestic abuse;;",
            triage_outcome="referred TO police",
            gateway_outcome="for channel PANEL",
            exit_reason="no further terrorism-related concerns",
            ward="test ward",
        ),
        adopted_row(
            reference="B",
            ward="e05999802",
            triage_outcome="advice provided",
            **dict.fromkeys(
                [
                    "referred_to_police_on",
                    "gateway_outcome",
                    "discussed_at_panel_on",
                    "adopted_on",
                    "left_channel_on",
                    "exit_reason",
                ],
                "",
            ),
        ),
    ]
    run(world, csv_bytes(rows))
    a, b = Referral.objects.get(reference="A"), Referral.objects.get(reference="B")
    assert (a.sector.code, a.gender, a.ward.name) == ("education", "female", "Test Ward")
    assert sorted(v.code for v in a.vulnerabilities.all()) == ["domestic-abuse", "mental-health"]
    assert (b.ward.name, b.triage_outcome) == ("North Ward", TriageOutcome.ADVICE)


def test_columns_come_in_any_order_and_optional_ones_may_be_left_out(world) -> None:
    content = b"received_on,Reference\n2020-01-06,ONLY-2\n"
    result = run(world, content)
    assert result.referrals == 1
    referral = Referral.objects.get()
    assert (referral.reference, referral.stage, referral.sector) == ("ONLY-2", Stage.RECEIVED, None)


def test_the_concern_list_in_force_on_the_date_received_is_used(world) -> None:
    rows = [
        adopted_row(
            reference="OLD",
            received_on="2016-06-01",
            referred_to_police_on="2016-06-02",
            discussed_at_panel_on="2016-07-01",
            adopted_on="2016-07-01",
            left_channel_on="2016-12-01",
        ),
        adopted_row(
            reference="NEW",
            received_on="2022-06-01",
            referred_to_police_on="2022-06-02",
            discussed_at_panel_on="2022-07-01",
            adopted_on="2022-07-01",
            left_channel_on="2022-12-01",
            concern="Incel",
        ),
    ]
    run(world, csv_bytes(rows))
    assert Referral.objects.get(reference="OLD").concern.code_list.code == "ho-2015"
    assert Referral.objects.get(reference="NEW").concern.code_list.code == "ho-2021"


def test_an_xlsx_workbook_is_read_like_a_csv(world) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["reference", "received_on", "triage_outcome", "age"])
    sheet.append(["X-1", datetime.datetime(2020, 3, 2), "No further action", 34])
    buffer = io.BytesIO()
    workbook.save(buffer)
    run(world, buffer.getvalue(), filename="history.xlsx")
    referral = Referral.objects.get()
    assert (referral.received_on, referral.age_at_referral, referral.stage) == (
        D(2020, 3, 2),
        34,
        Stage.CLOSED,
    )


# --------------------------------------------------------------------------------------
# People


def test_rows_with_name_and_date_of_birth_link_to_the_person_already_recorded(world) -> None:
    lead = world["coordinator"]
    known_person = factories.make_person(
        world.authority,
        lead,
        given_name="Zoë",
        family_name="O'Testperson",
        date_of_birth=D(2004, 2, 29),
    )
    rows = [
        adopted_row(
            reference="L1",
            given_name="ZOE",
            family_name="otestperson",
            date_of_birth="2004-02-29",
            age="",
        ),
        adopted_row(
            reference="L2",
            given_name="Sam",
            family_name="Newname",
            date_of_birth="2001-01-01",
            age="",
            received_on="2019-05-02",
        ),
        adopted_row(
            reference="L3",
            given_name="sam",
            family_name="NEWNAME",
            date_of_birth="2001-01-01",
            age="",
            received_on="2019-05-03",
        ),
        adopted_row(reference="L4", given_name="Sam", family_name="Newname", age="18"),
    ]
    result = run(world, csv_bytes(rows))
    assert (result.people_linked, result.people_created, result.unidentified_people) == (1, 2, 0)
    assert Referral.objects.get(reference="L1").person == known_person
    l2, l3, l4 = (Referral.objects.get(reference=r) for r in ("L2", "L3", "L4"))
    assert l2.person == l3.person and not l2.person.unidentified_historical
    assert l2.person.family_name_sound == soundex("Newname")  # for intake's matching
    assert l4.person != l2.person  # no date of birth: never linked on a name alone
    assert l2.age_at_referral == 18  # from the date of birth, as at intake
    # Audit: the import, each identified person created, and the person linked.
    created = AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="casework.person", detail__import=result.batch
    )
    assert sorted(known(pk) for pk in created.values_list("person_id", flat=True)) == sorted(
        [l2.person_id, l4.person_id]
    )
    linked = AuditEvent.objects.get(action=AuditAction.CHANGE, person_id=known_person.pk)
    assert linked.detail["import"] == result.batch


def test_unidentified_and_archived_people_are_never_linked(world) -> None:
    lead = world["coordinator"]
    archived = factories.make_person(
        world.authority, lead, given_name="Ari", family_name="Gone", date_of_birth=D(2003, 3, 3)
    )
    Person.objects.filter(pk=archived.pk).update(archived=True)
    run(
        world,
        csv_bytes(
            [
                adopted_row(
                    reference="U1",
                    given_name="Ari",
                    family_name="Gone",
                    date_of_birth="2003-03-03",
                    age="",
                )
            ]
        ),
    )
    assert Referral.objects.get(reference="U1").person != archived
    run(world, csv_bytes([adopted_row(reference="U2"), adopted_row(reference="U3")]))
    u2, u3 = Referral.objects.get(reference="U2"), Referral.objects.get(reference="U3")
    assert u2.person != u3.person
    assert u2.person.unidentified_historical and u3.person.unidentified_historical


def test_two_people_recorded_with_the_same_name_and_birth_date_are_not_guessed(world) -> None:
    lead = world["coordinator"]
    for _ in range(2):
        factories.make_person(
            world.authority, lead, given_name="Kit", family_name="Twin", date_of_birth=D(2005, 5, 5)
        )
    before = written()
    errors = rejected(
        world,
        csv_bytes(
            [adopted_row(given_name="Kit", family_name="Twin", date_of_birth="2005-05-05", age="")]
        ),
    )
    assert errors[0][:2] == (2, "family_name")
    assert "2 people already recorded" in errors[0][2]
    assert written() == before


def test_the_import_is_one_audit_event_naming_the_file(world) -> None:
    result = run(world, csv_bytes([adopted_row(reference=f"R{i}") for i in range(3)]))
    event = AuditEvent.objects.get(object_type="casework.import")
    assert event.action == AuditAction.CREATE
    assert event.actor == world["coordinator"]
    assert event.authority == world.authority
    assert event.object_id == result.batch
    assert event.detail["file"] == "history.csv"
    assert (event.detail["rows"], event.detail["referrals"]) == (3, 3)
    assert event.detail["authority"] == "E09999801"
    # Unidentified people are covered by the import's event: no event per row.
    assert AuditEvent.objects.count() == 1


# --------------------------------------------------------------------------------------
# Rejected files: every error, by row and column, and nothing written


LATER = [
    "referred_to_police_on",
    "gateway_outcome",
    "discussed_at_panel_on",
    "adopted_on",
    "left_channel_on",
    "exit_reason",
]


@pytest.mark.parametrize(
    "overrides, column, words",
    [
        ({"reference": ""}, "reference", "is required"),
        ({"received_on": ""}, "received_on", "is required"),
        ({"received_on": "01/05/2019"}, "received_on", "not a date in the form YYYY-MM-DD"),
        ({"received_on": "2019-02-30"}, "received_on", "not a date"),
        ({"received_on": "1919-05-01"}, "received_on", "check the year"),
        ({"sector": "Schools"}, "sector", "'Schools' is not a known sector"),
        ({"concern": "Anarchist"}, "concern", "Left Wing Anarchist or Single Issue"),
        ({"age": "fifteen"}, "age", "not a whole number"),
        ({"age": "130"}, "age", "outside 0 to 120"),
        ({"gender": "M"}, "gender", "'M' is not one of"),
        ({"ward": "Nowhere"}, "ward", "not a ward of Testborough"),
        ({"ward": "Other Ward"}, "ward", "not a ward of Testborough"),
        ({"vulnerabilities": "Mental health;Grumpiness"}, "vulnerabilities", "'Grumpiness'"),
        ({"triage_outcome": "Escalated"}, "triage_outcome", "'Escalated' is not one of"),
        ({"exit_reason": "Bored"}, "exit_reason", "not a known exit reason"),
        ({"reference": "R" * 41}, "reference", "longer than 40"),
        ({"given_name": "G" * 101}, "given_name", "longer than 100"),
        # The pathway order.
        ({"referred_to_police_on": "2019-04-30"}, "referred_to_police_on", "before received_on"),
        (
            {"discussed_at_panel_on": "2019-05-02", "adopted_on": "2019-05-02"},
            "discussed_at_panel_on",
            "before referred_to_police_on",
        ),
        ({"adopted_on": "2019-06-04"}, "adopted_on", "before discussed_at_panel_on"),
        ({"left_channel_on": "2019-06-01"}, "left_channel_on", "before adopted_on"),
        ({"discussed_at_panel_on": ""}, "adopted_on", "discussed_at_panel_on is blank"),
        ({"adopted_on": ""}, "left_channel_on", "adopted_on is blank"),
        ({"exit_reason": ""}, "exit_reason", "required when left_channel_on is given"),
        ({"left_channel_on": ""}, "exit_reason", "left_channel_on is blank"),
        ({"referred_to_police_on": ""}, "referred_to_police_on", "required when triage_outcome"),
        (
            {"gateway_outcome": "", "discussed_at_panel_on": "", "adopted_on": ""},
            "left_channel_on",
            "gateway_outcome is blank",
        ),
        # Dates for stages the outcomes contradict.
        ({"triage_outcome": "No further action"}, "adopted_on", "'No further action'"),
        ({"triage_outcome": "Advice provided"}, "referred_to_police_on", "'Advice provided'"),
        ({"triage_outcome": ""}, "referred_to_police_on", "triage_outcome is blank"),
        (
            {"gateway_outcome": "Signposted to other services"},
            "discussed_at_panel_on",
            "did not go to a Channel panel",
        ),
        # Dates of birth.
        (
            {"date_of_birth": "2019-06-01", "given_name": "A", "family_name": "B", "age": ""},
            "received_on",
            "before the date of birth",
        ),
        ({"date_of_birth": "2000-01-01", "age": "15"}, "age", "the person was 19"),
    ],
)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    world, overrides, column, words
) -> None:
    good = adopted_row(
        reference="GOOD-1", received_on="2019-04-01", referred_to_police_on="2019-04-02"
    )
    before = written()
    errors = rejected(world, csv_bytes([good, adopted_row(**overrides)], ALL_COLUMNS))
    assert any(row == 3 and col == column and words in message for row, col, message in errors), (
        errors
    )
    assert all(row == 3 for row, _, _ in errors), errors
    assert written() == before


def test_future_dates_are_refused(world) -> None:
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    errors = rejected(world, csv_bytes([adopted_row(left_channel_on=tomorrow)]))
    assert errors == [(2, "left_channel_on", errors[0][2])]
    assert "is in the future" in errors[0][2]


def test_every_error_of_every_row_is_listed_at_once(world) -> None:
    rows = [
        adopted_row(reference="E1", sector="Nope", gender="Nope"),
        adopted_row(reference="E2"),
        adopted_row(reference="E1", adopted_on="2019-06-01"),
    ]
    errors = rejected(world, csv_bytes(rows))
    assert [(row, column) for row, column, _ in errors] == [
        (2, "gender"),
        (2, "sector"),
        (4, "adopted_on"),
        (4, "reference"),
    ]
    assert "repeated (first on row 2)" in errors[-1][2]


def test_a_reference_already_used_in_the_authority_is_refused_but_not_elsewhere(world) -> None:
    run(world, csv_bytes([adopted_row(reference="DUP")]))
    errors = rejected(world, csv_bytes([adopted_row(reference="DUP")]))
    assert errors == [(2, "reference", "'DUP' is already used in Testborough")]
    run(world, csv_bytes([adopted_row(reference="DUP")]), authority=world.other_authority)
    assert Referral.objects.filter(reference="DUP").count() == 2


def test_references_that_differ_only_in_case_are_the_same_reference(world) -> None:
    run(world, csv_bytes([adopted_row(reference="R-2026-0073")]))
    errors = rejected(world, csv_bytes([adopted_row(reference="r-2026-0073")]))
    assert errors == [
        (2, "reference", "'r-2026-0073' is already used in Testborough (as 'R-2026-0073')")
    ]
    errors = rejected(
        world, csv_bytes([adopted_row(reference="td-9"), adopted_row(reference="TD-9")])
    )
    assert errors == [(3, "reference", "'TD-9' is repeated (first on row 2 as 'td-9')")]
    assert not Referral.objects.filter(reference__iexact="td-9").exists()


def test_ages_and_dates_in_other_digits_or_forms_are_refused(world) -> None:
    errors = rejected(
        world,
        csv_bytes([adopted_row(reference="W1", received_on="2021-W09-4", age="\u0661\u0665")]),
    )
    assert [(row, column) for row, column, _ in errors] == [
        (2, "age"),
        (2, "received_on"),
    ]
    assert "is not a whole number (digits 0-9 only)" in errors[0][2]
    assert "is not a date in the form YYYY-MM-DD" in errors[1][2]


@pytest.mark.parametrize(
    "content, column, words",
    [
        (b"reference,received_on,colour\nA,2020-01-01,blue\n", "colour", "unknown column"),
        (b"reference,sector\nA,Police\n", "received_on", "required column is missing"),
        (b"reference,received_on,Reference\nA,2020-01-01,B\n", "reference", "appears twice"),
        (b"", "", "the file is empty"),
        (b"reference,received_on\n", "", "no referrals"),
        (b"\xff\xfe\x00r", "", "not UTF-8"),
    ],
)
def test_a_bad_file_is_refused_whole(world, content, column, words) -> None:
    errors = rejected(world, content)
    assert any(col == column and words in message for _, col, message in errors), errors


# --------------------------------------------------------------------------------------
# Volume


def generated_rows(n: int) -> list[dict[str, str]]:
    """n referrals from 2018, cycling through every outcome of the pathway."""
    rows = []
    start = D(2018, 4, 2)
    shapes: list[dict[str, Any]] = [
        {"triage_outcome": "Advice provided"},
        {"triage_outcome": "Signposted to other services"},
        {"triage_outcome": "Referred to police", "gateway_outcome": "No further action"},
        {
            "triage_outcome": "Referred to police",
            "gateway_outcome": "For Channel panel",
            "discussed": 20,
            "adopted": 20,
        },
        {
            "triage_outcome": "Referred to police",
            "gateway_outcome": "For Channel panel",
            "discussed": 20,
            "adopted": 48,
            "left": 200,
        },
        {},
    ]
    for i in range(n):
        received = start + datetime.timedelta(days=i % 700)
        shape = shapes[i % len(shapes)]
        row = {
            "reference": f"GEN-{i:05d}",
            "received_on": received.isoformat(),
            "sector": ["Education", "Police", "Health", ""][i % 4],
            "concern": ["Islamist", "Extreme Right-Wing", ""][i % 3],
            "age": str(8 + i % 60) if i % 10 else "",
            "gender": ["Male", "Female", "Other", ""][i % 4],
            "vulnerabilities": ["Mental health", "Autism spectrum condition;Bullying", ""][i % 3],
            "triage_outcome": shape.get("triage_outcome", ""),
            "referred_to_police_on": "",
            "gateway_outcome": shape.get("gateway_outcome", ""),
            "discussed_at_panel_on": "",
            "adopted_on": "",
            "left_channel_on": "",
            "exit_reason": "",
        }
        if row["triage_outcome"] == "Referred to police":
            row["referred_to_police_on"] = (received + datetime.timedelta(days=3)).isoformat()
        for column, key in (
            ("discussed_at_panel_on", "discussed"),
            ("adopted_on", "adopted"),
            ("left_channel_on", "left"),
        ):
            if key in shape:
                day = received + datetime.timedelta(days=shape[key])
                row[column] = day.isoformat()
        if row["left_channel_on"]:
            row["exit_reason"] = "Moved out of the area: case transferred"
        rows.append(row)
    return rows


def test_two_thousand_rows_import_with_every_figure_right(world) -> None:
    rows = generated_rows(2000)
    result = run(world, csv_bytes(rows))
    assert (result.referrals, result.people_created) == (2000, 2000)
    per_shape = 2000 // 6  # 333 of each of the six shapes, and two more of the first two
    referrals = Referral.objects.filter(authority=world.authority)
    assert referrals.filter(stage=Stage.CLOSED).count() == 334 + 334 + 333
    assert referrals.filter(stage=Stage.ADOPTED).count() == per_shape
    assert referrals.filter(stage=Stage.LEFT_CHANNEL).count() == per_shape
    assert referrals.filter(stage=Stage.RECEIVED).count() == per_shape
    # received + triaged (+ closed | referred + gateway (+ closed | discussed + adopted ...))
    expected_events = 334 * 3 + 334 * 3 + 333 * 5 + 333 * 6 + 333 * 8 + 333 * 1
    assert StageEvent.objects.filter(authority=world.authority).count() == expected_events
    assert Review.objects.count() == 2 * per_shape
    through = Referral.vulnerabilities.through.objects
    assert through.count() == 667 + 2 * 667  # one on every third row, two on the next
    figures = metrics.journey(world.authority, D(2018, 4, 1), D(2030, 3, 31))
    assert (figures.received, figures.adopted, figures.left_channel) == (2000, 666, 333)
    ages = metrics.by_age_band(world.authority, D(2018, 4, 1), D(2030, 3, 31))
    assert ages.not_known == 200 and ages.total == 2000


# --------------------------------------------------------------------------------------
# The command


def test_the_command_imports_and_says_what_it_created(world, tmp_path) -> None:
    path = tmp_path / "old-spreadsheet.csv"
    path.write_bytes(csv_bytes([adopted_row(), adopted_row(reference="IMP-2")]))
    out = io.StringIO()
    call_command(
        "import_referrals",
        str(path),
        "--authority",
        "e09999801",
        "--user",
        "coordinator",
        stdout=out,
    )
    assert out.getvalue().strip() == (
        "old-spreadsheet.csv: imported 2 referrals into Testborough; 2 people created "
        "(2 unidentified historical)."
    )
    event = AuditEvent.objects.get(object_type="casework.import")
    assert event.actor == world["coordinator"]
    assert Referral.objects.get(reference="IMP-2").events.first().reason == (
        "Imported from old-spreadsheet.csv row 3"
    )


def test_the_command_lists_every_error_and_writes_nothing(world, tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([adopted_row(sector="Nope"), adopted_row(adopted_on="2019-01-01")]))
    before = written()
    with pytest.raises(CommandError) as caught:
        call_command("import_referrals", str(path), "--authority", "E09999801")
    message = str(caught.value)
    assert "bad.csv was rejected; nothing was imported. 3 error(s):" in message
    assert "row 2, column 'sector': 'Nope' is not a known sector" in message
    assert "row 3, column 'adopted_on'" in message
    assert "row 3, column 'reference': 'IMP-1' is repeated (first on row 2)" in message
    assert written() == before


@pytest.mark.parametrize(
    "arguments, words",
    [
        (["--authority", "E09000000"], "No authority has the ONS code"),
        (["--authority", "E09999801", "--user", "nobody"], "No active user is called"),
        (["--authority", "E09999801", "--user", "analyst"], "cannot change casework"),
        (["--authority", "E09999801", "--user", "other_coordinator"], "cannot change casework"),
    ],
)
def test_the_command_refuses_unknown_authorities_and_users_without_the_role(
    world, tmp_path, arguments, words
) -> None:
    path = tmp_path / "ok.csv"
    path.write_bytes(csv_bytes([adopted_row()]))
    with pytest.raises(CommandError, match=words):
        call_command("import_referrals", str(path), *arguments)
    assert not Referral.objects.exists()


def test_the_command_needs_a_file(world, tmp_path) -> None:
    with pytest.raises(CommandError, match="is not a file"):
        call_command("import_referrals", str(tmp_path / "missing.csv"), "--authority", "E09999801")
