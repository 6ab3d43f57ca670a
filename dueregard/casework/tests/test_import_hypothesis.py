"""Malformed files thrown at the referral importer (property-based, with hypothesis).

Every generated file has at least one defect: random bytes, a wrong header, a bad date or
label, dates out of pathway order, a repeated reference, a huge cell, a NUL, a stray
quote. Each must be rejected with an `ImportRejected` naming a row and column (or the
file), nothing may be written, and nothing else may be raised.
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dueregard.audit.models import AuditEvent
from dueregard.casework.imports import ALL_COLUMNS, REQUIRED_COLUMNS, import_referrals
from dueregard.casework.models import (
    ConcernType,
    ExitReason,
    Person,
    Referral,
    Sector,
    StageEvent,
    Vulnerability,
)
from dueregard.core.importing import MAX_CELL_LENGTH, ImportRejected

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DATE_COLUMNS = [
    "received_on",
    "referred_to_police_on",
    "discussed_at_panel_on",
    "adopted_on",
    "left_channel_on",
]
LABEL_COLUMNS = ["sector", "concern", "gender", "triage_outcome", "gateway_outcome", "exit_reason"]


def good_row(n: int) -> dict[str, str]:
    """A valid adopted-and-left referral, every pathway date strictly after the last."""
    return {
        "reference": f"H-{n}",
        "received_on": "2019-05-01",
        "sector": "Education",
        "concern": "Islamist",
        "age": "15",
        "gender": "Male",
        "ward": "Test Ward",
        "vulnerabilities": "Mental health;Domestic abuse",
        "triage_outcome": "Referred to police",
        "referred_to_police_on": "2019-05-03",
        "gateway_outcome": "For Channel panel",
        "discussed_at_panel_on": "2019-06-05",
        "adopted_on": "2019-07-03",
        "left_channel_on": "2019-12-02",
        "exit_reason": "No further terrorism-related concerns",
        "given_name": "",
        "family_name": "",
        "date_of_birth": "",
        "case_officer": "",
    }


def to_csv(rows: list[dict[str, str]], columns: list[str] = ALL_COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def written() -> tuple[int, int, int, int]:
    return (
        Referral.objects.count(),
        Person.objects.count(),
        StageEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def assert_rejected(world: Any, content: bytes) -> None:
    before = written()
    with pytest.raises(ImportRejected) as caught:  # any other exception fails the test
        import_referrals(
            content, authority=world.authority, acting_user=world["coordinator"], filename="f.csv"
        )
    errors = caught.value.errors
    assert errors, "rejected without saying why"
    for error in errors:
        assert error.row >= 0 and error.message.strip()
        assert error.row == 0 or error.row == 1 or error.column or "cells" in error.message
        assert str(error).startswith("row " if error.row else "file")
    assert written() == before


def known_labels() -> dict[str, set[str]]:
    """Every label and code each label column accepts (case-folded)."""

    def both(model: Any) -> set[str]:
        return {v.casefold() for pair in model.objects.values_list("code", "label") for v in pair}

    return {
        "sector": both(Sector),
        "concern": {
            label.casefold() for label in ConcernType.objects.values_list("label", flat=True)
        },
        "gender": {"male", "female", "other"},
        "triage_outcome": {
            "advice provided",
            "signposted to other services",
            "no further action",
            "referred to police",
        },
        "gateway_outcome": {
            "no further action",
            "signposted to other services",
            "police-led",
            "for channel panel",
        },
        "exit_reason": both(ExitReason),
        "vulnerabilities": both(Vulnerability),
        "ward": {"test ward", "e05999801"},
    }


def is_valid_past_date(value: str) -> bool:
    value = value.strip()
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10 and datetime.date(2000, 1, 1) <= day <= timezone.localdate()


cell_text = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != "")
good_rows = st.integers(min_value=1, max_value=4).map(lambda n: [good_row(i) for i in range(n)])


@SETTINGS
@given(content=st.binary(max_size=3000))
def test_random_bytes_are_refused(world, content: bytes) -> None:
    assert_rejected(world, content)


@SETTINGS
@given(
    header=st.lists(
        st.one_of(st.sampled_from(ALL_COLUMNS), st.text(min_size=0, max_size=15)),
        min_size=1,
        max_size=8,
    )
)
def test_wrong_headers_are_refused(world, header: list[str]) -> None:
    names = [h.strip().lower() for h in header]
    while names and names[-1] == "":
        names.pop()
    complete = set(REQUIRED_COLUMNS) <= set(names)
    well_formed = all(n in ALL_COLUMNS for n in names) and len(set(names)) == len(names)
    assume(not (complete and well_formed))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerow(["H-1", "2019-05-01"] + [""] * max(0, len(header) - 2))
    assert_rejected(world, out.getvalue().encode("utf-8"))


@SETTINGS
@given(rows=good_rows, data=st.data())
def test_a_bad_date_is_refused(world, rows: list[dict[str, str]], data: Any) -> None:
    column = data.draw(st.sampled_from([*DATE_COLUMNS, "date_of_birth"]))
    future = st.dates(
        min_value=timezone.localdate() + datetime.timedelta(days=1),
        max_value=datetime.date(2999, 12, 31),
    ).map(datetime.date.isoformat)
    value = data.draw(st.one_of(cell_text, future))
    assume(not is_valid_past_date(value) and "\x00" not in value)
    rows[data.draw(st.integers(0, len(rows) - 1))][column] = value
    assert_rejected(world, to_csv(rows))


@SETTINGS
@given(rows=good_rows, data=st.data())
def test_a_bad_label_is_refused(world, rows: list[dict[str, str]], data: Any) -> None:
    labels = known_labels()
    column = data.draw(st.sampled_from([*LABEL_COLUMNS, "vulnerabilities", "ward"]))
    value = data.draw(cell_text)
    parts = (
        [p.strip().casefold() for p in value.split(";")]
        if column == "vulnerabilities"
        else [value.strip().casefold()]
    )
    assume(any(p and p not in labels[column] for p in parts) and "\x00" not in value)
    rows[data.draw(st.integers(0, len(rows) - 1))][column] = value
    assert_rejected(world, to_csv(rows))


@SETTINGS
@given(rows=good_rows, data=st.data())
def test_a_bad_age_is_refused(world, rows: list[dict[str, str]], data: Any) -> None:
    value = data.draw(
        st.one_of(cell_text, st.integers(-1000, -1).map(str), st.integers(121).map(str))
    )
    stripped = value.strip()
    digits = stripped.lstrip("+-")
    # Only ASCII digits are numbers to the importer ('²' and '٣' are str.isdigit() too).
    assume("\x00" not in value)
    assume(not (digits.isascii() and digits.isdigit() and 0 <= int(digits) <= 120))
    rows[data.draw(st.integers(0, len(rows) - 1))]["age"] = value
    assert_rejected(world, to_csv(rows))


@SETTINGS
@given(rows=good_rows, data=st.data())
def test_dates_out_of_pathway_order_are_refused(
    world, rows: list[dict[str, str]], data: Any
) -> None:
    first, second = sorted(
        data.draw(st.lists(st.sampled_from(DATE_COLUMNS), min_size=2, max_size=2, unique=True)),
        key=DATE_COLUMNS.index,
    )
    row = rows[data.draw(st.integers(0, len(rows) - 1))]
    row[first], row[second] = row[second], row[first]
    assert_rejected(world, to_csv(rows))


@SETTINGS
@given(rows=good_rows, data=st.data())
def test_a_stage_the_outcomes_contradict_is_refused(
    world, rows: list[dict[str, str]], data: Any
) -> None:
    row = rows[data.draw(st.integers(0, len(rows) - 1))]
    change = data.draw(
        st.sampled_from(
            [
                ("triage_outcome", "Advice provided"),
                ("triage_outcome", "No further action"),
                ("triage_outcome", "Signposted to other services"),
                ("triage_outcome", ""),
                ("gateway_outcome", "No further action"),
                ("gateway_outcome", "Police-led"),
                ("gateway_outcome", ""),
                ("discussed_at_panel_on", ""),
                ("adopted_on", ""),
                ("exit_reason", ""),
                ("left_channel_on", ""),
                ("referred_to_police_on", ""),
            ]
        )
    )
    row[change[0]] = change[1]
    assert_rejected(world, to_csv(rows))


@SETTINGS
@given(rows=good_rows, data=st.data())
def test_a_repeated_reference_is_refused(world, rows: list[dict[str, str]], data: Any) -> None:
    copy = dict(rows[data.draw(st.integers(0, len(rows) - 1))])
    copy["received_on"] = data.draw(st.sampled_from(["2019-05-01", "2019-05-02"]))
    rows.insert(data.draw(st.integers(0, len(rows))), copy)
    assert_rejected(world, to_csv(rows))


@SETTINGS
@given(rows=good_rows, data=st.data())
def test_a_huge_cell_is_refused(world, rows: list[dict[str, str]], data: Any) -> None:
    column = data.draw(st.sampled_from(ALL_COLUMNS))
    size = data.draw(st.integers(MAX_CELL_LENGTH + 1, MAX_CELL_LENGTH * 3))
    rows[data.draw(st.integers(0, len(rows) - 1))][column] = "x" * size
    assert_rejected(world, to_csv(rows))


@SETTINGS
@given(rows=good_rows, data=st.data())
def test_a_nul_anywhere_is_refused(world, rows: list[dict[str, str]], data: Any) -> None:
    content = to_csv(rows)
    at = data.draw(st.integers(0, len(content)))
    assert_rejected(world, content[:at] + b"\x00" + content[at:])


@SETTINGS
@given(rows=good_rows, data=st.data())
def test_a_stray_quote_is_refused(world, rows: list[dict[str, str]], data: Any) -> None:
    """A quote typed into a date, label or number cell: the CSV cannot be read, or the cell
    is not a date or label any more."""
    columns = [c for c in ALL_COLUMNS if c in DATE_COLUMNS + LABEL_COLUMNS + ["age", "ward"]]
    index = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from(columns))
    value = rows[index][column]
    at = data.draw(st.integers(0, len(value)))
    rows[index][column] = value[:at] + '"' + value[at:]
    lines = [",".join(ALL_COLUMNS)] + [",".join(row[c] for c in ALL_COLUMNS) for row in rows]
    assert_rejected(world, ("\n".join(lines) + "\n").encode("utf-8"))


@SETTINGS
@given(
    cells=st.lists(
        st.fixed_dictionaries({c: st.text(max_size=30) for c in ALL_COLUMNS}),
        min_size=1,
        max_size=5,
    )
)
def test_rows_of_random_text_are_refused(world, cells: list[dict[str, str]]) -> None:
    assume(any(not is_valid_past_date(row["received_on"]) for row in cells))
    assert_rejected(world, to_csv(cells))


def test_the_good_file_the_strategies_start_from_is_accepted(world) -> None:
    """So every rejection above comes from the defect each strategy adds."""
    result = import_referrals(
        to_csv([good_row(i) for i in range(4)]),
        authority=world.authority,
        acting_user=world["coordinator"],
        filename="f.csv",
    )
    assert result.referrals == 4
