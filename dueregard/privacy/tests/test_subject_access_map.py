"""The subject access map is complete: every model linked to a person and every field of
every mapped model has a decision (exported, redactable, or withheld with its reason), and
free text is never exported without being offered for redaction."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from dueregard.casework.models import Person
from dueregard.privacy import subject_access
from dueregard.privacy.subject_access import ALL_SECTIONS, NOT_EXPORTED, SECTIONS


def person_linked_models() -> set[str]:
    """Models with a foreign key or one-to-one to Person, or to a model that has one."""
    linked: set[type[models.Model]] = {Person}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model in linked:
                continue
            if any(
                f.is_relation and f.related_model in linked and (f.many_to_one or f.one_to_one)
                for f in model._meta.concrete_fields
            ):
                linked.add(model)
                grew = True
    return {m._meta.label_lower for m in linked}


def test_every_model_linked_to_a_person_has_a_decision() -> None:
    mapped = {s.model._meta.label_lower for s in SECTIONS}
    undecided = person_linked_models() - mapped - set(NOT_EXPORTED)
    assert not undecided, f"Add these models to privacy/subject_access.py: {sorted(undecided)}"
    # Known links, so the walk itself cannot silently find nothing.
    assert {
        "casework.referral",
        "casework.stageevent",
        "casework.panelaction",
        "casework.supportsession",
        "casework.meetingevent",
        "privacy.sharingrecord",
    } <= person_linked_models()


def test_every_field_of_a_mapped_model_has_exactly_one_decision() -> None:
    for section in ALL_SECTIONS:
        fields = subject_access.model_fields(section.model)
        kinds = [set(section.exported), set(section.redactable), set(section.withheld)]
        missing = fields - section.decided()
        assert not missing, f"{section.name}: decide about {sorted(missing)}"
        unknown = section.decided() - fields
        assert not unknown, f"{section.name}: no such fields {sorted(unknown)}"
        for i, a in enumerate(kinds):
            for b in kinds[i + 1 :]:
                assert not a & b, f"{section.name}: {sorted(a & b)} has two decisions"
        for name, reason in section.withheld.items():
            assert len(reason) > 20, f"{section.name}.{name}: name the reason"


def test_free_text_is_redactable_unless_the_system_writes_it() -> None:
    for section in ALL_SECTIONS:
        for f in section.model._meta.concrete_fields:
            if subject_access.is_free_text(f) and f.name in section.exported:
                assert f.name in section.system_written, (
                    f"{section.name}.{f.name} is free text: make it redactable or withheld"
                )
        assert set(section.system_written) <= set(section.exported)


def test_the_issue_16_fields_are_decided_as_promised() -> None:
    by_name = {s.name: s for s in ALL_SECTIONS}
    assert "vulnerabilities" in by_name["referrals"].exported
    assert "age_at_referral" in by_name["referrals"].exported
    assert "progress" in by_name["panel_actions"].redactable
    assert "description" in by_name["panel_actions"].redactable
    assert "purpose" in by_name["information_sharing"].redactable
    assert "partner" in by_name["information_sharing"].redactable
    assert "other_support" in by_name["support_plans"].redactable
    assert "intervention_provider" in by_name["support_plans"].redactable
    assert "provider" in by_name["support_sessions"].redactable
    assert "Schedule 2" in by_name["person"].withheld["legal_hold_reason"]
