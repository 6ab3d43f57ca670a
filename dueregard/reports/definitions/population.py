"""The "population" report: residents of the authority by age band, sex, ethnic group and
religion, with each group's share. The denominators for equality monitoring.

Resident counts are published census figures, not counts of people known to the
service, so disclosure control leaves them as they are (no sensitive columns).
"""

from __future__ import annotations

import datetime
import re

from dueregard.accounts.permissions import Kind
from dueregard.areas.models import Authority, Characteristic
from dueregard.core.figures import percent

from ..data import OFFICIAL, Chart, Column, Report, Section, Table, exact_report
from ..metrics import resident_population, total_residents
from ..registry import ReportType, for_authority, register

TOTAL_LABEL = "All residents"
CHARACTERISTICS: list[tuple[Characteristic, str, str, str | None]] = [
    # characteristic, table id, column title, chart kind
    (Characteristic.AGE_BAND, "residents-by-age-band", "Age band", "bar"),
    (Characteristic.SEX, "residents-by-sex", "Sex", None),
    (Characteristic.ETHNIC_GROUP, "residents-by-ethnic-group", "Ethnic group", "barh"),
    (Characteristic.RELIGION, "residents-by-religion", "Religion", "barh"),
]
_LAST = ("other", "not ", "no answer", "prefer not", "unknown")


def age_order(label: str) -> tuple[int, str]:
    """Age bands youngest first: "10 or under" and "Under 15" lead, then by first age."""
    lowered = label.casefold()
    if lowered.startswith("under") or "or under" in lowered or "and under" in lowered:
        return (-1, lowered)
    match = re.search(r"\d+", lowered)
    return (int(match.group()) if match else 999, lowered)


def group_order(label: str, count: int) -> tuple[bool, int, str]:
    """Largest group first; "Other ..." and "Not answered"-like groups last."""
    lowered = label.casefold()
    return (lowered.startswith(_LAST), -count, lowered)


def characteristic_table(
    characteristic: Characteristic,
    table_id: str,
    title: str,
    groups: dict[str, int],
    total: int | None,
    authority_name: str,
) -> Table:
    if characteristic == Characteristic.AGE_BAND:
        ordered = sorted(groups.items(), key=lambda item: age_order(item[0]))
    else:
        ordered = sorted(groups.items(), key=lambda item: group_order(*item))
    known = sum(groups.values())
    rows: list[dict[str, object]] = [
        {"label": group, "residents": count, "percent": percent(count, known)}
        for group, count in ordered
    ]
    notes = []
    if rows:
        rows.append({"label": TOTAL_LABEL, "residents": known, "percent": percent(known, known)})
    else:
        notes.append(
            f"No resident counts by {title.lower()} are loaded for {authority_name}: load them "
            "with `manage.py load_areas population FILE` (docs/data-formats.md)."
        )
    not_known: int | None = None
    if total is not None:
        not_known = max(total - known, 0)
        if rows and known > total:
            notes.append(
                f"The groups add up to {known:,}, more than the {total:,} residents loaded as "
                "the authority's total: check the population file."
            )
    return Table(
        id=table_id,
        title=f"Residents by {title.lower()}",
        columns=[
            Column("label", title, "label"),
            Column("residents", "Residents", "count"),
            Column("percent", "% of residents", "percent"),
        ],
        rows=rows,
        denominator=f"residents whose {title.lower()} is recorded",
        denominator_value=known,
        not_known=not_known,
        total_row_label=TOTAL_LABEL if rows else None,
        sensitive_columns=[],
        derived_from={"percent": "residents"},
        notes=notes,
    )


def build(authority: Authority, start: datetime.date, end: datetime.date) -> Report:
    population = resident_population(authority)
    total = total_residents(population)
    section = Section(
        id="residents",
        title="Resident population",
        paragraphs=[
            (
                f"{authority.name} has {total:,} residents."
                if total is not None
                else f"No total resident population is loaded for {authority.name}."
            ),
            (
                "These are the loaded census counts for the whole authority; they do not "
                "change with the period chosen. They are the denominators for equality "
                "monitoring: rates of referrals per 10,000 residents in each group."
            ),
        ],
    )
    for characteristic, table_id, title, chart_kind in CHARACTERISTICS:
        table = characteristic_table(
            characteristic,
            table_id,
            title,
            population.get(characteristic.value, {}),
            total,
            authority.name,
        )
        section.tables.append(table)
        if chart_kind and table.rows:
            section.charts.append(
                Chart(
                    id=f"{table_id}-chart",
                    title=f"Share of residents by {title.lower()}",
                    table_id=table_id,
                    x="label",
                    series=["percent"],
                    kind="barh" if chart_kind == "barh" else "bar",
                    y_label="% of residents",
                )
            )
    return exact_report(
        "population",
        "Resident population",
        authority,
        start,
        end,
        sections=[section],
        marking=OFFICIAL,
        notes=["Source: resident population counts loaded for the authority (census)."],
    )


POPULATION = register(
    ReportType(
        id="population",
        title="Resident population",
        description=(
            "Residents by age band, sex, ethnic group and religion, with each group's share: "
            "the denominators for equality monitoring."
        ),
        kind=Kind.STATISTICS,
        builder=for_authority(build),
    )
)
