"""Sample records for the URL walk (tests/test_url_access.py)."""

from __future__ import annotations

from typing import Any

from conftest import make_user
from dueregard.accounts import services


def _enrolment_link(world: Any) -> dict[str, Any]:
    newcomer = make_user("new.starter")
    _link, secret = services.issue_enrolment_link(newcomer, acting_user=world["administrator"])
    return {"secret": secret}


SAMPLES = {"accounts:enrol": _enrolment_link}
