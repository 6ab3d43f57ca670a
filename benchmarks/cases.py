"""The benchmark cases: what is measured, its floor, and the target it is held to.

Each case is a `Case`: `run()` does the work once the way the product does it (a report
build through the registry, a page through Django's test client, an import through
`casework.imports`), `floor()` runs the hand-written SQL of benchmarks/floors.py, and
`rows` names the table whose size is reported.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.urls import reverse

from dueregard.areas.models import Authority, Region
from dueregard.audit.models import AuditEvent
from dueregard.casework import metrics
from dueregard.casework.imports import import_referrals
from dueregard.casework.matching import name_key, soundex
from dueregard.casework.models import (
    EventKind,
    ExitReason,
    GatewayOutcome,
    Person,
    Referral,
    Sector,
    StageEvent,
    TriageOutcome,
)
from dueregard.demo import national
from dueregard.reports import registry
from dueregard.training.models import Attendee

from . import floors
from .setup_data import Scene, signed_in

IMPORT_ROWS = 10_000


class Skipped(Exception):
    """The code this case measures does not exist in this installation."""


@dataclass
class Case:
    name: str
    rows_model: type[models.Model]
    run: Callable[[], Any]
    floor: Callable[[], Any]
    target: str
    # (median seconds, floor seconds) -> whether the target is met
    met: Callable[[float, float], bool]
    detail: dict[str, Any] = field(default_factory=dict)
    # Parts of `run` timed on their own as well: {"<part>_median_ms": work}
    parts: dict[str, Callable[[], Any]] = field(default_factory=dict)


def _report(report_id: str) -> Any:
    try:
        return registry.get(report_id)
    except KeyError:
        raise Skipped(f"report {report_id!r} is not registered") from None


def _statement(floor: floors.Floor) -> Callable[[], Any]:
    sql, params = floor.statement()
    return lambda: floors.run(sql, params)


def _fastest(candidates: list[tuple[str, list[Any]]]) -> Callable[[], Any]:
    sql, params = floors.fastest(candidates)
    return lambda: floors.run(sql, params)


def _report_target(median: float, floor: float) -> bool:
    return median <= 0.150 and median <= 2 * floor


def casework_statistics(s: Scene) -> Case:
    report = _report("referral-statistics")
    start, end = s.year
    return Case(
        "casework_statistics_authority_year",
        Referral,
        lambda: report.build(s.authority, start, end),
        _statement(floors.casework(s.authority, start, end)),
        "median <= 150 ms and <= 2x floor",
        _report_target,
        {"report": report.id, "authority": s.authority.ons_code, "from": start, "to": end},
    )


def national_statistics(s: Scene) -> Case:
    start, end = s.year
    authorities = list(Authority.objects.order_by("name"))
    try:
        from dueregard.reports.definitions import home_office_statistics as ho

        scope = ho.Scope.national(authorities)

        def run() -> Any:
            return ho.build_for_scope(scope, start, end)

        how = "home-office-statistics, England and Wales scope"
    except (ImportError, AttributeError):

        def run() -> Any:  # the casework metrics, authority by authority
            return [
                (
                    metrics.journey(a, start, end),
                    metrics.by_sector(a, start, end),
                    metrics.by_concern(a, start, end),
                    metrics.by_gender(a, start, end),
                    metrics.by_age_band(a, start, end),
                )
                for a in authorities
            ]

        how = "casework.metrics for every authority"
    return Case(
        "national_statistics_year",
        Referral,
        run,
        _statement(floors.national(start, end)),
        "median <= 1 s",
        lambda median, floor: median <= 1.0,
        {"how": how, "authorities": len(authorities), "from": start, "to": end},
    )


def training_report(s: Scene) -> Case:
    report = _report("training")
    start, end = s.year
    return Case(
        "training_report_authority_year",
        Attendee,
        lambda: report.build(s.authority, start, end),
        _statement(floors.training(s.authority, start, end)),
        "median <= 150 ms and <= 2x floor",
        _report_target,
        {"report": report.id, "authority": s.authority.ons_code, "from": start, "to": end},
    )


def committee_report(s: Scene) -> Case:
    try:
        from dueregard.reports import committee, renderers
    except ImportError:
        raise Skipped("committee report not built yet") from None
    start, end = s.year
    narrative = committee.Narrative(
        title="Prevent duty performance report", board_name="Safer Communities Board"
    )

    def figures() -> Any:
        return committee.produce(s.authority, start, end, narrative, "board")

    def run() -> bytes:
        return renderers.render(figures(), "docx")

    floor = (
        floors.casework(s.authority, start, end)
        + floors.training(s.authority, start, end)
        + floors.equality(s.authority, start, end)
    )
    return Case(
        "committee_report_docx",
        Referral,
        run,
        _statement(floor),
        "median <= 150 ms and <= 2x floor",
        _report_target,
        {
            "authority": s.authority.ons_code,
            "audience": "board",
            "from": start,
            "to": end,
            "floor_covers": "casework, training and equality figures",
        },
        parts={"figures_median_ms": figures},
    )


def quarterly_table(s: Scene) -> Case:
    start, end = s.five_years
    return Case(
        "quarterly_table_authority_5_years",
        Referral,
        lambda: metrics.quarters(s.authority, start, end),
        _fastest(
            [
                floors.quarters(s.authority, start, end).statement(),
                floors.quarters_by_case(s.authority, start, end),
            ]
        ),
        "median <= 150 ms and <= 2x floor",
        _report_target,
        {"authority": s.authority.ons_code, "from": start, "to": end, "quarters": 20},
    )


def _page(client: Any, url: str) -> Callable[[], Any]:
    def get() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    return get


def work_queue(s: Scene) -> Case:
    client = signed_in(s.coordinator)
    sql, params = floors.work_queue(s.authority, s.today)
    return Case(
        "work_queue_page",
        Referral,
        _page(client, reverse("casework:queue")),
        lambda: floors.run(sql, params),
        "median <= 100 ms server time",
        lambda median, floor: median <= 0.100,
        {"authority": s.authority.ons_code, "user": s.coordinator.username},
    )


def person_search(s: Scene) -> Case:
    client = signed_in(s.coordinator)
    # The family name shared by the most people of the authority: the longest page.
    common = (
        Person.objects.filter(authority=s.authority, unidentified_historical=False)
        .values("family_name")
        .annotate(n=models.Count("pk"))
        .order_by("-n", "family_name")
        .first()
    )
    text = common["family_name"] if common else "Ashcombe"
    sql, params = floors.fastest(
        floors.person_search(s.authority, text, name_key(text), soundex(text))
    )
    return Case(
        "person_search_page",
        Person,
        _page(client, f"{reverse('casework:people')}?q={text}"),
        lambda: floors.run(sql, params),
        "median <= 100 ms server time",
        lambda median, floor: median <= 0.100,
        {"authority": s.authority.ons_code, "query": text},
    )


def audit_log(s: Scene, events: int) -> Case:
    client = signed_in(s.auditor)
    sql, params = floors.fastest(floors.audit_page(s.authority, s.audited_username))
    return Case(
        "audit_log_page_by_user",
        AuditEvent,
        _page(client, f"{reverse('audit:log')}?username={s.audited_username}"),
        lambda: floors.run(sql, params),
        "median <= 100 ms server time",
        lambda median, floor: median <= 0.100,
        {"audit_events": events, "username": s.audited_username},
    )


# --------------------------------------------------------------------------------------
# Import


def import_csv(rows: int, today: datetime.date, seed: int = 8) -> bytes:
    """A valid referrals file in the documented columns: a mix of pathways, half the
    people named with a date of birth (some named twice, so rows link to one person)."""
    rng = random.Random(seed)
    sectors = list(Sector.objects.values_list("label", flat=True))
    exits = list(ExitReason.objects.values_list("label", flat=True))
    out = io.StringIO()
    writer = csv.writer(out)
    columns = [
        "reference", "received_on", "sector", "age", "gender", "triage_outcome",
        "referred_to_police_on", "gateway_outcome", "discussed_at_panel_on", "adopted_on",
        "left_channel_on", "exit_reason", "given_name", "family_name", "date_of_birth",
    ]  # fmt: skip
    writer.writerow(columns)
    for n in range(rows):
        received = today - datetime.timedelta(days=rng.randint(400, 3000))
        named = rng.random() < 0.5
        person = rng.randint(0, rows // 2)  # about one named row in ten repeats a person
        dob = datetime.date(1990, 1, 1) + datetime.timedelta(days=person % 5000)
        row: dict[str, Any] = {
            "reference": f"IMP-{n:06d}",
            "received_on": received,
            "sector": rng.choice(sectors),
            "gender": rng.choice(["Male", "Male", "Male", "Female"]),
            "triage_outcome": TriageOutcome.ADVICE.label,
        }
        if named:
            row |= {
                "given_name": f"Given{person}",
                "family_name": national.SURNAME_STARTS[person % 20] + "den",
                "date_of_birth": min(dob, received),
            }
        else:
            row["age"] = rng.randint(11, 60)
        if rng.random() < 0.75:
            police = received + datetime.timedelta(days=rng.randint(0, 6))
            row |= {
                "triage_outcome": TriageOutcome.POLICE.label,
                "referred_to_police_on": police,
                "gateway_outcome": rng.choice(
                    [GatewayOutcome.NFA.label, GatewayOutcome.SIGNPOSTED.label]
                ),
            }
            if rng.random() < 0.25:
                discussed = police + datetime.timedelta(days=rng.randint(10, 40))
                row |= {"gateway_outcome": GatewayOutcome.PANEL.label}
                row["discussed_at_panel_on"] = discussed
                if rng.random() < 0.55:
                    row["adopted_on"] = discussed
                    if rng.random() < 0.7:
                        row["left_channel_on"] = discussed + datetime.timedelta(days=200)
                        row["exit_reason"] = rng.choice(exits)
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue().encode()


class _Rollback(Exception):
    pass


def referral_import(s: Scene) -> Case:
    content = import_csv(IMPORT_ROWS, s.today)
    written: dict[str, int] = {}

    def fresh_authority() -> Authority:
        return Authority.objects.create(
            ons_code="E09999990", name="Benchmark import borough", region=Region.LONDON
        )

    def run() -> None:
        try:
            with transaction.atomic():
                authority = fresh_authority()
                result = import_referrals(
                    content,
                    authority=authority,
                    acting_user=s.coordinator,
                    filename="benchmark.csv",
                )
                assert result.referrals == IMPORT_ROWS
                written["events"] = StageEvent.objects.filter(authority=authority).count()
                written["people"] = result.people_created
                raise _Rollback
        except _Rollback:
            pass

    def floor() -> None:
        """The same number of people, referrals and history rows, written with
        multi-row INSERTs and no checks."""
        run_once = written or {"events": IMPORT_ROWS * 3, "people": IMPORT_ROWS}
        try:
            with transaction.atomic():
                authority = fresh_authority()
                writer = national.RowWriter()
                people = writer.table(Person, ["authority_id", "unidentified_historical"])
                referrals = writer.table(
                    Referral, ["authority_id", "person_id", "reference", "received_on"]
                )
                events = writer.table(
                    StageEvent,
                    ["authority_id", "referral_id", "person_id", "kind", "to_stage",
                     "occurred_on"],
                )  # fmt: skip
                day = s.today - datetime.timedelta(days=400)
                ids = [people.add(authority.pk, True) for _ in range(run_once["people"])]
                per_referral = max(1, run_once["events"] // IMPORT_ROWS)
                for n in range(IMPORT_ROWS):
                    person = ids[n % len(ids)]
                    referral = referrals.add(authority.pk, person, f"IMP-{n:06d}", day)
                    for _ in range(per_referral):
                        events.add(
                            authority.pk, referral, person, EventKind.RECEIVED.value,
                            "received", day,
                        )  # fmt: skip
                writer.flush()
                raise _Rollback
        except _Rollback:
            pass

    return Case(
        "import_10000_referral_rows",
        Referral,
        run,
        floor,
        ">= 2,000 validated rows a second",
        lambda median, floor: IMPORT_ROWS / median >= 2000,
        {"rows_imported": IMPORT_ROWS},
    )


BUILDERS: dict[str, Callable[..., Case]] = {
    "casework_statistics_authority_year": casework_statistics,
    "national_statistics_year": national_statistics,
    "training_report_authority_year": training_report,
    "committee_report_docx": committee_report,
    "quarterly_table_authority_5_years": quarterly_table,
    "work_queue_page": work_queue,
    "person_search_page": person_search,
    "import_10000_referral_rows": referral_import,
    "audit_log_page_by_user": audit_log,
}


def vendor() -> str:
    return connection.vendor
