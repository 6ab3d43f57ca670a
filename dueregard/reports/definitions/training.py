"""Training compliance: the report behind `manage.py report training` and its pages.

Composes `dueregard.training.metrics` into tables (ids are a public interface, see
docs/training.md): `compliance`, `delivery_by_organisation`, `trainers`, `evaluation`,
`evaluation_needs`, `evaluation_returns`, `reach`, and one `compliance_over_time_<org>_<level>`
table per organisation and level with its line chart and target line.
"""

from __future__ import annotations

import datetime

from dueregard.accounts.permissions import Kind
from dueregard.areas.models import Authority
from dueregard.reports.data import (
    Chart,
    Column,
    Field,
    Report,
    Section,
    Table,
    exact_report,
    records_table,
)
from dueregard.reports.registry import ReportType, for_authority, register
from dueregard.training import metrics


def _target(value: object) -> float | None:
    return float(value) if value is not None else None  # type: ignore[arg-type]


def compliance_table(rows: list[metrics.ComplianceRow]) -> Table:
    return records_table(
        "compliance",
        "Compliance by organisation, level and date",
        rows,
        [
            Field("label", "Organisation", "label", attr="organisation"),
            Field("level", "Level", "label"),
            Field("as_of", "As of", "date", read=lambda r: r.as_of.isoformat()),
            Field("eligible", "Eligible staff"),
            Field("compliant", "Compliant"),
            Field("not_compliant", "Not compliant"),
            Field("percent_compliant", "% compliant", "percent"),
            Field("target", "Target %", "percent", read=lambda r: _target(r.target)),
            Field("meets_target", "Meets target", "flag"),
        ],
        denominator="eligible staff in the same row",
        derived_from={"percent_compliant": "compliant"},
        percent_of={"percent_compliant": "eligible"},
        notes=[
            (
                "From the headcount snapshots dated in the period. Meets target compares the "
                "exact share with the target, so 84.7% does not meet an 85% target."
            ),
            "The target is the organisation's own for the level, or else the level's default.",
        ],
    )


def compliance_over_time(
    rows: list[metrics.ComplianceRow],
) -> tuple[list[Table], list[Chart]]:
    """One small table and line chart per organisation and level, with the target line."""
    series: dict[tuple[int, int], list[metrics.ComplianceRow]] = {}
    for row in rows:
        series.setdefault((row.organisation_id, row.level_id), []).append(row)
    tables, charts = [], []
    for (organisation_id, level_id), points in series.items():
        first = points[0]
        table_id = f"compliance_over_time_{organisation_id}_{level_id}"
        title = f"{first.organisation}: {first.level}"
        tables.append(
            Table(
                id=table_id,
                title=f"{title}, compliance over time",
                columns=[
                    Column("label", "As of", "date"),
                    Column("eligible", "Eligible staff", "count"),
                    Column("compliant", "Compliant", "count"),
                    Column("percent_compliant", "% compliant", "percent"),
                    Column("target", "Target %", "percent"),
                ],
                rows=[
                    {
                        "label": p.as_of.isoformat(),
                        "eligible": p.eligible,
                        "compliant": p.compliant,
                        "percent_compliant": p.percent_compliant,
                        "target": _target(p.target),
                    }
                    for p in points
                ],
                derived_from={"percent_compliant": "compliant"},
                percent_of={"percent_compliant": "eligible"},
            )
        )
        target = _target(points[-1].target)
        charts.append(
            Chart(
                id=f"chart_{table_id}",
                title=f"{title}: % compliant",
                table_id=table_id,
                x="label",
                series=["percent_compliant"],
                kind="line",
                y_label="% of eligible staff compliant",
                target=target,
                target_label=f"target {target:g}%" if target is not None else "",
            )
        )
    return tables, charts


def delivery_table(rows: list[metrics.DeliveryRow]) -> Table:
    return records_table(
        "delivery_by_organisation",
        "Training delivered by organisation",
        rows,
        [
            Field("label", "Organisation", "label", attr="organisation"),
            Field("level", "Level", "label"),
            Field(
                "staff_requiring_training", "Staff requiring training", attr="requiring_training"
            ),
            Field("staff_trained", "Staff trained", attr="trained"),
            Field("percent_trained", "% trained", "percent"),
            Field("sessions_delivered", "Sessions delivered", attr="sessions"),
        ],
        denominator="staff requiring training in the same row",
        derived_from={"percent_trained": "staff_trained"},
        percent_of={"percent_trained": "staff_requiring_training"},
        notes=[
            (
                "Staff requiring training: eligible staff in the organisation's latest headcount "
                "snapshot for the level up to the end of the period (blank where there is none). "
                "Staff trained: attendees from the organisation at sessions of that level held "
                "in the period."
            )
        ],
    )


def trainers_table(rows: list[metrics.TrainerRow]) -> Table:
    return records_table(
        "trainers",
        "Trainers, workforce trained and feedback returned",
        rows,
        [
            Field("label", "Organisation", "label", attr="organisation"),
            Field("level", "Level", "label"),
            Field("trainers", "Trainers"),
            Field("trainers_two_or_more", "Trainers who delivered 2 or more sessions"),
            Field("percent_two_or_more", "% of trainers who delivered 2 or more", "percent"),
            Field(
                "staff_requiring_training", "Staff requiring training", attr="requiring_training"
            ),
            Field("staff_trained", "Staff trained", attr="trained"),
            Field(
                "percent_workforce_trained",
                "% of target workforce trained",
                "percent",
                attr="percent_trained",
            ),
            Field("evaluation_forms_returned", "Evaluation forms returned", attr="forms_returned"),
            Field(
                "percent_evaluation_forms",
                "% of attendees returning a form",
                "percent",
                attr="percent_forms_returned",
            ),
        ],
        derived_from={
            "percent_two_or_more": "trainers_two_or_more",
            "percent_workforce_trained": "staff_trained",
            "percent_evaluation_forms": "evaluation_forms_returned",
        },
        percent_of={
            "percent_two_or_more": "trainers",
            "percent_workforce_trained": "staff_requiring_training",
            "percent_evaluation_forms": "staff_trained",
        },
        notes=[
            (
                "Trainers: the organisation's trainers accredited for the level and in post at "
                "the end of the period; sessions they delivered are counted in the period. "
                "Evaluation forms returned are out of the staff trained (attendees)."
            )
        ],
    )


def evaluation_tables(result: metrics.Evaluation) -> list[Table]:
    ratings = [q for q in result.questions if q.answered_before or q.answered_after]
    yes_no = [q for q in result.questions if q.answered_yes_no]
    returned = (
        f"{result.forms_returned:,} feedback forms were returned by {result.attendees:,} "
        "attendees at professional sessions"
    )
    return [
        records_table(
            "evaluation",
            "Feedback: rated good or excellent before and after the session",
            ratings,
            [
                Field("label", "Question", "label", attr="question"),
                Field("answered_before", "Answered (before)"),
                Field("good_before", "Good or excellent (before)"),
                Field("percent_good_before", "% good or excellent (before)", "percent"),
                Field("answered_after", "Answered (after)"),
                Field("good_after", "Good or excellent (after)"),
                Field("percent_good_after", "% good or excellent (after)", "percent"),
                Field("change_points", "Change (percentage points)", "rate", attr="change"),
            ],
            denominator="feedback forms returned",
            denominator_value=result.forms_returned,
            derived_from={
                "percent_good_before": "good_before",
                "percent_good_after": "good_after",
                "change_points": "good_before",
            },
            percent_of={
                "percent_good_before": "answered_before",
                "percent_good_after": "answered_after",
            },
            notes=[
                (
                    f"{returned}. Each percentage is of the forms that answered that part of the "
                    "question; questions asked only after the session have no before figures."
                )
            ],
        ),
        records_table(
            "evaluation_needs",
            "Feedback: further training or support needed",
            yes_no,
            [
                Field("label", "Question", "label", attr="question"),
                Field("answered", "Answered", attr="answered_yes_no"),
                Field("yes", "Yes"),
                Field("percent_yes", "% yes", "percent"),
            ],
            denominator="forms that answered the question",
            derived_from={"percent_yes": "yes"},
            percent_of={"percent_yes": "answered"},
        ),
        records_table(
            "evaluation_returns",
            "Feedback forms returned",
            [result],
            [
                Field("label", "Sessions", "label", read=lambda _: "Professional sessions"),
                Field("attendees", "Attendees"),
                Field("forms_returned", "Forms returned"),
                Field("percent_returned", "% returned", "percent"),
            ],
            denominator="attendees",
            denominator_value=result.attendees,
            derived_from={"percent_returned": "forms_returned"},
            percent_of={"percent_returned": "attendees"},
        ),
    ]


def reach_table(rows: list[metrics.ReachRow]) -> Table:
    return records_table(
        "reach",
        "Workshops delivered and people reached",
        rows,
        [
            Field("label", "Audience", "label"),
            Field("sessions", "Sessions delivered"),
            Field("people_reached", "People reached", attr="reached"),
        ],
        notes=[
            (
                "Pupils' and parents' resilience and awareness sessions are counted apart from "
                "professional training. People reached counts attendances: someone who came to "
                "two sessions is counted twice."
            )
        ],
    )


def build(authority: Authority, start: datetime.date, end: datetime.date) -> Report:
    compliance_rows = metrics.compliance(authority, start, end)
    over_time_tables, over_time_charts = compliance_over_time(compliance_rows)
    evaluation = metrics.evaluation(authority, start, end)
    reach = metrics.reach(authority, start, end)
    professionals = next(r for r in reach if r.audience == "professionals")
    return exact_report(
        "training",
        "Training compliance",
        authority,
        start,
        end,
        sections=[
            Section(
                id="compliance",
                title="Compliance against target",
                paragraphs=[
                    (
                        "How much of each organisation's relevant workforce held each level of "
                        "Prevent training, from the headcount snapshots the organisations report."
                    )
                ],
                tables=[compliance_table(compliance_rows)],
                subsections=[
                    Section(
                        id="compliance_over_time",
                        title="Compliance over time",
                        tables=over_time_tables,
                        charts=over_time_charts,
                    )
                ]
                if over_time_tables
                else [],
            ),
            Section(
                id="delivery",
                title="Training delivered",
                paragraphs=[
                    (
                        f"{professionals.sessions:,} sessions for professionals were delivered "
                        f"to {professionals.reached:,} attendees in the period."
                    )
                ],
                tables=[
                    delivery_table(metrics.delivery_by_organisation(authority, start, end)),
                    trainers_table(metrics.trainers(authority, start, end)),
                ],
            ),
            Section(
                id="evaluation",
                title="What attendees said",
                tables=evaluation_tables(evaluation),
            ),
            Section(id="reach", title="Reach", tables=[reach_table(reach)]),
        ],
        marking="OFFICIAL",
        meta={"kind": "training"},
    )


register(
    ReportType(
        id="training",
        title="Training compliance",
        description=(
            "Prevent training across the council and its partners: compliance against "
            "target by organisation and level, sessions delivered, trainers, attendees' "
            "feedback and reach to pupils and parents."
        ),
        kind=Kind.TRAINING,
        builder=for_authority(build),
    )
)
