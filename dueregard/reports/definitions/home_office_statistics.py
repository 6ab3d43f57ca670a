"""Home Office-style annual statistics (`home-office-statistics`): referrals by sector,
type of concern, age band and gender, and the journey to Channel, in the shape and
categories of the Home Office release "Individuals referred to and supported through the
Prevent Programme" (domain reference §1), with the authority's figures beside the
published England and Wales figures of the same financial year where they are known
(reports.national, with the source of each in the table notes).

A *scope* is one authority, a region (every authority in it) or England and Wales: the
registered report (the command, the generic page and the API) is for one authority;
regional and national viewers choose a wider scope on the statistics page, which adds a
table by authority (a region) or by region (England and Wales). Local figures come from
casework.metrics: for a wider scope, its metrics for a set of authorities (one grouped
query per table, the same figures as each authority's added up).

Shares follow the Home Office convention: local percentages are of the referrals whose
value is known, with the not-known count beside. The national columns give the published
count and its share of all referrals that year (the published total), because the
national breakdowns loaded are partial (only the groups the sources state).

Table ids (a public interface): `journey`, `by_sector`, `by_concern`, `by_age_band`,
`by_gender`, and `by_authority` (region scope) or `by_region` (England and Wales).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from dueregard.accounts.permissions import Kind
from dueregard.areas.models import Authority, Region
from dueregard.casework import metrics
from dueregard.core.figures import Breakdown, percent
from dueregard.core.periods import financial_year, financial_year_start

from ..data import Chart, Column, Report, Section, Suppressed, Table, breakdown_table, exact_report
from ..disclosure import marking_by_content
from ..national import NationalFigure, national_figure, national_figures
from ..registry import ReportType, register
from ..scope import AUTHORITY, ENGLAND_AND_WALES, NATIONAL, REGION, Scope

REPORT_ID = "home-office-statistics"
TOTAL = "Total (where known)"
HO_SERIES = 'Home Office, "Individuals referred to and supported through the Prevent Programme"'

JOURNEY = [
    ("received", "Referrals received", "referrals"),
    ("referred_to_police", "Referred to the police gateway", None),
    ("discussed_at_panel", "Discussed at a Channel panel", "discussed_at_channel_panel"),
    ("adopted", "Adopted as a Channel case", "adopted_as_channel_case"),
    ("left_channel", "Left Channel", None),
]

# National group labels written differently from the local code lists (casefolded, with
# punctuation as spaces): the national label -> the local label it counts as.
ALIASES = {
    "right wing": "extreme right wing",
    "extreme right wing": "extreme right wing",
    "no identified ideology": "no ideology identified",
    "fascination with extreme violence or mass casualty attacks no other ideology": (
        "fascination with extreme violence or mass casualty attacks"
    ),
}


def normalise(label: str) -> str:
    words = re.sub(r"[^0-9a-z]+", " ", label.casefold()).strip()
    return ALIASES.get(words, words)


def financial_year_label(start: datetime.date, end: datetime.date) -> str | None:
    """ "2023/24" when the period is exactly one financial year, else None."""
    year = financial_year(financial_year_start(start))
    return year.label if (year.start, year.end) == (start, end) else None


# --- adding up over a scope --------------------------------------------------------------


def _sum_breakdowns(breakdowns: list[Breakdown]) -> Breakdown:
    counts: dict[str, int] = {}
    for breakdown in breakdowns:
        for label, count in breakdown.groups:
            counts[label] = counts.get(label, 0) + count
    return Breakdown(tuple(counts.items()), sum(b.not_known for b in breakdowns))


def _summed(
    scope: Scope,
    start: datetime.date,
    end: datetime.date,
    metric: Callable[[Sequence[Authority], datetime.date, datetime.date], Breakdown],
) -> Breakdown:
    """`metric` (one of casework.metrics' `*_across`) over the scope's authorities."""
    if not scope.authorities:  # no groups at all, as when adding up per authority
        return _sum_breakdowns([])
    return metric(scope.authorities, start, end)


@dataclass(frozen=True)
class JourneyCounts:
    received: int = 0
    referred_to_police: int = 0
    discussed_at_panel: int = 0
    adopted: int = 0
    left_channel: int = 0

    def __add__(self, other: JourneyCounts) -> JourneyCounts:
        return JourneyCounts(
            *(getattr(self, k) + getattr(other, k) for k, _, _ in JOURNEY)  # type: ignore[arg-type]
        )


def _journey_counts(figures: metrics.Journey) -> JourneyCounts:
    return JourneyCounts(*(getattr(figures, key) for key, _, _ in JOURNEY))


# --- tables -------------------------------------------------------------------------------


def _source_note(figures: list[NationalFigure], year: str) -> str:
    sources = sorted({f.source_url for f in figures})
    caveats = sorted({f"{f.group or f.measure_label}: {f.note}" for f in figures if f.note})
    note = f"{ENGLAND_AND_WALES} figures for {year}: {HO_SERIES}, as published at " + "; ".join(
        sources
    )
    if caveats:
        note += ". " + " ".join(caveats)
    return note if note.endswith(".") else note + "."


def journey_table(
    scope: Scope, counts: JourneyCounts, year: str | None, national_total: int | None
) -> Table:
    columns = [
        Column("label", "Stage", "label"),
        Column("count", f"{scope.name}: referrals", "count"),
        Column("percent", f"{scope.name}: % of referrals received", "percent"),
    ]
    rows: list[dict[str, object]] = [
        {
            "label": label,
            "count": getattr(counts, key),
            "percent": percent(getattr(counts, key), counts.received),
        }
        for key, label, _ in JOURNEY
    ]
    notes = [
        (
            "Follows the referrals received in the period: each stage counts those of them that "
            "had reached it by the end of the period, so the stages are nested, not added up."
        )
    ]
    table = Table(
        id="journey",
        title="The journey from referral to Channel support",
        columns=columns,
        rows=rows,
        denominator="referrals received in the period",
        denominator_value=counts.received,
        not_known=0,
        sensitive_columns=["count"],
        derived_from={"percent": "count"},
        notes=notes,
    )
    if year is not None:
        used = []
        for row, (_, _, measure) in zip(rows, JOURNEY, strict=True):
            figure = national_figure(year, measure) if measure else None
            row["national"] = figure.value if figure else None
            row["national_percent"] = (
                percent(figure.value, national_total) if figure and national_total else None
            )
            if figure:
                used.append(figure)
        _add_national_columns(table, year)
        if used:
            notes.append(_source_note(used, year))
    return table


def _add_national_columns(table: Table, year: str) -> None:
    table.columns += [
        Column("national", f"{ENGLAND_AND_WALES} {year}", "count"),
        Column("national_percent", f"{ENGLAND_AND_WALES} {year}: % of all referrals", "percent"),
    ]
    # Published national figures are not protected; their share is of the published
    # total, so it names its own column as its base rather than the table's denominator.
    table.derived_from["national_percent"] = "national"
    table.percent_of["national_percent"] = "national"


def comparison_table(
    table_id: str,
    title: str,
    dimension: str,
    breakdown: Breakdown,
    year: str | None,
    measure: str,
    national_total: int | None,
    *,
    local: str,
    not_known_note: str = "",
) -> Table:
    """Local count and share of known by group, with the national count and its share of
    all referrals beside it where published; a total row of the known."""
    table = breakdown_table(
        table_id,
        title,
        dimension,
        breakdown,
        count_title=f"{local}: referrals",
        percent_title=f"{local}: % of known",
        denominator=f"referrals whose {dimension.lower()} is known",
        notes=[not_known_note] if not_known_note else [],
    )
    # Only the local counts are protected (the published national ones are public), and
    # the total row of the known comes last, after any national-only groups.
    table.sensitive_columns = ["count"]
    table.total_row_label = TOTAL
    known = breakdown.known
    rows = table.rows
    if year is not None:
        figures = [f for f in national_figures(year) if f.measure == measure]
        by_label = {normalise(str(r["label"])): r for r in rows}
        for figure in figures:
            row = by_label.get(normalise(figure.group))
            if row is None:  # a national group with no local counterpart
                row = {"label": figure.group, "count": None, "percent": None}
                rows.append(row)
                by_label[normalise(figure.group)] = row
            row["national"] = figure.value
            row["national_percent"] = (
                percent(figure.value, national_total) if national_total else None
            )
        for row in rows:
            row.setdefault("national", None)
            row.setdefault("national_percent", None)
        _add_national_columns(table, year)
        if figures:
            table.notes.append(
                _source_note(figures, year)
                + " Only the groups the published sources state are shown; a dash means no "
                "figure was published or loaded."
            )
        else:
            table.notes.append(
                f"No {ENGLAND_AND_WALES} figures by {dimension.lower()} are loaded for {year}."
            )
    total: dict[str, object] = {"label": TOTAL, "count": known, "percent": percent(known, known)}
    if year is not None:
        total.update(national=None, national_percent=None)
    rows.append(total)
    return table


def geography_table(
    table_id: str, title: str, dimension: str, rows_in: list[tuple[str, JourneyCounts]]
) -> Table:
    rows: list[dict[str, object]] = [
        {
            "label": label,
            "received": c.received,
            "discussed_at_panel": c.discussed_at_panel,
            "adopted": c.adopted,
        }
        for label, c in rows_in
    ]
    total = sum((c for _, c in rows_in), JourneyCounts())
    rows.append(
        {
            "label": "Total",
            "received": total.received,
            "discussed_at_panel": total.discussed_at_panel,
            "adopted": total.adopted,
        }
    )
    return Table(
        id=table_id,
        title=title,
        columns=[
            Column("label", dimension, "label"),
            Column("received", "Referrals received", "count"),
            Column("discussed_at_panel", "Discussed at a Channel panel", "count"),
            Column("adopted", "Adopted as a Channel case", "count"),
        ],
        rows=rows,
        denominator="referrals received in the period",
        denominator_value=total.received,
        total_row_label="Total",
        notes=[
            (
                "By the authority that recorded the referral (the Home Office reports the "
                "region where the person lives)."
            )
        ],
    )


# --- the report ---------------------------------------------------------------------------


class Comparison(NamedTuple):
    """A table beside the published figures: its id, title and dimension, the casework
    metric over the scope's authorities, the national measure, and a note."""

    table_id: str
    title: str
    dimension: str
    metric: Callable[[Sequence[Authority], datetime.date, datetime.date], Breakdown]
    measure: str
    note: str = ""


COMPARISONS = [
    Comparison(
        "by_sector", "Referrals by sector of referral", "Sector", metrics.by_sector_across,
        "referrals_by_sector",
    ),
    Comparison(
        "by_concern", "Referrals by type of concern", "Type of concern",
        metrics.by_concern_across, "referrals_by_type_of_concern",
        "The type of concern raised by the referrer, in the categories in force in the period; "
        "the Home Office's categories changed over the years (docs/casework.md).",
    ),
    Comparison(
        "by_age_band", "Referrals by age at referral", "Age band", metrics.by_age_band_across,
        "referrals_by_age_band",
    ),
    Comparison(
        "by_gender", "Referrals by gender", "Gender", metrics.by_gender_across,
        "referrals_by_gender", "Gender as recorded at referral (the Home Office reports gender).",
    ),
]  # fmt: skip


def build_for_scope(scope: Scope, start: datetime.date, end: datetime.date) -> Report:
    year = financial_year_label(start, end)
    national_year = year if year is not None and national_figures(year) else None
    total_figure = national_figure(national_year, "referrals") if national_year else None
    national_total = total_figure.value if total_figure else None

    journeys = metrics.journey_by_authority(scope.authorities, start, end)
    by_authority = [(a, _journey_counts(journeys[a.pk])) for a in scope.authorities]
    counts = sum((c for _, c in by_authority), JourneyCounts())

    journey = journey_table(scope, counts, national_year, national_total)
    tables = [
        comparison_table(
            table_id,
            title,
            dimension,
            _summed(scope, start, end, metric),
            national_year,
            measure,
            national_total,
            local=scope.name,
            not_known_note=note,
        )
        for table_id, title, dimension, metric, measure, note in COMPARISONS
    ]
    sections = [
        Section(
            id="journey",
            title="The journey to Channel",
            tables=[journey],
            charts=[
                Chart(
                    id="journey-chart",
                    title="Referrals received and the stages they reached",
                    table_id="journey",
                    x="label",
                    series=["count"],
                    kind="barh",
                    y_label="Referrals",
                    description=(
                        f"Referrals received by {scope.name} in the period and how many of them "
                        "reached each stage."
                    ),
                )
            ],
        ),
        Section(
            id="who",
            title="Who was referred, by whom and why",
            tables=tables,
            charts=[
                Chart(
                    id="by-sector-chart",
                    title="Share of referrals by sector",
                    table_id="by_sector",
                    x="label",
                    series=["percent", "national_percent"] if national_year else ["percent"],
                    kind="barh",
                    y_label="% of referrals",
                    description=(
                        f"The share of {scope.name}'s referrals from each sector"
                        + (
                            f", beside the share of all referrals in {ENGLAND_AND_WALES}"
                            if national_year
                            else ""
                        )
                        + "."
                    ),
                )
            ],
        ),
    ]
    if scope.kind == REGION:
        sections.append(
            Section(
                id="geography",
                title="By authority",
                tables=[
                    geography_table(
                        "by_authority",
                        f"Referrals by authority, {scope.name}",
                        "Authority",
                        [(a.name, c) for a, c in sorted(by_authority, key=lambda x: x[0].name)],
                    )
                ],
            )
        )
    elif scope.kind == NATIONAL:
        regions: dict[str, JourneyCounts] = {r.value: JourneyCounts() for r in Region}
        for authority, c in by_authority:
            regions[authority.region] = regions.get(authority.region, JourneyCounts()) + c
        sections.append(
            Section(
                id="geography",
                title="By region",
                tables=[
                    geography_table(
                        "by_region", "Referrals by region", "Region", list(regions.items())
                    )
                ],
            )
        )

    notes = [
        (
            "Local figures: referrals recorded in Due Regard, counted as docs/casework-statistics.md"
            " describes. Percentages are rounded half up to one decimal place; local shares are "
            "of the referrals whose value is known, as the Home Office gives them."
        )
    ]
    if year is None:
        notes.append(
            "National figures are published for financial years (1 April to 31 March): choose "
            "a whole financial year to see them beside these figures."
        )
    elif national_year is None:
        notes.append(f"No published {ENGLAND_AND_WALES} figures for {year} are loaded yet.")
    elif national_year == "2024/25":
        notes.append(
            "2024/25 national figures come from the Prevent Case Management Tracker: the Home "
            "Office advises comparing them with earlier years with caution."
        )
    report = exact_report(
        REPORT_ID,
        "Prevent referrals: Home Office-style statistics",
        scope,
        start,
        end,
        sections=sections,
        notes=notes,
        meta={
            "scope": scope.kind,
            "financial_year": year,
            "national_year": national_year,
            "authorities": len(scope.authorities),
        },
    )
    report.marking = marking_by_content(report)
    return report


def _shown(value: object) -> str:
    """A count in a sentence as its table shows it: hidden counts stay hidden."""
    if isinstance(value, Suppressed):
        if value.shown.startswith("<"):
            return f"fewer than {value.shown[1:]}"
        return "an unpublished number (hidden to protect small numbers)"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def finish(report: Report) -> None:
    """A headline above the journey table, from the table as published."""
    journey = report.table("journey")
    rows = {row["label"]: row for row in journey.rows}
    received = rows["Referrals received"]
    sentence = (
        f"{report.authority_name} received {_shown(received['count'])} referrals from "
        f"{report.start:%-d %B %Y} to {report.end:%-d %B %Y}"
    )
    national = received.get("national")
    if isinstance(national, int):
        sentence += f" ({ENGLAND_AND_WALES}: {national:,})"
    sentence += "."
    discussed = rows["Discussed at a Channel panel"]["count"]
    adopted = rows["Adopted as a Channel case"]["count"]
    sentence += (
        f" Of them, {_shown(discussed)} had been discussed at a Channel panel and "
        f"{_shown(adopted)} adopted as Channel cases by the end of the period."
    )
    report.sections[0].paragraphs.insert(0, sentence)


HOME_OFFICE_STATISTICS = register(
    ReportType(
        id=REPORT_ID,
        title="Home Office-style statistics",
        description=(
            "Referrals by sector, type of concern, age and gender, and the journey to "
            "Channel, in the Home Office's categories, beside the published England and "
            "Wales figures for the same year."
        ),
        kind=Kind.STATISTICS,
        builder=build_for_scope,
        finish=finish,
        scopes=(AUTHORITY, REGION, NATIONAL),
    )
)
