"""Prevent assurance: the report behind `manage.py report assurance`.

Composes `dueregard.assurance.metrics` into tables whose ids are a public interface (see
docs/assurance.md): `actions_by_status`, `overdue_actions`, `actions_by_strategy`,
`self_assessment`, `self_assessment_summary`, `risks_by_rating`,
`risks_by_likelihood_and_impact`, `ctlp_responses`, `threat_levels`, `incidents_by_ward`
and `incidents_by_type`; then the community, projects, council resources and governance
sections of `reports.definitions.community.community_sections`.

Statuses, ratings, likelihood and impact are the council's own records; nothing here
computes a judgement. Figures "as at" use the end of the period.
"""

from __future__ import annotations

import datetime
import functools

from dueregard.accounts.permissions import Kind
from dueregard.areas.models import Authority
from dueregard.assurance import metrics
from dueregard.assurance.models import Impact, Strategy
from dueregard.assurance.queries import threat_levels_between
from dueregard.core.figures import Breakdown
from dueregard.core.periods import financial_year, financial_year_start
from dueregard.reports.data import (
    Column,
    Report,
    Section,
    Table,
    breakdown_table,
    counted,
    exact_report,
)
from dueregard.reports.registry import ReportType, for_authority, register


def _on(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


# The assurance report's one-way tables: a "%" column; counts of actions, risks or
# benchmarks cannot identify people (the incident tables say `people=True`).
_one_way = functools.partial(breakdown_table, percent_title="%", people=False)


def _plan_section(authority: Authority, start: datetime.date, end: datetime.date) -> Section:
    by_status = metrics.actions_by_status(authority, end)
    overdue = metrics.overdue_actions(authority, end)
    in_plan = f"actions in the plan on {_on(end)}"
    status_table = _one_way(
        "actions_by_status",
        f"Actions by status on {_on(end)}",
        "Status",
        by_status,
        count_title="Actions",
        denominator=in_plan,
        total_label="All actions",
        notes=[
            (
                "The status each action had on that date, from its dated progress updates. "
                "Actions withdrawn from the plan by then are not counted."
            )
        ],
    )
    within = overdue.open - overdue.overdue
    overdue_breakdown = Breakdown(
        (
            ("Overdue (past target date, not complete)", overdue.overdue),
            ("Open and not overdue", within),
            ("Complete", overdue.total - overdue.open),
        )
    )
    overdue_table = _one_way(
        "overdue_actions",
        f"Overdue actions on {_on(end)}",
        "Actions",
        overdue_breakdown,
        count_title="Actions",
        denominator=in_plan,
        total_label="All actions",
        notes=[
            (
                f"{counted(overdue.no_target, 'open action')} "
                f"{'has' if overdue.no_target == 1 else 'have'} no target date and "
                f"{'is' if overdue.no_target == 1 else 'are'} never overdue."
            )
        ],
    )
    strategies = Strategy.objects.filter(
        authority=authority, period_start__lte=end, period_end__gte=start
    ).order_by("period_start", "title")
    statuses = [label for label, _ in by_status.groups]
    strategy_rows = []
    for strategy in strategies:
        counts = metrics.actions_by_status(authority, end, strategy)
        late = metrics.overdue_actions(authority, end, strategy)
        row: dict[str, object] = {"label": strategy.title}
        for i, (_, count) in enumerate(counts.groups):
            row[f"status_{i}"] = count
        row["overdue"] = late.overdue
        row["total"] = counts.total
        strategy_rows.append(row)
    by_strategy = Table(
        id="actions_by_strategy",
        title=f"Actions by strategy and status on {_on(end)}",
        columns=[
            Column("label", "Strategy", "label"),
            *[Column(f"status_{i}", label, "count") for i, label in enumerate(statuses)],
            Column("overdue", "Overdue", "count"),
            Column("total", "All actions", "count"),
        ],
        rows=strategy_rows,
        sensitive_columns=[],
        notes=["Strategies whose period overlaps the report's period."],
    )
    return Section(
        id="action_plan",
        title="Strategy and action plan",
        tables=[status_table, overdue_table, by_strategy],
    )


def _benchmark_section(authority: Authority, end: datetime.date) -> Section:
    year = financial_year_start(end)
    label = financial_year(year).label
    ratings = metrics.self_assessment_ratings(authority, year)
    detail = Table(
        id="self_assessment",
        title=f"Self-assessment against the toolkit benchmarks, {label}",
        columns=[
            Column("label", "Benchmark", "label"),
            Column("rating", "Rating", "text"),
            Column("assessed_on", "Assessed on", "date"),
        ],
        rows=[
            {
                "label": f"{r.number}. {r.label}",
                "rating": r.rating_label,
                "assessed_on": r.assessed_on.isoformat() if r.assessed_on else None,
            }
            for r in ratings
        ],
        sensitive_columns=[],
        notes=["Ratings are the council's own judgement, as recorded."],
    )
    summary = _one_way(
        "self_assessment_summary",
        f"Benchmarks by rating, {label}",
        "Rating",
        metrics.ratings_summary(authority, year),
        count_title="Benchmarks",
        denominator="benchmarks assessed",
        total_label="All benchmarks assessed",
        notes=["Not known: benchmarks not yet assessed for the year."],
    )
    return Section(
        id="benchmarks", title="Benchmarks and self-assessment", tables=[detail, summary]
    )


def _risk_section(authority: Authority, start: datetime.date, end: datetime.date) -> Section:
    by_rating = _one_way(
        "risks_by_rating",
        f"Open risks by recorded rating on {_on(end)}",
        "Recorded rating",
        metrics.risks_by_rating(authority, end),
        count_title="Risks",
        denominator="open risks with a recorded rating",
        total_label="All rated risks",
        notes=[
            (
                "The overall rating the council recorded at each risk's latest review on or "
                "before the date; Due Regard does not compute ratings. Not known: no rating "
                "recorded."
            )
        ],
    )
    grid = metrics.risks_by_likelihood_and_impact(authority, end)
    matrix = Table(
        id="risks_by_likelihood_and_impact",
        title=f"Open risks by recorded likelihood and impact on {_on(end)}",
        columns=[
            Column("label", "Likelihood", "label"),
            *[Column(f"impact_{value}", f"Impact {lbl}", "count") for value, lbl in Impact.choices],
            Column("total", "All", "count"),
        ],
        rows=[
            {
                "label": label,
                **{f"impact_{i + 1}": n for i, n in enumerate(counts)},
                "total": sum(counts),
            }
            for label, counts in grid.rows()
        ],
        denominator="open risks",
        denominator_value=grid.total,
        total_column="total",
        sensitive_columns=[],
        notes=["Likelihood and impact as the council recorded them at the latest review."],
    )
    responses = _one_way(
        "ctlp_responses",
        "CTLP recommendations by status of the local response",
        "Response",
        metrics.recommendation_responses(authority),
        count_title="Recommendations",
        denominator="recommendations of the authority's CTLPs",
        total_label="All recommendations",
    )
    levels = threat_levels_between(start, end)
    threat = Table(
        id="threat_levels",
        title="UK national threat level during the period",
        columns=[
            Column("label", "Level", "label"),
            Column("from", "From", "date"),
            Column("meaning", "Meaning", "text"),
        ],
        rows=[
            {"label": t.get_level_display(), "from": t.starts_on.isoformat(), "meaning": t.meaning}
            for t in levels
        ],
        sensitive_columns=[],
        notes=["The level in force at the start of the period and each change in it."],
    )
    return Section(id="risk", title="Risk", tables=[by_rating, matrix, responses, threat])


def _incident_section(authority: Authority, start: datetime.date, end: datetime.date) -> Section:
    by_ward = _one_way(
        "incidents_by_ward",
        "Incidents by ward",
        "Ward",
        metrics.incidents_by_ward(authority, start, end),
        count_title="Incidents",
        denominator="incidents with a known ward",
        total_label="All incidents with a known ward",
        people=True,
        notes=["Every ward of the authority is listed. Not known: no ward recorded."],
    )
    by_type = _one_way(
        "incidents_by_type",
        "Incidents by type",
        "Type",
        metrics.incidents_by_type(authority, start, end),
        count_title="Incidents",
        denominator="incidents logged",
        total_label="All incidents",
        people=True,
    )
    return Section(
        id="incidents",
        title="Incidents connected to the area",
        paragraphs=[
            (
                "Terrorism-related arrests and convictions, extremist stickering and graffiti, "
                "hoaxes against schools and community tension events logged with a date in the "
                "period."
            )
        ],
        tables=[by_ward, by_type],
    )


def build(authority: Authority, start: datetime.date, end: datetime.date) -> Report:
    from dueregard.reports.definitions.community import community_sections

    sections = [
        _plan_section(authority, start, end),
        _benchmark_section(authority, end),
        _risk_section(authority, start, end),
        _incident_section(authority, start, end),
    ]
    sections.extend(community_sections(authority, start, end))
    return exact_report(
        "assurance",
        "Prevent assurance",
        authority,
        start,
        end,
        sections=sections,
    )


register(
    ReportType(
        id="assurance",
        title="Prevent assurance",
        description="The action plan's progress, benchmark self-assessment, the risk register, "
        "CTLP responses, incidents by ward, and community engagement, projects, council "
        "resources and governance.",
        kind=Kind.ASSURANCE,
        builder=for_authority(build),
    )
)
