"""Committee report templates: an ordered list of sections, and the two presets in the seeds.

A template section is a dict (kept as JSON on `ReportTemplate.sections`):

    {"key": "legal", "kind": "narrative", "title": "5.4 Legal and constitutional references",
     "source": "", "text": "standard text the lead may keep or replace"}

`kind` is one of

* ``figures``   — a registered report's tables and charts (`source` is one of
  `committee.FIGURES` ids or ``equalities``), protected for the audience;
* ``records``   — an appendix drawn from records (`source` is an `appendices.APPENDICES` id);
* ``narrative`` — the officer's words (`text` is the optional standard text).

`clearance_roles` are the roles whose name and date must be recorded before a version is
marked final (seed 000's "report clearance checklist").
"""

from __future__ import annotations

from typing import Any

KINDS = ("figures", "records", "narrative")
KIND_LABELS = {"figures": "Figures", "records": "Appendix from records", "narrative": "Narrative"}


def _n(key: str, title: str, text: str = "") -> dict[str, str]:
    return {"key": key, "kind": "narrative", "title": title, "source": "", "text": text}


def _f(source: str, title: str) -> dict[str, str]:
    return {"key": source, "kind": "figures", "title": title, "source": source, "text": ""}


def _r(source: str, title: str) -> dict[str, str]:
    return {
        "key": f"appendix_{source}",
        "kind": "records",
        "title": title,
        "source": source,
        "text": "",
    }


NO_FINANCE = "There are no financial implications arising from the recommendations of this report."
LEGAL = (
    "Section 26 of the Counter-Terrorism and Security Act 2015 places a duty on specified "
    "authorities to have due regard to the need to prevent people from being drawn into "
    "terrorism; section 36 requires the council to have a Channel panel."
)
EQUALITIES = (
    "The Prevent duty applies equally to everyone regardless of age, disability, gender "
    "reassignment, marriage or civil partnership, pregnancy and maternity, race, religion or "
    "belief, sex or sexual orientation."
)

APPENDIX_SECTIONS = [
    _r("action_plan", "Appendix: Prevent action plan"),
    _r("ctlp", "Appendix: Counter-Terrorism Local Profile and our response"),
    _r("risk_register", "Appendix: Prevent risk register"),
    _r("boards", "Appendix: Boards and reporting"),
    _r("projects", "Appendix: Funded projects"),
    _r("meeting_topics", "Appendix: Board meetings and their topics"),
    _r("sharing_agreements", "Appendix: Information-sharing agreements"),
    _r("channel_exits", "Appendix: Exits from Channel by reason"),
]

BARNET: dict[str, Any] = {
    "name": "Committee report (Barnet style)",
    "clearance_roles": [
        "Committee chairman",
        "Chief officer",
        "Legal",
        "Finance",
        "Governance",
    ],
    "sections": [
        _n("summary", "Summary"),
        _n("recommendations", "Recommendations"),
        _n("why", "1. Why this report is needed"),
        _f("casework", "1.1 Referrals and Channel casework"),
        _f("training", "1.2 Training"),
        _f("engagement", "1.3 Community engagement"),
        _f("projects", "1.4 Funded projects"),
        _f("risk", "1.5 Risk and threat level"),
        _f("governance", "1.6 Governance"),
        _n("reasons", "2. Reasons for recommendations"),
        _n("alternatives", "3. Alternative options considered and not recommended"),
        _n("implementation", "4. Post decision implementation"),
        _n("implications", "5. Implications of decision"),
        _n("priorities", "5.1 Corporate priorities and performance"),
        _n(
            "resources",
            "5.2 Resources (finance and value for money, procurement, staffing, IT, property, "
            "sustainability)",
            NO_FINANCE,
        ),
        _n("social_value", "5.3 Social value"),
        _n("legal", "5.4 Legal and constitutional references", LEGAL),
        _n("risk_management", "5.5 Risk management"),
        _f("equalities", "5.6 Equalities and diversity"),
        _n("corporate_parenting", "5.7 Corporate parenting"),
        _n("consultation", "5.8 Consultation and engagement"),
        _n("insight", "5.9 Insight"),
        _n("background", "6. Background papers"),
        *APPENDIX_SECTIONS,
    ],
}

BARKING: dict[str, Any] = {
    "name": "Cabinet report (Barking and Dagenham style)",
    "clearance_roles": ["Accountable director", "Finance", "Legal"],
    "sections": [
        _n("summary", "Summary"),
        _n("recommendations", "Recommendations"),
        _n("reasons", "Reasons"),
        _n("introduction", "1. Introduction and background"),
        _f("casework", "2. Referrals and Channel casework"),
        _f("training", "3. Training"),
        _f("engagement", "4. Community engagement and funded projects"),
        _f("governance", "5. Governance"),
        _n("consultation", "6. Consultation"),
        _n("financial", "7. Financial implications", NO_FINANCE),
        _n("legal", "8. Legal implications", LEGAL),
        _n("other", "9. Other implications"),
        _n("risk_management", "9.1 Risk management"),
        _n("staffing", "9.2 Staffing issues"),
        _n("customer_impact", "9.3 Corporate policy and customer impact", EQUALITIES),
        _n("safeguarding", "9.4 Safeguarding children"),
        _n("health", "9.5 Health issues"),
        _n("crime_disorder", "9.6 Crime and disorder issues"),
        _n("property", "9.7 Property and asset issues"),
        _n("background", "Public background papers used in the preparation of the report"),
        _n("appendices_list", "List of appendices"),
        _r("action_plan", "Appendix A: Prevent action plan"),
        _r("risk_register", "Appendix B: Prevent risk register"),
        _r("sharing_agreements", "Appendix C: Information-sharing agreements"),
        _r("channel_exits", "Appendix D: Exits from Channel by reason"),
    ],
}

PRESETS: dict[str, dict[str, Any]] = {"barnet": BARNET, "barking-dagenham": BARKING}


def preset(key: str) -> dict[str, Any]:
    """A deep copy of a preset, to be saved and edited as an authority's own template."""
    found = PRESETS[key]
    return {
        "name": found["name"],
        "clearance_roles": list(found["clearance_roles"]),
        "sections": [dict(s) for s in found["sections"]],
    }


def sections_text(sections: list[dict[str, Any]]) -> str:
    """The sections as the edit page shows them: one a line, "kind | source | title" (a
    narrative section's source is its key, which keeps its words when it is renamed)."""
    return "\n".join(
        f"{s['kind']} | {s.get('source') or s['key']} | {s['title']}" for s in sections
    )
