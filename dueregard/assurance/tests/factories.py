"""Assurance records for tests, made through the services (fictional content only)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from dueregard.assurance import services
from dueregard.assurance.models import (
    CTLP,
    Action,
    Benchmark,
    CTLPRecommendation,
    Evidence,
    Incident,
    Priority,
    Risk,
    SelfAssessment,
    Strategy,
    ThreatLevel,
)

D = datetime.date


def benchmark(number: int = 1) -> Benchmark:
    services.load_toolkit_benchmarks()
    return Benchmark.objects.get(number=number)


def strategy(world: Any, **overrides: Any) -> Strategy:
    values: dict[str, Any] = {
        "authority": world.authority,
        "title": "Testborough Prevent Strategy 2024 to 2027",
        "period_start": D(2024, 4, 1),
        "period_end": D(2027, 3, 31),
        "objective": "Keep residents safe from being drawn into terrorism.",
    }
    values.update(overrides)
    return services.create_strategy(acting_user=world["coordinator"], **values)


def priority(world: Any, plan: Strategy | None = None, number: int = 1) -> Priority:
    return services.add_priority(
        plan or strategy(world),
        number=number,
        title="Understand the local risk",
        acting_user=world["coordinator"],
    )


def action(world: Any, plan: Strategy | None = None, **overrides: Any) -> Action:
    plan = plan or strategy(world)
    values: dict[str, Any] = {
        "reference": "1",
        "title": "Share the CTLP with partners",
        "owner": "Prevent Coordinator",
        "agency": "Testborough Council",
        "added_on": D(2024, 4, 10),
        "target_date": D(2024, 9, 30),
    }
    values.update(overrides)
    return services.add_action(plan, acting_user=world["coordinator"], **values)


def ctlp(world: Any, **overrides: Any) -> CTLP:
    values: dict[str, Any] = {
        "authority": world.authority,
        "title": "Test Cluster CTLP 2024",
        "issued_on": D(2024, 5, 1),
        "area": "Test Cluster",
        "key_points": "Online radicalisation of young people.\nStickering in parks.",
    }
    values.update(overrides)
    return services.create_ctlp(acting_user=world["coordinator"], **values)


def recommendation(world: Any, profile: CTLP | None = None, **overrides: Any) -> CTLPRecommendation:
    values: dict[str, Any] = {"text": "Raise awareness of online harms in schools."}
    values.update(overrides)
    return services.add_recommendation(
        profile or ctlp(world), acting_user=world["coordinator"], **values
    )


def risk(world: Any, **overrides: Any) -> Risk:
    values: dict[str, Any] = {
        "authority": world.authority,
        "reference": "R1",
        "theme": "Online radicalisation",
        "description": "Young people reach extremist material online.",
        "owner": "Head of Community Safety",
        "likelihood": 4,
        "impact": 3,
        "trend": "increasing",
        "rating": "high",
        "identified_on": D(2024, 5, 10),
        "review_date": D(2024, 8, 10),
    }
    values.update(overrides)
    return services.add_risk(acting_user=world["coordinator"], **values)


def incident(world: Any, **overrides: Any) -> Incident:
    values: dict[str, Any] = {
        "authority": world.authority,
        "occurred_on": D(2024, 6, 3),
        "kind": "stickering_graffiti",
        "ward": world.ward,
        "summary": "Extremist stickers found on lamp posts near the station.",
    }
    values.update(overrides)
    return services.record_incident(acting_user=world["coordinator"], **values)


def assessment(world: Any, **overrides: Any) -> SelfAssessment:
    values: dict[str, Any] = {
        "authority": world.authority,
        "benchmark": benchmark(1),
        "year": 2024,
        "rating": "green",
        "commentary": "The partnership board meets quarterly with the right partners.",
        "assessed_on": D(2025, 3, 20),
    }
    values.update(overrides)
    return services.record_self_assessment(acting_user=world["coordinator"], **values)


def pdf(name: str = "board-minutes.pdf", content: bytes = b"%PDF-1.4 test minutes") -> Any:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def evidence(world: Any, **overrides: Any) -> Evidence:
    values: dict[str, Any] = {
        "authority": world.authority,
        "title": "Partnership board minutes, June 2024",
        "category": "meeting_minutes",
        "dated": D(2024, 6, 20),
        "benchmarks": [benchmark(1)],
        "file": pdf(),
    }
    values.update(overrides)
    return services.add_evidence(acting_user=world["coordinator"], **values)


def threat_level(world: Any, **overrides: Any) -> ThreatLevel:
    values: dict[str, Any] = {"level": "substantial", "starts_on": D(2022, 2, 9)}
    values.update(overrides)
    return services.record_threat_level(acting_user=world["coordinator"], **values)
