"""The home-page reminder for people who manage training: organisations below their target
and organisations whose latest headcount is more than a quarter old (or missing)."""

from __future__ import annotations

from typing import Any

from dueregard.accounts.permissions import Action
from dueregard.core import periods

from . import metrics, queries


def reminders_for(user: Any) -> dict[str, Any]:
    today = periods.today()
    rows = metrics.latest_compliance(queries.training_authorities(user, Action.CHANGE), today)
    below = [r for r in rows if r.meets_target is False]
    out_of_date = [r for r in rows if r.out_of_date(today)]
    return {
        "below": below,
        "out_of_date": out_of_date,
        "cutoff": metrics.three_months_before(today),
    }
