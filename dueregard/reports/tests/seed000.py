"""Records that reproduce seed 000's published figures for 2021/22 (/work/shared/seeds/000,
§1.17-1.18, §1.22, §1.27-1.28), loaded the way a council would load them: the referrals
through `manage.py import_referrals` (the casework app's fictional fixture file), the
panel meetings, sessions and community engagement through the services and importers.

- 11 Channel panel meetings held (§1.17);
- 79 referrals ("enquiries") received, 41 referred to the police (SO15) and 7 discussed
  at a Channel panel (§1.18);
- 47 Prevent workshops delivered to 1,263 professionals (§1.22);
- 32 separate community groups engaged with the Prevent team (§1.27);
- 3,300 pupils and 223 parents in resilience and online-safety sessions (§1.28).

Every name, organisation and venue is invented.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from typing import Any

from django.core.management import call_command

from dueregard.casework import services as casework
from dueregard.casework.services import Attendee
from dueregard.engagement import services as engagement
from dueregard.engagement.models import EngagementType, GroupKind

D = datetime.date
START, END = D(2021, 4, 1), D(2022, 3, 31)
REFERRALS = (
    Path(__file__).resolve().parents[2] / "casework" / "tests" / "fixtures" / "seed_000_2021_22.csv"
)


def referrals(world: Any) -> None:
    call_command(
        "import_referrals",
        str(REFERRALS),
        "--authority",
        world.authority.ons_code,
        "--user",
        "coordinator",
    )


def panel_meetings(world: Any) -> None:
    """Eleven meetings held in 2021/22 (none in February), and one held the next year."""
    lead = world["coordinator"]
    panel = casework.create_panel(
        authority=world.authority, name="Channel panel", panel_type="channel", acting_user=lead
    )
    agencies = ["Counter Terrorism Policing", "Children's services", "Mental health trust"]
    days = [D(2021 if m >= 4 else 2022, m, 14) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 3)]
    for day in [*days, D(2022, 4, 14)]:
        meeting = casework.schedule_meeting(panel, held_on=day, acting_user=lead)
        attendees = [Attendee(f"Officer {i}", agency) for i, agency in enumerate(agencies)]
        casework.record_attendance(meeting, attendees=attendees, acting_user=lead)
        casework.complete_meeting(meeting, acting_user=lead)


def sessions(world: Any, folder: Path) -> None:
    """47 professional workshops (41 of 27 and 6 of 26 = 1,263 people), 22 pupil sessions
    of 150 (3,300) and 9 parent sessions (8 of 25 and one of 23 = 223)."""
    rows: list[list[Any]] = []
    day = D(2021, 4, 12)
    for n in range(47):
        rows.append(
            [
                (day + datetime.timedelta(days=7 * n)).isoformat(),
                "Prevent awareness briefing",
                "",
                "Schools (staff)" if n % 2 else "Council family services",
                27 if n < 41 else 26,
                "Civic Centre",
            ]
        )
    for n in range(22):
        rows.append(
            [
                (day + datetime.timedelta(days=14 * n)).isoformat(),
                "Resilience workshop for pupils",
                "pupils",
                f"School {chr(65 + n % 6)}",
                150,
                "School hall",
            ]
        )
    for n in range(9):
        rows.append(
            [
                (day + datetime.timedelta(days=30 * n)).isoformat(),
                "Online safety session for parents",
                "parents",
                "School B",
                25 if n < 8 else 23,
                "School library",
            ]
        )
    path = folder / "sessions.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "course", "audience", "organisation", "attendees", "venue"])
        writer.writerows(rows)
    call_command("import_training", "sessions", str(path), "--authority", world.authority.ons_code)


def community_groups(world: Any) -> None:
    """32 groups engaged in 2021/22 through 40 engagements; two more groups on record that
    were not engaged in the year."""
    officer = world["education_officer"]
    groups = [
        engagement.create_group(
            world.authority,
            {"name": f"Community group {n:02d}", "kind": GroupKind.FAITH, "ward": world.ward},
            acting_user=officer,
        )
        for n in range(34)
    ]
    for n in range(40):
        engagement.record_engagement(
            world.authority,
            {
                "date": D(2021, 4, 20) + datetime.timedelta(days=8 * n),
                "groups": [groups[n % 32]],
                "type": EngagementType.MEETING,
                "topic": "Prevent as safeguarding",
                "staff": "Prevent Education Officer",
                "outcome": "Agreed to share the team's contact details with members.",
            },
            acting_user=officer,
        )


def load(world: Any, folder: Path) -> None:
    referrals(world)
    panel_meetings(world)
    sessions(world, folder)
    community_groups(world)
