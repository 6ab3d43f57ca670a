"""Sample records for the URL walk (tests/test_url_access.py): one per URL with parameters."""

from __future__ import annotations

from typing import Any

from . import factories as f


def _pk(obj: Any) -> dict[str, Any]:
    return {"pk": obj.pk}


SAMPLES = {
    "assurance:strategy_detail": lambda w: _pk(f.strategy(w)),
    "assurance:strategy_edit": lambda w: _pk(f.strategy(w)),
    "assurance:strategy_review": lambda w: _pk(f.action(w).strategy),
    "assurance:priority_create": lambda w: _pk(f.strategy(w)),
    "assurance:action_create": lambda w: _pk(f.strategy(w)),
    "assurance:priority_edit": lambda w: _pk(f.priority(w)),
    "assurance:action_detail": lambda w: _pk(f.action(w)),
    "assurance:action_edit": lambda w: _pk(f.action(w)),
    "assurance:action_update": lambda w: _pk(f.action(w)),
    "assurance:action_withdraw": lambda w: _pk(f.action(w)),
    "assurance:benchmark_detail": lambda w: _pk(f.benchmark(2)),
    "assurance:assessment_create": lambda w: {"pk": f.benchmark(2).pk, "year": 2024},
    "assurance:assessment_edit": lambda w: _pk(f.assessment(w)),
    "assurance:evidence_detail": lambda w: _pk(f.evidence(w)),
    "assurance:evidence_edit": lambda w: _pk(f.evidence(w)),
    "assurance:evidence_file": lambda w: _pk(f.evidence(w)),
    "assurance:evidence_withdraw": lambda w: _pk(f.evidence(w)),
    "assurance:pack_docx": lambda w: {"year": 2024},
    "assurance:pack_zip": lambda w: {"year": 2024},
    "assurance:threat_level_detail": lambda w: _pk(f.threat_level(w)),
    "assurance:threat_level_edit": lambda w: _pk(f.threat_level(w)),
    "assurance:threat_level_edit_admin": lambda w: _pk(f.threat_level(w)),
    "assurance:ctlp_detail": lambda w: _pk(f.ctlp(w)),
    "assurance:ctlp_edit": lambda w: _pk(f.ctlp(w)),
    "assurance:recommendation_create": lambda w: _pk(f.ctlp(w)),
    "assurance:recommendation_edit": lambda w: _pk(f.recommendation(w)),
    "assurance:risk_detail": lambda w: _pk(f.risk(w)),
    "assurance:risk_edit": lambda w: _pk(f.risk(w)),
    "assurance:risk_review": lambda w: _pk(f.risk(w)),
    "assurance:risk_close": lambda w: _pk(f.risk(w)),
    "assurance:incident_detail": lambda w: _pk(f.incident(w)),
    "assurance:incident_edit": lambda w: _pk(f.incident(w)),
    "assurance:incident_archive": lambda w: _pk(f.incident(w)),
}
