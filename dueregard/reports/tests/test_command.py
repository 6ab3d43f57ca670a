"""`manage.py report`: the public command line for every registered report."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from dueregard.accounts.permissions import Kind
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.reports import registry
from dueregard.reports.registry import ReportType, for_authority

from .factories import one_way, report_with

ARGS = ["--authority", "E09999801", "--from", "2024-04-01", "--to", "2025-03-31"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def small_numbers(monkeypatch):
    """A report with small counts, registered for these tests only."""

    def build(authority, start, end):
        report = report_with(one_way([12, 3, 20]))
        report.authority_code, report.authority_name = authority.ons_code, authority.name
        report.start, report.end = start, end
        return report

    monkeypatch.setitem(
        registry._registry,
        "small-numbers",
        ReportType(
            "small-numbers",
            "Small numbers",
            "",
            Kind.STATISTICS,
            for_authority(build),
            ("json", "csv"),
        ),
    )


def test_json_goes_to_standard_output_in_the_public_shape(population):
    data = json.loads(run("population", *ARGS, "--format", "json"))
    assert data["report"] == "population"
    assert data["authority"] == "E09999801"
    assert (data["from"], data["to"]) == ("2024-04-01", "2025-03-31")
    assert data["audience"] == "exact"
    table = next(t for t in data["tables"] if t["id"] == "residents-by-sex")
    assert table["columns"] == ["label", "residents", "percent"]
    assert table["rows"][0] == {"label": "Female", "residents": 51_500, "percent": 51.5}
    assert table["denominator"]["value"] == 100_000
    assert table["not_known"] == 0


def test_csv_goes_to_standard_output(population):
    rows = list(csv.reader(io.StringIO(run("population", *ARGS, "--format", "csv"))))
    assert rows[0] == ["OFFICIAL"]
    start = rows.index(["Residents by sex"])
    assert rows[start + 2] == ["Female", "51500", "51.5"]


def test_the_audience_option_protects_the_figures(world, small_numbers):
    exact = json.loads(run("small-numbers", *ARGS, "--format", "json"))
    public = json.loads(run("small-numbers", *ARGS, "--format", "json", "--audience", "public"))
    assert [r["referrals"] for r in exact["tables"][0]["rows"]] == [12, 3, 20, 35]
    assert [r["referrals"] for r in public["tables"][0]["rows"]] == ["*", "<5", 20, 35]
    assert public["audience"] == "public"


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf", "html", "json"])
def test_every_format_can_be_written_to_a_file(population, tmp_path, fmt):
    path = tmp_path / f"population.{fmt}"
    run("population", *ARGS, "--format", fmt, "-o", str(path))
    content = path.read_bytes()
    if fmt == "xlsx":
        assert "Residents by age band" in load_workbook(path).sheetnames
    elif fmt == "docx":
        assert len(Document(str(path)).tables) == 4
    elif fmt == "pdf":
        assert content.startswith(b"%PDF")
    elif fmt == "html":
        assert b'class="govuk-table"' in content
    else:
        assert json.loads(content)["report"] == "population"


def test_each_run_is_audited_as_an_export(population):
    run("population", *ARGS, "--format", "json", "--audience", "board")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_type == "reports.report" and event.object_id == "population"
    assert event.authority == population.authority
    assert event.detail == {
        "report": "population",
        "format": "json",
        "audience": "board",
        "from": "2024-04-01",
        "to": "2025-03-31",
        "via": "command",
    }


@pytest.mark.parametrize(
    "args, message",
    [
        (["no-such-report", *ARGS, "--format", "json"], "Unknown report 'no-such-report'"),
        (
            [
                "population",
                "--authority",
                "E09000000",
                "--from",
                "2024-04-01",
                "--to",
                "2025-03-31",
                "--format",
                "json",
            ],
            "No authority with the ONS code 'E09000000'",
        ),
        (
            [
                "population",
                "--authority",
                "E09999801",
                "--from",
                "2025-04-01",
                "--to",
                "2024-03-31",
                "--format",
                "json",
            ],
            "--from (2025-04-01) is after --to (2024-03-31)",
        ),
        (
            [
                "population",
                "--authority",
                "E09999801",
                "--from",
                "1/4/2024",
                "--to",
                "2025-03-31",
                "--format",
                "json",
            ],
            "--from must be a date as YYYY-MM-DD, not '1/4/2024'",
        ),
        (
            ["population", *ARGS, "--format", "docx"],
            "--format docx writes a binary file: give -o FILE",
        ),
        (["small-numbers", *ARGS, "--format", "pdf"], "not offered as pdf; formats: json, csv"),
        (["population", *ARGS, "--format", "odt"], "invalid choice: 'odt'"),
        (
            ["population", *ARGS, "--format", "json", "--audience", "press"],
            "invalid choice: 'press'",
        ),
    ],
)
def test_clear_errors(world, small_numbers, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert message in str(error.value)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
