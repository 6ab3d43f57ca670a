"""Sample records for the URL walk (tests/test_url_access.py): every engagement URL that
takes a parameter, in the test borough."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import factories as f


def _pk(make: Callable[[Any], Any]) -> Callable[[Any], dict[str, Any]]:
    return lambda world: {"pk": make(world).pk}


def _parent(make: Callable[[Any], Any]) -> Callable[[Any], dict[str, Any]]:
    return lambda world: {"parent_pk": make(world).pk}


SAMPLES: dict[str, Callable[[Any], dict[str, Any]]] = {}
_MAKERS: dict[str, Callable[[Any], Any]] = {
    "group": f.group,
    "engagement": f.engagement,
    "network": f.network,
    "event": f.event,
    "communication": f.communication,
    "bid": f.bid,
    "project": f.project,
    "setting": f.setting,
    "venuecheck": f.venue_check,
    "itcheck": f.it_check,
}
for slug, make in _MAKERS.items():
    for page in ("detail", "edit", "archive"):
        SAMPLES[f"engagement:{slug}_{page}"] = _pk(make)

SAMPLES.update(
    {
        "engagement:membership_create": _parent(f.network),
        "engagement:membership_detail": _pk(lambda w: f.membership(w, f.network(w))),
        "engagement:membership_edit": _pk(lambda w: f.membership(w, f.network(w))),
        "engagement:networkmeeting_create": _parent(f.network),
        "engagement:networkmeeting_detail": _pk(lambda w: f.network_meeting(w, f.network(w))),
        "engagement:networkmeeting_edit": _pk(lambda w: f.network_meeting(w, f.network(w))),
        "engagement:output_create": _parent(f.project),
        "engagement:output_detail": _pk(lambda w: f.output(w, f.project(w))),
        "engagement:output_edit": _pk(lambda w: f.output(w, f.project(w))),
        "engagement:project_return": _pk(lambda w: f.output(w, f.project(w)).project),
    }
)
