"""Small report structures for tests, built by hand (fictional figures)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils import timezone

from dueregard.core.figures import percent
from dueregard.reports.data import (
    OFFICIAL_SENSITIVE,
    Chart,
    Column,
    Report,
    Section,
    Table,
)


def one_way(
    counts: Sequence[int],
    *,
    labels: Sequence[str] | None = None,
    total_row: bool = True,
    denominator: bool = True,
    table_id: str = "by-sector",
    title: str = "Referrals by sector",
) -> Table:
    """Referrals by a category, with a share of the known total, a total row and the total
    as the denominator: the shape of most Home Office-style tables."""
    labels = labels or [f"Group {chr(65 + i)}" for i in range(len(counts))]
    known = sum(counts)
    rows: list[dict[str, object]] = [
        {"label": label, "referrals": n, "percent": percent(n, known)}
        for label, n in zip(labels, counts, strict=True)
    ]
    if total_row:
        rows.append({"label": "Total", "referrals": known, "percent": percent(known, known)})
    return Table(
        id=table_id,
        title=title,
        columns=[
            Column("label", "Sector", "label"),
            Column("referrals", "Referrals", "count"),
            Column("percent", "% of referrals", "percent"),
        ],
        rows=rows,
        denominator="referrals where the sector is known" if denominator else None,
        denominator_value=known if denominator else None,
        total_row_label="Total" if total_row else None,
        derived_from={"percent": "referrals"},
    )


def two_way(grid: Sequence[Sequence[int]], *, denominator: bool = True) -> Table:
    """Counts by row group and column group, with a total column, a total row and the grand
    total as the denominator."""
    column_ids = [f"c{j}" for j in range(len(grid[0]))]
    rows: list[dict[str, object]] = []
    for i, values in enumerate(grid):
        row: dict[str, object] = {"label": f"Row {i + 1}"}
        row.update(dict(zip(column_ids, values, strict=True)))
        row["total"] = sum(values)
        rows.append(row)
    total: dict[str, object] = {"label": "Total"}
    for j, c in enumerate(column_ids):
        total[c] = sum(values[j] for values in grid)
    total["total"] = sum(sum(values) for values in grid)
    rows.append(total)
    return Table(
        id="two-way",
        title="Referrals by age band and sex",
        columns=[
            Column("label", "Age band", "label"),
            *(Column(c, f"Column {j + 1}", "count") for j, c in enumerate(column_ids)),
            Column("total", "All", "count"),
        ],
        rows=rows,
        denominator="referrals" if denominator else None,
        denominator_value=total["total"] if denominator else None,  # type: ignore[arg-type]
        total_row_label="Total",
        total_column="total",
    )


def report_with(
    *tables: Table, marking: str = OFFICIAL_SENSITIVE, charts: Sequence[Chart] = ()
) -> Report:
    return Report(
        id="test-report",
        title="Test report",
        authority_code="E09999801",
        authority_name="Testborough",
        start=datetime.date(2024, 4, 1),
        end=datetime.date(2025, 3, 31),
        audience="exact",
        generated_at=timezone.now(),
        sections=[
            Section(
                id="figures",
                title="Figures",
                paragraphs=["Figures for the year."],
                tables=list(tables),
                charts=list(charts),
            )
        ],
        marking=marking,
    )


# --- committee reports and grant returns, through the services ------------------------------

FY_START, FY_END = datetime.date(2024, 4, 1), datetime.date(2025, 3, 31)


def board(
    world,
    name: str = "Testborough Safer Communities Partnership Board",
    kind: str = "partnership_board",
):
    from dueregard.governance import services as governance
    from dueregard.governance.models import Board, BoardKind, Frequency

    existing = Board.objects.filter(authority=world.authority, name=name).first()
    if existing is not None:
        return existing
    return governance.create_board(
        world.authority,
        {
            "name": name,
            "kind": BoardKind(kind),
            "remit": "Owns the Prevent strategy and oversees the partnership's action plan.",
            "meeting_frequency": Frequency.QUARTERLY,
            "chair": "Chief Executive",
        },
        acting_user=world["coordinator"],
    )


def committee_report(world, audience: str = "board", start=FY_START, end=FY_END):
    from dueregard.reports import services

    return services.create_committee_report(
        world.authority,
        board=board(world),
        start=start,
        end=end,
        audience=audience,
        acting_user=world["coordinator"],
    )


def committee_version(world, audience: str = "board"):
    from dueregard.reports import services

    return services.generate_committee_version(
        committee_report(world, audience), acting_user=world["coordinator"]
    )


def grant_return(world, quarter_start=datetime.date(2024, 7, 1)):
    from dueregard.core.periods import financial_quarter_of
    from dueregard.reports import services

    return services.create_grant_return(
        world.authority,
        quarter=financial_quarter_of(quarter_start),
        acting_user=world["coordinator"],
    )


def budget_line(world, of=None, **extra):
    from decimal import Decimal

    from dueregard.reports import services

    data = {
        "heading": "Prevent Coordinator post",
        "budget": Decimal("52000.00"),
        "spent_in_quarter": Decimal("13000.00"),
        "spent_to_date": Decimal("26000.00"),
        "note": "",
        **extra,
    }
    return services.add_budget_line(
        of or grant_return(world), data, acting_user=world["coordinator"]
    )


def signed_off_return(world, quarter_start=datetime.date(2024, 7, 1)):
    from dueregard.reports import services

    draft = grant_return(world, quarter_start)
    budget_line(world, draft)
    return services.sign_off_grant_return(draft, acting_user=world["coordinator"])


# --- referrals of people in known groups, for equality monitoring ----------------------------


def referral(
    world,
    *,
    received_on,
    age,
    gender,
    ethnic_group="",
    religion="",
    adopted_on=None,
    name="Example",
):
    """A fictional person and their referral, through the casework services; with
    `adopted_on`, taken through triage, the police gateway and a panel that adopts it."""
    from dueregard.casework import services as casework

    lead = world["coordinator"]
    person = casework.create_person(
        authority=world.authority,
        details=casework.PersonDetails(
            given_name=name,
            family_name="Testperson",
            gender=gender,
            ethnic_group=ethnic_group,
            religion=religion,
        ),
        acting_user=lead,
    )
    made = casework.receive_referral(
        person=person,
        details=casework.ReferralDetails(received_on=received_on, age_at_referral=age),
        acting_user=lead,
    )
    if adopted_on is not None:
        casework.triage_referral(
            made, outcome="police", occurred_on=received_on, reason="Concern", acting_user=lead
        )
        casework.record_gateway_outcome(
            made, outcome="panel", occurred_on=received_on, reason="For panel", acting_user=lead
        )
        casework.record_panel_decision(
            made, decision="adopt", occurred_on=adopted_on, reason="Adopted", acting_user=lead
        )
    return made


def referrals_with_known_groups(world):
    """40 referrals in 2024/25 (30 male, 10 female), of which 5 are Channel cases:

    - age: 25 aged 13 and 5 aged 16 (all male), 10 aged 35 (all female);
    - ethnic group: 20 White and 10 Asian (male), 5 Asian and 5 not recorded (female);
    - religion: 3 Jewish (female), the rest not recorded;
    - Channel cases: 5 of the White males aged 13, adopted in 2024/25.
    """
    day = datetime.date(2024, 6, 3)
    asian = "Asian, Asian British or Asian Welsh"
    for n in range(30):
        referral(
            world,
            received_on=day + datetime.timedelta(days=n),
            age=13 if n < 25 else 16,
            gender="male",
            ethnic_group="White" if n < 20 else asian,
            adopted_on=day + datetime.timedelta(days=n + 30) if n < 5 else None,
            name=f"Male{n}",
        )
    for n in range(10):
        referral(
            world,
            received_on=day + datetime.timedelta(days=n),
            age=35,
            gender="female",
            ethnic_group=asian if n < 5 else "",
            religion="Jewish" if n < 3 else "",
            name=f"Female{n}",
        )
