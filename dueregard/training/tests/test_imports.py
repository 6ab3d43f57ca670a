"""`import_training`: whole files or nothing, every error named by row and column."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from conftest import World
from dueregard.audit.models import AuditEvent
from dueregard.core.importing import ImportRejected
from dueregard.training import imports
from dueregard.training.models import (
    EvaluationAnswer,
    EvaluationForm,
    HeadcountSnapshot,
    Organisation,
    Session,
    SessionAudience,
    SnapshotSource,
    Trainer,
    TrainingLevel,
)
from dueregard.training.tests import factories

SNAPSHOTS = (
    "organisation,level,as_of,eligible,compliant\n"
    "Trust A,WRAP / level 3,2024-06-30,480,422\n"
    "Trust A,Basic Prevent awareness,2024-06-30,1200,1010\n"
    "Kingsmere Homes,Induction briefing,2024-06-30,195,40\n"
)


def errors_of(rejected: pytest.ExceptionInfo[ImportRejected]) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in rejected.value.errors]


def nothing_written() -> bool:
    return not (
        HeadcountSnapshot.objects.exists()
        or Organisation.objects.exists()
        or Session.objects.exists()
        or EvaluationForm.objects.exists()
        or AuditEvent.objects.filter(object_type__startswith="training.").exists()
    )


# Headcount snapshots ------------------------------------------------------------------------


def test_snapshots_create_unknown_organisations_and_levels(world: World) -> None:
    result = imports.import_snapshots(
        world.authority, SNAPSHOTS.encode(), acting_user=world["education_officer"]
    )
    assert result.created == 3 and result.updated == 0
    assert result.created_names["organisations"] == ["Trust A", "Kingsmere Homes"]
    assert result.created_names["levels"] == ["Induction briefing"]
    snapshot = HeadcountSnapshot.objects.get(organisation__name="Trust A", level__code="wrap")
    assert (snapshot.eligible, snapshot.compliant, snapshot.source) == (
        480,
        422,
        SnapshotSource.IMPORT,
    )
    assert snapshot.as_of == datetime.date(2024, 6, 30)
    # Each snapshot's creation is audited, attributed to the importer.
    created = AuditEvent.objects.filter(object_type="training.headcountsnapshot")
    assert created.count() == 3 and {e.actor_username for e in created} == {"education_officer"}


def test_names_match_whatever_their_case_and_spacing(world: World) -> None:
    factories.organisation(world.authority, "Trust A")
    imports.import_snapshots(
        world.authority,
        b"Organisation,LEVEL,as_of,eligible,compliant\n"
        b"  trust   a ,wrap,2024-03-31,10,5\n"
        b"TRUST A,wrap / LEVEL 3,2024-06-30,10,6\n",
        acting_user=None,
    )
    assert Organisation.objects.count() == 1
    assert HeadcountSnapshot.objects.filter(level__code="wrap").count() == 2


def test_a_file_with_one_bad_row_is_rejected_and_nothing_is_written(world: World) -> None:
    bad = SNAPSHOTS + "Trust B,WRAP / level 3,2024-06-30,100,120\n"
    with pytest.raises(ImportRejected) as rejected:
        imports.import_snapshots(world.authority, bad.encode(), acting_user=None)
    assert errors_of(rejected) == [
        (5, "compliant", "120 compliant is more than the 100 eligible staff")
    ]
    assert nothing_written()
    assert not TrainingLevel.objects.exists()  # not even the standard lists


def test_every_error_is_reported_with_its_row_and_column(world: World) -> None:
    factories.level(world.authority)  # the authority has its standard levels
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    text = (
        "organisation,level,as_of,eligible,compliant\n"
        ",WRAP,2024-06-30,10,5\n"  # row 2: no organisation
        "Trust A,WRAP,30/06/2024,ten,5\n"  # row 3: bad date and count
        f"Trust A,WRAP,{tomorrow},10,5\n"  # row 4: in the future
        "Trust C,WRAP,2024-06-30,10,-1\n"  # row 5: negative
        "Trust B,wrap,2024-06-30,10,5\n"  # row 6: fine on its own
        "trust b,WRAP / level 3,2024-06-30,12,6\n"  # row 7: the same as row 6
    )
    with pytest.raises(ImportRejected) as rejected:
        imports.import_snapshots(world.authority, text.encode(), acting_user=None)
    assert errors_of(rejected) == [
        (2, "organisation", "is required"),
        (3, "as_of", "'30/06/2024' is not a date in the form YYYY-MM-DD"),
        (3, "eligible", "'ten' is not a whole number (digits 0-9 only)"),
        (4, "as_of", f"{tomorrow} is in the future"),
        (5, "compliant", "-1 is outside 0 to 1000000000"),
        (7, "as_of", "trust b, WRAP / level 3 on 2024-06-30 is already on row 6"),
    ]
    assert "row 3, column 'as_of'" in str(rejected.value)
    assert not HeadcountSnapshot.objects.exists() and not Organisation.objects.exists()


def test_missing_and_unknown_columns_reject_the_file(world: World) -> None:
    with pytest.raises(ImportRejected) as rejected:
        imports.import_snapshots(
            world.authority,
            b"organisation,level,date,eligible\nA,B,2024-01-01,1\n",
            acting_user=None,
        )
    assert errors_of(rejected) == [
        (1, "as_of", "required column is missing"),
        (1, "compliant", "required column is missing"),
        (1, "date", "unknown column"),
    ]


def test_reimporting_a_snapshot_updates_it(world: World) -> None:
    imports.import_snapshots(world.authority, SNAPSHOTS.encode(), acting_user=None)
    again = SNAPSHOTS.replace("480,422", "480,450")
    result = imports.import_snapshots(world.authority, again.encode(), acting_user=None)
    assert (result.created, result.updated) == (0, 3)
    assert HeadcountSnapshot.objects.count() == 3
    assert HeadcountSnapshot.objects.get(level__code="wrap").compliant == 450


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_snapshots_import_from_a_spreadsheet_with_real_dates(world: World) -> None:
    data = xlsx(
        [
            ["organisation", "level", "as_of", "eligible", "compliant"],
            ["Trust A", "WRAP / level 3", datetime.datetime(2024, 9, 30), 479, 402],
        ]
    )
    imports.import_snapshots(world.authority, data, acting_user=None, filename="q2.xlsx")
    assert HeadcountSnapshot.objects.get().as_of == datetime.date(2024, 9, 30)


def test_the_command_reports_success_and_rejection(world: World, tmp_path: Path, capsys) -> None:
    good = tmp_path / "headcount.csv"
    good.write_text(SNAPSHOTS, encoding="utf-8")
    call_command("import_training", "snapshots", str(good), "--authority", "E09999801")
    assert "3 snapshots created" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(SNAPSHOTS + "Trust C,WRAP,2024-06-31,1,1\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_training", "snapshots", str(bad), "--authority", "E09999801")
    assert "bad.csv was rejected; nothing was imported" in str(refused.value)
    assert "row 5, column 'as_of': '2024-06-31' is not a date" in str(refused.value)
    with pytest.raises(CommandError, match="No authority has the ONS code"):
        call_command("import_training", "snapshots", str(good), "--authority", "E09000000")
    with pytest.raises(CommandError, match="is not a file"):
        call_command("import_training", "snapshots", "nope.csv", "--authority", "E09999801")


def test_the_command_can_name_the_importer_for_the_audit_log(world: World, tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(SNAPSHOTS, encoding="utf-8")
    call_command(
        "import_training", "snapshots", str(path), "--authority", "E09999801",
        "--user", "education_officer",
    )  # fmt: skip
    assert (
        AuditEvent.objects.filter(
            object_type="training.headcountsnapshot", actor=world["education_officer"]
        ).count()
        == 3
    )


# Sessions -----------------------------------------------------------------------------------

SESSIONS = (
    "reference,date,course,organisation,attendees,trainer,trainer_organisation,venue,online\n"
    "W1,2024-05-01,WRAP workshop,Trust A,12,Robin Example,Council Prevent team,Civic Centre,\n"
    "W1,2024-05-01,WRAP workshop,Kingsmere Homes,3,Robin Example,Council Prevent team,"
    "Civic Centre,\n"
    ",2024-05-08,Prevent awareness briefing,Trust A,20,,,,yes\n"
)


def test_sessions_rows_sharing_a_reference_are_one_session(world: World) -> None:
    result = imports.import_sessions(world.authority, SESSIONS.encode(), acting_user=None)
    assert result.created == 2
    assert result.created_names["trainers"] == ["Robin Example"]
    w1 = Session.objects.get(reference="W1")
    assert w1.attendees == 15 and w1.trainer is not None
    assert w1.trainer.organisation.name == "Council Prevent team"
    assert w1.trainer.accredited_level is not None and w1.trainer.accredited_level.code == "wrap"
    assert sorted(
        SessionAudience.objects.filter(session=w1).values_list("attendees", flat=True)
    ) == [
        3,
        12,
    ]
    online = Session.objects.get(reference="2024-05-08-1")
    assert online.online and online.course.level.code == "basic-awareness"


def test_sessions_errors_name_row_and_column_and_nothing_is_written(world: World) -> None:
    text = (
        "reference,date,course,organisation,attendees,trainer,venue\n"
        "W1,2024-05-01,WRAP workshop,Trust A,12,,Hall\n"
        "W1,2024-05-02,WRAP workshop,Homes,3,,Hall\n"  # a different date for W1
        "W2,2024-05-03,WRAP workshop,Trust A,0,,Hall\n"  # no attendees
        "W3,2024-05-03,WRAP workshop,Trust A,5,Unknown Person,Hall\n"  # unknown trainer
        "W4,2024-05-03,WRAP workshop,Trust A,5,,\n"  # no venue, not online
    )
    with pytest.raises(ImportRejected) as rejected:
        imports.import_sessions(world.authority, text.encode(), acting_user=None)
    assert errors_of(rejected) == [
        (3, "date", "differs from row 2, which has the same reference"),
        (4, "attendees", "0 is outside 1 to 100000"),
        (
            5,
            "trainer",
            (
                "'Unknown Person' is not a recorded trainer: add them first, or give "
                "trainer_organisation to create them"
            ),
        ),
        (6, "venue", "is required unless online is yes"),
    ]
    assert nothing_written()


def test_a_session_reference_already_recorded_is_an_error(world: World) -> None:
    imports.import_sessions(world.authority, SESSIONS.encode(), acting_user=None)
    with pytest.raises(ImportRejected) as rejected:
        imports.import_sessions(world.authority, SESSIONS.encode(), acting_user=None)
    assert errors_of(rejected)[0] == (2, "reference", "session W1 is already recorded")
    assert Session.objects.count() == 2


def test_session_references_are_the_same_whatever_their_case(world: World) -> None:
    imports.import_sessions(world.authority, SESSIONS.encode(), acting_user=None)
    again = SESSIONS.replace("W1,", "w1,")
    with pytest.raises(ImportRejected) as rejected:
        imports.import_sessions(world.authority, again.encode(), acting_user=None)
    assert errors_of(rejected)[0] == (2, "reference", "session w1 is already recorded (as W1)")
    mixed = (
        "reference,date,course,organisation,attendees,venue\n"
        "td-9,2024-05-01,WRAP workshop,Trust A,12,Hall\n"
        "TD-9,2024-05-01,WRAP workshop,Homes,3,Hall\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        imports.import_sessions(world.authority, mixed.encode(), acting_user=None)
    [(row, column, message)] = errors_of(rejected)
    assert (row, column) == (3, "reference")
    assert message.startswith("'TD-9' differs only in case from 'td-9' on row 2")
    assert Session.objects.count() == 2


def test_pupils_and_parents_sessions_and_new_courses(world: World) -> None:
    text = (
        "date,course,level,audience,organisation,attendees,venue\n"
        "2024-02-01,Assembly on online hate,,pupils,Larkfield Primary School,210,School hall\n"
        "2024-02-08,Digital parenting evening,,Parents,Larkfield Primary School,18,Library\n"
        "2024-02-09,Prevent for governors,Governor briefing,,Larkfield Primary School,9,Library\n"
    )
    result = imports.import_sessions(world.authority, text.encode(), acting_user=None)
    assert result.created_names["courses"] == [
        "Assembly on online hate",
        "Digital parenting evening",
        "Prevent for governors",
    ]
    assert result.created_names["levels"] == ["Governor briefing"]
    audiences = dict(Session.objects.values_list("course__label", "audience"))
    assert audiences == {
        "Assembly on online hate": "pupils",
        "Digital parenting evening": "parents",
        "Prevent for governors": "professionals",
    }


# Feedback forms -----------------------------------------------------------------------------


def sessions_for_feedback(world: World) -> None:
    imports.import_sessions(world.authority, SESSIONS.encode(), acting_user=None)


def test_feedback_forms_import_one_row_per_form(world: World) -> None:
    sessions_for_feedback(world)
    text = (
        "session,organisation,understanding_before,understanding_after,confidence_after,"
        "support_sharing,needs\n"
        "W1,Trust A,Fair,Excellent,good,No,\n"
        "W1,kingsmere homes,1,3,,Yes,More about online radicalisation\n"
        "2024-05-08-1,,Poor,Good,,,\n"
    )
    result = imports.import_evaluations(world.authority, text.encode(), acting_user=None)
    assert result.created == 3
    homes_form = EvaluationForm.objects.get(organisation__name="Kingsmere Homes")
    assert homes_form.needs == "More about online radicalisation"
    assert homes_form.completed_on == datetime.date(2024, 5, 1)  # the session's date
    answers = {
        a.question.code: (a.before, a.after, a.yes)
        for a in EvaluationAnswer.objects.filter(form=homes_form).select_related("question")
    }
    assert answers == {"understanding": (1, 3, None), "support-sharing": (None, None, True)}


def test_feedback_errors_are_named_and_nothing_is_written(world: World) -> None:
    sessions_for_feedback(world)
    text = (
        "session,organisation,understanding_before,understanding_after\n"
        "W9,,Good,Good\n"  # no such session
        "W1,,Good,Good\n"  # W1 was for two organisations
        "W1,Trust B,Good,Good\n"  # not one of them
        "W1,Trust A,Great,Good\n"  # not a rating
        "2024-05-08-1,,,\n"  # no answers
    )
    with pytest.raises(ImportRejected) as rejected:
        imports.import_evaluations(world.authority, text.encode(), acting_user=None)
    assert errors_of(rejected) == [
        (2, "session", "no session has the reference 'W9'"),
        (3, "organisation", "is required: session W1 was for 2 organisations"),
        (4, "organisation", "session W1 was not for that organisation"),
        (
            5,
            "understanding_before",
            "'Great' is not one of: 1, 2, 3, 4, excellent, fair, good, poor",
        ),
        (6, "", "the form has no answers"),
    ]
    assert not EvaluationForm.objects.exists()


def test_more_feedback_forms_than_attendees_is_an_error(world: World) -> None:
    sessions_for_feedback(world)
    rows = "".join("W1,Kingsmere Homes,,Good\n" for _ in range(4))
    with pytest.raises(ImportRejected) as rejected:
        imports.import_evaluations(
            world.authority,
            ("session,organisation,understanding_before,understanding_after\n" + rows).encode(),
            acting_user=None,
        )
    assert errors_of(rejected) == [
        (
            5,
            "session",
            "more feedback forms than the 3 attendees from Kingsmere Homes at session W1",
        )
    ]


def test_question_columns_follow_the_authoritys_form(world: World) -> None:
    factories.organisation(world.authority)  # gives the standard questions
    columns = list(imports.evaluation_columns(world.authority))
    assert columns == [
        "understanding_before",
        "understanding_after",
        "noticing_before",
        "noticing_after",
        "confidence_after",
        "fit_after",
        "support_sharing",
        "support_noticing",
    ]
    with pytest.raises(ImportRejected) as rejected:
        imports.import_evaluations(
            world.authority, b"session,confidence_before\nW1,Good\n", acting_user=None
        )
    assert errors_of(rejected) == [(1, "confidence_before", "unknown column")]


def test_a_rejected_first_import_leaves_no_standard_lists_behind(world: World) -> None:
    with pytest.raises(ImportRejected):
        imports.import_evaluations(world.authority, b"session\nW1\n", acting_user=None)
    assert not TrainingLevel.objects.exists() and not Trainer.objects.exists()
