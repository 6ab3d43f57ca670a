"""The committee report: the structure of the seeds' board reports, filled from the records.

    cover table (title, report of, wards, status, urgent, key, enclosures, officer contact)
    Summary
    Officers' recommendations
    1. Why this report is needed
       1.1 Referrals and Channel casework   (journey, quarter by quarter, panels)
       1.2 Training                          (compliance, workshops and reach)
       1.3 Community engagement              (groups engaged, engagements)
       1.4 Funded projects                   (outputs, spend)
       1.5 Risk and threat level             (national threat level, risk register)
       1.6 Governance                        (board meetings, reports to boards)
       1.7 Channel support delivery          (contacts planned and delivered, lapses)
       1.8 Casework assurance                (repeat and onward referrals, days between stages)
    2. Reasons for recommendations
    3. Alternative options considered and not recommended
    4. Post decision implementation
    5. Implications of decision
       5.1 Equalities and diversity          (filled from equality monitoring)
    6. Background papers

Every table and chart is taken from another report definition's build
(`referral-statistics`, `training`, `assurance`, `channel-support`,
`casework-assurance`, `equality-monitoring`), so each number
is computed in one place. `build()` assembles the exact report; `produce()` protects it
for the audience (reports.disclosure) and only then writes the sentences that quote
figures, from the protected tables, so no sentence gives away a hidden count.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dueregard.core.periods import financial_year, financial_year_start

from . import disclosure, registry
from .data import Column, Report, Section, Suppressed, Table, exact_report
from .definitions import equality_monitoring

REPORT_ID = "committee"
NO_ENTRY = "\N{EN DASH}"

# (section id, title, source report, table ids, chart ids)
FIGURES: list[tuple[str, str, str, list[str], list[str]]] = [
    (
        "casework",
        "1.1 Referrals and Channel casework",
        "referral-statistics",
        ["journey", "by_quarter", "panels"],
        ["journey-chart", "by-quarter-chart"],
    ),
    ("training", "1.2 Training", "training", ["compliance", "reach"], []),
    (
        "engagement",
        "1.3 Community engagement",
        "assurance",
        ["community_engagement_summary", "engagements_by_type"],
        [],
    ),
    (
        "projects",
        "1.4 Funded projects",
        "assurance",
        ["project_output_totals", "project_spend"],
        [],
    ),
    ("risk", "1.5 Risk and threat level", "assurance", ["threat_levels", "risks_by_rating"], []),
    (
        "governance",
        "1.6 Governance",
        "assurance",
        ["meetings_by_board", "reports_presented"],
        [],
    ),
    (
        "support",
        "1.7 Channel support delivery",
        "channel-support",
        ["support_by_quarter", "support_by_intervention"],
        [],
    ),
    (
        "casework_assurance",
        "1.8 Casework assurance",
        "casework-assurance",
        [
            "repeat_referrals",
            "onward_referrals",
            "days_receipt_to_triage",
            "days_triage_to_gateway",
            "days_gateway_to_panel",
            "days_panel_to_decision",
            "days_exit_to_review_6",
            "days_exit_to_review_12",
            "days_exit_to_review_extended",
        ],
        [],
    ),
]
SOURCE_TITLES = {
    "referral-statistics": "Referrals and Channel casework",
    "training": "Training compliance",
    "assurance": "Prevent assurance",
    "casework-assurance": "Casework assurance",
    "equality-monitoring": "Equality monitoring",
    "channel-support": "Channel support delivery",
}
EQUALITY_TABLES = [
    equality_monitoring.table_id("referrals", c) for c, _, _ in equality_monitoring.CHARACTERISTICS
]


@dataclass(frozen=True)
class Narrative:
    """What the Prevent lead writes: the cover details and the narrative paragraphs."""

    title: str
    board_name: str
    meeting_date: datetime.date | None = None
    report_of: str = ""
    wards: str = "All"
    status: str = "Public"
    urgent: bool = False
    key_decision: bool = False
    enclosures: str = "None"
    officer_contact: str = ""
    accountable_directors: str = ""
    summary: str = ""
    recommendations: str = ""
    context: str = ""
    reasons: str = ""
    alternatives: str = ""
    implementation: str = ""
    implications: str = ""
    equalities: str = ""
    background_papers: str = ""

    @classmethod
    def of(cls, record: Any) -> Narrative:
        """From a CommitteeReport."""
        names = [f for f in cls.__dataclass_fields__ if f != "board_name"]
        return cls(board_name=record.board.name, **{n: getattr(record, n) for n in names})


def paragraphs(text: str) -> list[str]:
    """Paragraphs separated by a blank line; lines within one are joined."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [
        " ".join(line.strip() for line in b.splitlines() if line.strip())
        for b in blocks
        if b.strip()
    ]


def lines(text: str) -> list[str]:
    """Non-empty lines, without any numbering the writer typed ("1.", "2)", "-")."""
    found = []
    for line in text.replace("\r\n", "\n").splitlines():
        line = re.sub(r"^\s*(\d+[.)]|[-*•])\s*", "", line).strip()
        if line:
            found.append(line)
    return found


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last complete financial year."""
    year = financial_year(financial_year_start(today) - 1)
    return year.start, year.end


# --- assembling ------------------------------------------------------------------------


def _built(
    report_id: str, authority: Any, start: datetime.date, end: datetime.date
) -> Report | None:
    try:
        report_type = registry.get(report_id)
    except KeyError:
        return None
    return report_type.build(authority, start, end)


def _take(source: Report | None, table_ids: Iterable[str], chart_ids: Iterable[str]) -> Section:
    section = Section(id="", title="")
    if source is None:
        return section
    tables = {t.id: t for t in source.all_tables()}
    section.tables = [tables[i] for i in table_ids if i in tables]
    present = {t.id for t in section.tables}
    section.charts = [
        c for c in source.all_charts() if c.id in set(chart_ids) and c.table_id in present
    ]
    return section


def latest_compliance(table: Table) -> Table:
    """The compliance table keeps every headcount snapshot of the period; a board reads the
    latest for each organisation and level. Rows are selected, never recomputed."""
    latest: dict[tuple[Any, Any], dict[str, Any]] = {}
    for row in table.rows:
        key = (row.get("label"), row.get("level"))
        if key not in latest or str(row.get("as_of")) >= str(latest[key].get("as_of")):
            latest[key] = row
    table.rows = list(latest.values())
    table.title = "Compliance by organisation and level: the latest in the period"
    table.notes.append(
        "The latest headcount snapshot in the period for each organisation and level; the "
        "training compliance report has every snapshot."
    )
    return table


def _cover(narrative: Narrative) -> Table:
    rows = [
        ("Title", narrative.title),
        ("Report of", narrative.report_of or NO_ENTRY),
        ("Wards", narrative.wards or "All"),
        ("Status", narrative.status or "Public"),
        ("Urgent", "Yes" if narrative.urgent else "No"),
        ("Key", "Yes" if narrative.key_decision else "No"),
        ("Enclosures", narrative.enclosures or "None"),
        ("Officer contact details", " ".join(lines(narrative.officer_contact)) or NO_ENTRY),
    ]
    if narrative.accountable_directors:
        rows.append(("Accountable directors", narrative.accountable_directors))
    return Table(
        id="cover",
        title="Cover",
        columns=[Column("label", "Item", "label"), Column("value", "Details", "text")],
        rows=[{"label": label, "value": value} for label, value in rows],
        sensitive_columns=[],
    )


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def build(
    authority: Any,
    start: datetime.date,
    end: datetime.date,
    narrative: Narrative,
) -> Report:
    """The committee report with exact figures (audience "exact"), marked by content."""
    sources: dict[str, Report | None] = {}
    for report_id in [*dict.fromkeys(s for _, _, s, _, _ in FIGURES), "equality-monitoring"]:
        sources[report_id] = _built(report_id, authority, start, end)

    heading = narrative.board_name + (
        f", {_day(narrative.meeting_date)}" if narrative.meeting_date else ""
    )
    sections = [
        Section(
            id="cover",
            title="Report details",
            paragraphs=[heading],
            tables=[_cover(narrative)],
        ),
        Section(id="summary", title="Summary", paragraphs=paragraphs(narrative.summary)),
        Section(
            id="recommendations",
            title="Officers' recommendations",
            paragraphs=[
                f"{n}. {text}" for n, text in enumerate(lines(narrative.recommendations), 1)
            ],
        ),
    ]
    why = Section(
        id="why",
        title="1. Why this report is needed",
        paragraphs=[
            *paragraphs(narrative.context),
            f"The figures below are for {_day(start)} to {_day(end)}.",
        ],
    )
    missing = []
    for section_id, title, source_id, table_ids, chart_ids in FIGURES:
        taken = _take(sources[source_id], table_ids, chart_ids)
        taken.id, taken.title = section_id, title
        taken.tables = [latest_compliance(t) if t.id == "compliance" else t for t in taken.tables]
        if sources[source_id] is None:
            missing.append(SOURCE_TITLES[source_id])
            taken.paragraphs.append("These figures are not available in this installation.")
        why.subsections.append(taken)
    sections.append(why)
    sections += [
        Section(
            id="reasons",
            title="2. Reasons for recommendations",
            paragraphs=paragraphs(narrative.reasons),
        ),
        Section(
            id="alternatives",
            title="3. Alternative options considered and not recommended",
            paragraphs=paragraphs(narrative.alternatives),
        ),
        Section(
            id="implementation",
            title="4. Post decision implementation",
            paragraphs=paragraphs(narrative.implementation),
        ),
    ]
    equality = _take(sources["equality-monitoring"], EQUALITY_TABLES, [])
    equality.id, equality.title = "equalities", "5.1 Equalities and diversity"
    equality.paragraphs = [equality_monitoring.NO_SCORING]
    sections.append(
        Section(
            id="implications",
            title="5. Implications of decision",
            paragraphs=paragraphs(narrative.implications),
            subsections=[equality],
        )
    )
    sections.append(
        Section(
            id="background",
            title="6. Background papers",
            paragraphs=[
                f"6.{n} {text}" for n, text in enumerate(lines(narrative.background_papers), 1)
            ],
        )
    )
    _unique_ids(sections)
    report = exact_report(
        REPORT_ID,
        narrative.title,
        authority,
        start,
        end,
        sections=sections,
        notes=[
            (
                "Figures are counted from the records held in Due Regard; each table says what "
                "it counts. Percentages are rounded half up to one decimal place."
            ),
            *(f"{title}: not available, so its figures are left out." for title in missing),
        ],
        meta={"board": narrative.board_name, "kind": "committee-report"},
    )
    report.marking = disclosure.marking_by_content(report)
    # What the lead wrote for the equalities paragraph follows the figures (in `finish`).
    report.meta["equalities_text"] = narrative.equalities
    return report


def _unique_ids(sections: list[Section]) -> None:
    """Tables from different reports could share an id: keep every id unique."""
    seen: set[str] = set()

    def walk(items: list[Section]) -> None:
        for section in items:
            for table in section.tables:
                if table.id in seen:
                    old = table.id
                    table.id = f"{section.id}-{old}"
                    for chart in section.charts:
                        if chart.table_id == old:
                            chart.table_id = table.id
                seen.add(table.id)
            walk(section.subsections)

    walk(sections)


# --- reports built on a template (reports.templates_presets) ------------------------------

SCHEDULE_12A = {
    "1": "Information relating to any individual.",
    "2": "Information which is likely to reveal the identity of an individual.",
    "3": (
        "Information relating to the financial or business affairs of any particular person "
        "(including the authority holding that information)."
    ),
    "4": (
        "Information relating to any consultations or negotiations, or contemplated "
        "consultations or negotiations, in connection with any labour relations matter."
    ),
    "5": (
        "Information in respect of which a claim to legal professional privilege could be "
        "maintained in legal proceedings."
    ),
    "6": (
        "Information which reveals that the authority proposes to give a notice or to make an "
        "order or direction under any enactment."
    ),
    "7": (
        "Information relating to any action taken or to be taken in connection with the "
        "prevention, investigation or prosecution of crime."
    ),
}


def exempt_note(title: str, paragraph: str) -> str:
    return (
        f"{title} is exempt under paragraph {paragraph} of Part 1 of Schedule 12A to the Local "
        "Government Act 1972 and is not published; it is circulated separately."
    )


def build_templated(
    authority: Any,
    start: datetime.date,
    end: datetime.date,
    narrative: Narrative,
    template_sections: list[dict[str, Any]],
    texts: dict[str, str],
    exempt: dict[str, str],
) -> tuple[Report, Report | None]:
    """A report built on a template: the cover, then each section in the template's order.
    Returns the public report and, when any appendix is exempt, the exempt appendices as a
    report of their own (never part of the public one). Both have exact figures."""
    from . import appendices

    figures = {f[0]: f for f in FIGURES}
    sources: dict[str, Report | None] = {}

    def source(report_id: str) -> Report | None:
        if report_id not in sources:
            sources[report_id] = _built(report_id, authority, start, end)
        return sources[report_id]

    heading = narrative.board_name + (
        f", {_day(narrative.meeting_date)}" if narrative.meeting_date else ""
    )
    public = [
        Section(
            id="cover", title="Report details", paragraphs=[heading], tables=[_cover(narrative)]
        )
    ]
    withheld: list[Section] = []
    missing: list[str] = []
    letter = 0
    for spec in template_sections:
        key, kind, title = spec["key"], spec["kind"], spec["title"]
        if kind == "narrative":
            written = texts.get(key, "")
            public.append(
                Section(id=key, title=title, paragraphs=paragraphs(written or spec.get("text", "")))
            )
        elif kind == "figures" and spec.get("source") == "equalities":
            section = _take(source("equality-monitoring"), EQUALITY_TABLES, [])
            section.id, section.title = "equalities", title
            section.paragraphs = [equality_monitoring.NO_SCORING]
            public.append(section)
        elif kind == "figures":
            _, _, source_id, table_ids, chart_ids = figures[spec["source"]]
            section = _take(source(source_id), table_ids, chart_ids)
            section.id, section.title = spec["source"], title
            section.tables = [
                latest_compliance(t) if t.id == "compliance" else t for t in section.tables
            ]
            if sources[source_id] is None:
                missing.append(SOURCE_TITLES[source_id])
                section.paragraphs.append("These figures are not available in this installation.")
            public.append(section)
        else:
            letter += 1
            section = appendices.build(spec["source"], authority, start, end)
            section.id, section.title = key, title
            for table in section.tables:
                table.title = f"{title}: {table.title}"
            if key in exempt:
                withheld.append(section)
                public.append(
                    Section(id=key, title=title, paragraphs=[exempt_note(title, exempt[key])])
                )
            else:
                public.append(section)
    _unique_ids(public)
    notes = [
        (
            "Figures are counted from the records held in Due Regard; each table says what "
            "it counts. Percentages are rounded half up to one decimal place."
        ),
        *(f"{t}: not available, so its figures are left out." for t in dict.fromkeys(missing)),
    ]
    meta = {"board": narrative.board_name, "kind": "committee-report"}
    report = exact_report(
        REPORT_ID, narrative.title, authority, start, end, sections=public, notes=notes, meta=meta
    )
    report.marking = disclosure.marking_by_content(report)
    report.meta["equalities_text"] = texts.get("equalities", "")
    exempt_report = None
    if withheld:
        _unique_ids(withheld)
        exempt_report = exact_report(
            REPORT_ID,
            f"{narrative.title}: exempt appendices",
            authority,
            start,
            end,
            sections=[
                Section(
                    id="exempt-notice",
                    title="Not for publication",
                    paragraphs=[exempt_note(s.title, exempt[s.id]) for s in withheld],
                ),
                *withheld,
            ],
            notes=notes[:1],
            meta={**meta, "kind": "committee-report-exempt"},
        )
        exempt_report.marking = disclosure.marking_by_content(exempt_report)
    return report, exempt_report


def produce_templated(
    authority: Any,
    start: datetime.date,
    end: datetime.date,
    narrative: Narrative,
    template_sections: list[dict[str, Any]],
    texts: dict[str, str],
    exempt: dict[str, str],
    audience: str,
) -> tuple[Report, Report | None]:
    """The templated report and its exempt appendices for `audience`: protected, then
    worded."""
    report, withheld = build_templated(
        authority, start, end, narrative, template_sections, texts, exempt
    )
    report = disclosure.apply(report, audience)
    finish(report)
    if withheld is not None:
        withheld = disclosure.apply(withheld, audience)
    return report, withheld


# --- sentences from the published tables -------------------------------------------------


def number_words(value: Any) -> str:
    """A count in a sentence as the table shows it: hidden counts stay hidden."""
    if isinstance(value, Suppressed):
        if value.shown.startswith("<"):
            return f"fewer than {value.shown[1:]}"
        return "an unpublished number (hidden to protect small numbers)"
    if value is None:
        return "no figure"
    return f"{value:,}"


def count_words(value: Any, noun: str) -> str:
    if isinstance(value, Suppressed) and not value.shown.startswith("<"):
        return f"an unpublished number of {noun} (hidden to protect small numbers)"
    return f"{number_words(value)} {noun}"


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rows(report: Report, table_id: str) -> dict[str, dict[str, Any]]:
    """A table's rows by the value of its first (label) column."""
    try:
        table = report.table(table_id)
    except KeyError:
        return {}
    key = table.columns[0].id if table.columns else "label"
    return {str(r.get(key)): r for r in table.rows}


def _section(report: Report, section_id: str) -> Section | None:
    def walk(items: list[Section]) -> Section | None:
        for s in items:
            if s.id == section_id:
                return s
            found = walk(s.subsections)
            if found:
                return found
        return None

    return walk(report.sections)


def casework_sentences(report: Report) -> list[str]:
    journey = _rows(report, "journey")
    if not journey:
        return []

    def stage(label: str) -> str:
        return number_words(journey.get(label, {}).get("count"))

    sentences = [
        upper_first(count_words(journey.get("Referrals received", {}).get("count"), "referrals"))
        + f" were received from {_day(report.start)} to {_day(report.end)}. Of them, "
        f"{stage('Referred to the police gateway')} were referred to the police gateway for "
        f"assessment, {stage('Discussed at a Channel panel')} were discussed at a Channel "
        f"panel and {stage('Adopted as a Channel case')} were adopted as Channel cases by the "
        "end of the period."
    ]
    try:
        panels = report.table("panels")
    except KeyError:
        return sentences
    total = next((r for r in panels.rows if panels.is_total_row(r)), None)
    held = (total or (panels.rows[0] if panels.rows else {})).get("meetings_held", 0)
    sentences.append(upper_first(count_words(held, "Channel panel meetings")) + " were held.")
    return sentences


def training_sentences(report: Report) -> list[str]:
    sentences = []
    for label, row in _rows(report, "reach").items():
        lowered = label.casefold()
        sessions, people = row.get("sessions"), row.get("people_reached")
        if lowered.startswith("professional"):
            sentences.append(
                upper_first(count_words(sessions, "Prevent awareness sessions and workshops"))
                + f" were delivered to {count_words(people, 'professionals')}."
            )
        elif lowered.startswith("pupil"):
            sentences.append(
                upper_first(count_words(people, "pupils and students"))
                + f" attended {count_words(sessions, 'resilience and awareness sessions')}."
            )
        elif lowered.startswith("parent"):
            sentences.append(
                upper_first(count_words(people, "parents and carers"))
                + f" attended {count_words(sessions, 'online safety and awareness sessions')}."
            )
    return sentences


def engagement_sentences(report: Report) -> list[str]:
    summary = _rows(report, "community_engagement_summary")
    groups = summary.get("Community groups engaged", {}).get("number")
    if groups is None and not summary:
        return []
    return [
        upper_first(count_words(groups, "separate community groups"))
        + " engaged with the Prevent team in the period."
    ]


def risk_sentences(report: Report) -> list[str]:
    try:
        levels = report.table("threat_levels").rows
    except KeyError:
        return []
    if not levels:
        return ["No national threat level is recorded for the period."]
    latest = levels[-1]
    meaning = f" ({latest['meaning']})" if latest.get("meaning") else ""
    level = str(latest["label"]).upper()
    return [f"The UK national threat level at the end of the period was {level}{meaning}."]


def governance_sentences(report: Report, board_name: str) -> list[str]:
    try:
        table = report.table("meetings_by_board")
    except KeyError:
        return []
    row = next((r for r in table.rows if r.get("board") == board_name), None)
    if row is None:
        return []
    expected = row.get("meetings_expected")
    tail = f", of {expected} expected from its terms of reference" if expected else ""
    return [f"The {board_name} met {count_words(row.get('meetings_held'), 'times')}{tail}."]


def finish(report: Report) -> None:
    """Write the sentences that quote figures, from the tables as published."""
    for section_id, sentences in (
        ("casework", casework_sentences(report)),
        ("training", training_sentences(report)),
        ("engagement", engagement_sentences(report)),
        ("risk", risk_sentences(report)),
        ("governance", governance_sentences(report, str(report.meta.get("board", "")))),
    ):
        section = _section(report, section_id)
        if section is not None:
            section.paragraphs[:0] = sentences
    equalities = _section(report, "equalities")
    if equalities is not None:
        found = equality_monitoring.findings(report, "referrals")
        equalities.paragraphs += found or [
            "Equality monitoring figures are not available in this installation."
        ]
        equalities.paragraphs += paragraphs(str(report.meta.pop("equalities_text", "")))
    report.meta.pop("equalities_text", None)


def produce(
    authority: Any,
    start: datetime.date,
    end: datetime.date,
    narrative: Narrative,
    audience: str,
) -> Report:
    """The committee report for `audience`: built exact, protected, then worded."""
    report = disclosure.apply(build(authority, start, end, narrative), audience)
    finish(report)
    return report
