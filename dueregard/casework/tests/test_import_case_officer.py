"""The import's `case_officer` column (a username, optional): an active member of the
authority's Prevent team, as on the pages; otherwise the row and column are named and
nothing is written. Referrals referred on for other vulnerabilities are not imported."""

from __future__ import annotations

import pytest

from dueregard.casework.imports import ALL_COLUMNS, OPTIONAL_COLUMNS
from dueregard.casework.models import Referral
from dueregard.casework.tests.test_import import (
    adopted_row,
    csv_bytes,
    rejected,
    run,
    written,
)

pytestmark = pytest.mark.django_db


def test_the_columns_gain_case_officer_and_keep_every_other(world) -> None:
    assert OPTIONAL_COLUMNS[-1] == "case_officer"
    assert ALL_COLUMNS[:-1] == [
        "reference",
        "received_on",
        "sector",
        "concern",
        "age",
        "gender",
        "ward",
        "vulnerabilities",
        "triage_outcome",
        "referred_to_police_on",
        "gateway_outcome",
        "discussed_at_panel_on",
        "adopted_on",
        "left_channel_on",
        "exit_reason",
        "given_name",
        "family_name",
        "date_of_birth",
    ]


def test_a_row_names_its_case_officer_and_a_blank_one_is_the_importer(world) -> None:
    rows = [
        adopted_row(reference="CO-1", case_officer="chair"),
        adopted_row(reference="CO-2", case_officer=""),
    ]
    run(world, csv_bytes(rows))
    officers = dict(Referral.objects.values_list("reference", "coordinator__username"))
    assert officers == {"CO-1": "chair", "CO-2": "coordinator"}


def test_a_file_without_the_column_still_imports(world) -> None:
    run(world, csv_bytes([adopted_row(reference="OLD-1")]))
    assert Referral.objects.get().coordinator == world["coordinator"]


@pytest.mark.parametrize("username", ["nobody", "analyst", "other_coordinator", "Chair"])
def test_a_case_officer_outside_the_prevent_team_is_named_by_row_and_column(
    world, username
) -> None:
    before = written()
    errors = rejected(
        world,
        csv_bytes(
            [
                adopted_row(reference="OK-1", case_officer="chair"),
                adopted_row(reference="BAD-1", case_officer=username),
            ],
            ALL_COLUMNS,
        ),
    )
    assert [(row, column) for row, column, _ in errors] == [(3, "case_officer")]
    message = errors[0][2]
    assert f"'{username}' is not an active member of Testborough's Prevent team" in message
    assert "chair" in message and "coordinator" in message
    assert written() == before  # the good row is not written either


@pytest.mark.parametrize(
    ("column", "overrides"),
    [
        (
            "triage_outcome",
            {
                "triage_outcome": "Not for Channel: referred on for other vulnerabilities",
                "referred_to_police_on": "",
                "gateway_outcome": "",
                "discussed_at_panel_on": "",
                "adopted_on": "",
                "left_channel_on": "",
                "exit_reason": "",
            },
        ),
        (
            "gateway_outcome",
            {
                "gateway_outcome": "not for channel: referred on for other vulnerabilities",
                "discussed_at_panel_on": "",
                "adopted_on": "",
                "left_channel_on": "",
                "exit_reason": "",
            },
        ),
    ],
)
def test_a_referral_referred_on_is_not_imported(world, column, overrides) -> None:
    before = written()
    errors = rejected(world, csv_bytes([adopted_row(**overrides)], ALL_COLUMNS))
    assert [(row, col) for row, col, _ in errors] == [(2, column)]
    assert "needs the service referred on to" in errors[0][2]
    assert written() == before
