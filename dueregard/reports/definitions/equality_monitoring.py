"""Equality monitoring (`equality-monitoring`): is the service reaching each group of
residents in proportion? For referrals received and Channel cases adopted in the period,
counts and rates per 10,000 residents by age band, sex, ethnic group and religion, against
the authority's resident population (areas.Population), with 95% confidence intervals and
a flag where a group's rate differs significantly from everyone else's (reports.equality).

No individual is scored: every figure is a count of referrals or cases by group, and the
comparison is about the service's proportionality, not about any person.

The counts come from casework.metrics (referrals by age band, gender, ethnic group and
religion; Channel cases by all four) and the population from reports.metrics.
Gender recorded as "Other" and groups the population table does not hold have no
resident count, so they join the not-known count of the rates table.

Table ids (a public interface): `referrals_by_age_band`, `referrals_by_sex`,
`referrals_by_ethnic_group`, `referrals_by_religion`, and `channel_cases_by_...` the same.
The findings sentences (`findings`) are written after disclosure control, from the
protected tables, so they never quote a hidden count or a rate computed from one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from dueregard.accounts.permissions import Kind
from dueregard.areas.models import Authority, Characteristic
from dueregard.casework import metrics as casework_metrics
from dueregard.core.figures import Breakdown

from .. import metrics
from ..data import Chart, Report, Section, Suppressed, Table, exact_report
from ..disclosure import marking_by_content
from ..equality import HIGHER, LOWER, equality_table, group_rates, not_in_population
from ..registry import ReportType, for_authority, register
from .population import age_order, group_order

REPORT_ID = "equality-monitoring"
NO_SCORING = (
    "No individual is scored: this is about the service's proportionality. Every figure "
    "is a count of referrals or Channel cases in a group of residents, compared with the "
    "number of residents in that group."
)
Counter = Callable[[Authority, datetime.date, datetime.date], Breakdown]

# characteristic, heading, words in a sentence
CHARACTERISTICS: list[tuple[Characteristic, str, str]] = [
    (Characteristic.AGE_BAND, "Age band", "age band"),
    (Characteristic.SEX, "Sex", "sex"),
    (Characteristic.ETHNIC_GROUP, "Ethnic group", "ethnic group"),
    (Characteristic.RELIGION, "Religion", "religion"),
]
REFERRAL_COUNTS: dict[Characteristic, Counter] = {
    Characteristic.AGE_BAND: casework_metrics.by_age_band,
    Characteristic.SEX: casework_metrics.by_gender,
    Characteristic.ETHNIC_GROUP: casework_metrics.by_ethnic_group,
    Characteristic.RELIGION: casework_metrics.by_religion,
}
COUNTED = {"referrals": "Referrals", "channel_cases": "Channel cases"}


def table_id(counted: str, characteristic: Characteristic) -> str:
    return f"{counted}_by_{characteristic.value}"


def _ordered(characteristic: Characteristic, population: dict[str, int]) -> dict[str, int]:
    if characteristic == Characteristic.AGE_BAND:
        return dict(sorted(population.items(), key=lambda item: age_order(item[0])))
    return dict(sorted(population.items(), key=lambda item: group_order(*item)))


def rates_table(
    counted: str,
    characteristic: Characteristic,
    heading: str,
    breakdown: Breakdown,
    population: dict[str, int],
    authority_name: str,
) -> Table:
    """One characteristic's table: each resident group's count, rate, interval and
    comparison; counts with no resident group are not known for this purpose."""
    counts = dict(breakdown.groups)
    ordered = _ordered(characteristic, population)
    outside = not_in_population(counts, ordered)
    table = equality_table(
        table_id(counted, characteristic),
        f"{COUNTED[counted]} per 10,000 residents by {heading.lower()}",
        heading,
        group_rates(counts, ordered),
        counted=COUNTED[counted],
        not_known=breakdown.not_known + outside,
    )
    if not ordered:
        table.notes.append(
            f"No resident counts by {heading.lower()} are loaded for {authority_name}, so no "
            "rates can be given: load them with `manage.py load_areas population FILE`."
        )
    outside_groups = [g for g, n in counts.items() if n and g not in ordered]
    if outside_groups:
        table.notes.append(
            "Counted as not known here because the population has no residents in the "
            f"group: {', '.join(outside_groups)}."
        )
    return table


def build(authority: Authority, start: datetime.date, end: datetime.date) -> Report:
    population = metrics.resident_population(authority)
    sections = []
    for counted, intro in (
        ("referrals", "Referrals received in the period, by the group of the person referred."),
        ("channel_cases", "Channel cases: referrals adopted by a Channel panel in the period."),
    ):
        section = Section(id=counted, title=COUNTED[counted], paragraphs=[intro])
        for characteristic, heading, _ in CHARACTERISTICS:
            if counted == "referrals":
                breakdown = REFERRAL_COUNTS[characteristic](authority, start, end)
            else:
                breakdown = casework_metrics.adopted_by(authority, start, end, characteristic.value)
            table = rates_table(
                counted,
                characteristic,
                heading,
                breakdown,
                population.get(characteristic.value, {}),
                authority.name,
            )
            section.tables.append(table)
            if counted == "referrals" and table.rows:
                section.charts.append(
                    Chart(
                        id=f"{table.id}-chart",
                        title=f"Referrals per 10,000 residents by {heading.lower()}",
                        table_id=table.id,
                        x="label",
                        series=["rate"],
                        kind="barh",
                        y_label="Referrals per 10,000 residents",
                        description=(
                            f"The rate of referrals per 10,000 residents in each "
                            f"{heading.lower()} group; the 95% intervals and comparisons are in "
                            "the table."
                        ),
                    )
                )
        sections.append(section)
    report = exact_report(
        REPORT_ID,
        "Equality monitoring",
        authority,
        start,
        end,
        sections=[
            Section(
                id="about",
                title="About these figures",
                paragraphs=[
                    NO_SCORING,
                    (
                        "Rates are per 10,000 residents of each group over the whole period. A "
                        "group is marked higher or lower only where its 95% confidence interval "
                        "and that of everyone else do not overlap: a difference very unlikely "
                        "to be chance. Small groups have wide intervals, so an unmarked group "
                        "is not shown to be the same, only not shown to differ."
                    ),
                ],
            ),
            *sections,
        ],
        notes=[
            (
                "Source: referrals and Channel cases recorded in Due Regard; resident population "
                "counts loaded for the authority (census)."
            ),
        ],
    )
    report.marking = marking_by_content(report)
    return report


# --- findings, written after disclosure control ----------------------------------------


def _number(value: object) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else str(value)


def _group_phrase(row: dict[str, object]) -> str:
    return (
        f"{row['label']} ({_number(row['rate'])} per 10,000, 95% interval "
        f"{_number(row['lower'])} to {_number(row['upper'])})"
    )


def finding(table: Table, words: str, counted: str = "referrals") -> str:
    """One sentence about one characteristic, from a table as published: the groups whose
    rate differs significantly from everyone else's, or that none does. A group whose
    comparison is hidden (its count is small) is never named."""
    name = words[0].upper() + words[1:]
    if not table.rows:
        return f"{name}: no resident counts are loaded, so no rates can be compared."
    if table.denominator_value == 0:
        # A hidden not-known count is never 0 (zeros are never hidden).
        if isinstance(table.not_known, Suppressed) or (table.not_known or 0) > 0:
            return (
                f"{name}: not recorded, or not a group the population counts, for any of the "
                f"{counted} in the period, so no rates can be compared."
            )
        return f"{name}: there were no {counted} to compare with the population."
    higher = [r for r in table.rows if r.get("comparison") == HIGHER]
    lower = [r for r in table.rows if r.get("comparison") == LOWER]
    hidden = any(isinstance(r.get("comparison"), Suppressed) for r in table.rows)
    parts = []
    if higher:
        parts.append(
            "significantly higher than for everyone else for "
            + "; ".join(_group_phrase(r) for r in higher)
        )
    if lower:
        parts.append(
            "significantly lower than for everyone else for "
            + "; ".join(_group_phrase(r) for r in lower)
        )
    if parts:
        sentence = f"{name}: the rate of {counted} per 10,000 residents was " + ", and ".join(parts)
        sentence += "."
    else:
        sentence = (
            f"{name}: no group's rate of {counted} per 10,000 residents differed "
            "significantly from everyone else's."
        )
    if hidden:
        sentence += (
            " Groups with small numbers are not compared here, to protect the people counted."
        )
    return sentence


def findings(report: Report, counted: str = "referrals") -> list[str]:
    """A sentence per characteristic for `counted` ("referrals" or "channel_cases"), from
    `report`'s tables as they stand (protected or exact)."""
    words = "referrals" if counted == "referrals" else "Channel cases"
    sentences = []
    for characteristic, _, description in CHARACTERISTICS:
        try:
            table = report.table(table_id(counted, characteristic))
        except KeyError:
            continue
        sentences.append(finding(table, description, words))
    return sentences


def finish(report: Report) -> None:
    """Add the findings under each section's introduction."""
    for section in report.sections:
        if section.id in COUNTED:
            section.paragraphs.extend(findings(report, section.id))


EQUALITY_MONITORING = register(
    ReportType(
        id=REPORT_ID,
        title="Equality monitoring",
        description=(
            "Referrals and Channel cases per 10,000 residents by age band, sex, ethnic group "
            "and religion, with confidence intervals, flagging groups whose rate differs "
            "significantly from everyone else's. About the service's proportionality: no "
            "individual is scored."
        ),
        kind=Kind.STATISTICS,
        builder=for_authority(build),
        finish=finish,
    )
)
