"""Sample records for the URL walk (tests/test_url_access.py): a closed referral of the
casework sample's person, a subject access request with its redactions confirmed, and a
sharing record."""

from __future__ import annotations

from typing import Any

from dueregard.casework.tests.url_samples import scenario as casework_scenario
from dueregard.privacy import services
from dueregard.privacy.models import Direction, LawfulBasis


def scenario(world: Any) -> dict[str, Any]:
    cached = getattr(world, "_privacy_sample", None)
    if cached is not None:
        return cached
    lead = world["coordinator"]
    base = casework_scenario(world)
    referral = base["referral"]
    sar = services.start_subject_access_request(
        referral.person, received_on=referral.received_on, acting_user=lead
    )
    services.set_redactions(sar, keys=[], phrases=[], acting_user=lead)
    sharing = services.record_sharing(
        referral,
        direction=Direction.TO_PARTNER,
        partner="Testborough Mental Health Trust",
        purpose="Panel preparation (test).",
        lawful_basis=LawfulBasis.SAFEGUARDING,
        what_was_shared="Referral summary (test).",
        shared_on=referral.received_on,
        acting_user=lead,
    )
    cached = {"person": referral.person, "referral": referral, "sar": sar, "sharing": sharing}
    world._privacy_sample = cached
    return cached


def _pk(key: str) -> Any:
    return lambda world: {"pk": scenario(world)[key].pk}


SAMPLES = {
    "privacy:legal_hold": _pk("person"),
    "privacy:sar_start": _pk("person"),
    "privacy:sar": _pk("sar"),
    "privacy:sar_pdf": _pk("sar"),
    "privacy:sar_zip": _pk("sar"),
    "privacy:sharing_detail": _pk("sharing"),
    "privacy:reveal": lambda world: {"what": "referral", "pk": scenario(world)["referral"].pk},
}
