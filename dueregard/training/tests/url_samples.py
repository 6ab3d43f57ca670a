"""Sample records for the URL walk (tests/test_url_access.py): one per URL with parameters."""

from __future__ import annotations

from typing import Any

from dueregard.training import services
from dueregard.training.tests import factories


def _attendee(world: Any) -> dict[str, Any]:
    session = factories.session(world.authority)
    attendee = services.add_attendee(session, name="Casey Sample", acting_user=None)
    return {"pk": attendee.pk}


SAMPLES = {
    "training:organisation": lambda w: {"pk": factories.organisation(w.authority).pk},
    "training:organisation_edit": lambda w: {"pk": factories.organisation(w.authority).pk},
    "training:requirement_set": lambda w: {"pk": factories.organisation(w.authority).pk},
    "training:snapshot_add": lambda w: {"pk": factories.organisation(w.authority).pk},
    "training:snapshot_withdraw": lambda w: {"pk": factories.snapshot(w.authority).pk},
    "training:session": lambda w: {"pk": factories.session(w.authority).pk},
    "training:session_audience": lambda w: {"pk": factories.session(w.authority).pk},
    "training:attendee_add": lambda w: {"pk": factories.session(w.authority).pk},
    "training:feedback_add": lambda w: {"pk": factories.session(w.authority).pk},
    "training:session_archive": lambda w: {"pk": factories.session(w.authority).pk},
    "training:attendee_remove": _attendee,
    "training:trainer": lambda w: {"pk": factories.trainer(w.authority).pk},
    "training:trainer_archive": lambda w: {"pk": factories.trainer(w.authority).pk},
    "training:question_disable": lambda w: {"pk": factories.question(w.authority).pk},
}
