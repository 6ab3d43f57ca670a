"""What the demo steps share: the borough, its neighbour, the demo users and a seeded RNG."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

DEMO_PASSWORD = "kingsmere-demo-2026"  # printed by `make demo`; the demo is fictional  # noqa: S105


@dataclass
class DemoContext:
    seed: int = 2026
    today: date = field(default_factory=date.today)
    authority: Any = None
    other_authority: Any = None
    users: dict[str, Any] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    out: Any = None

    def say(self, message: str) -> None:
        if self.out is not None:
            self.out.write(message)
