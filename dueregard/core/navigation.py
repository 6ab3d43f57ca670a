"""What each signed-in user is offered: the service navigation and the home page.

Apps register their entry points in `AppConfig.ready()`. Each entry says who sees it
through a `visible(user)` callable supplied by the registering app, which asks
`accounts.permissions`; core itself knows no rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    description: str
    visible: Callable[[Any], bool]
    order: int = 100
    in_navigation: bool = True


@dataclass(frozen=True)
class HomePanel:
    """A block on the home page (reminders, work due) for users it applies to."""

    template_name: str
    context: Callable[[Any], dict[str, Any]]
    visible: Callable[[Any], bool]
    order: int = 100


_entries: dict[str, Entry] = {}
_panels: dict[str, HomePanel] = {}


def register(entry: Entry) -> None:
    _entries[entry.url_name] = entry


def register_home_panel(name: str, panel: HomePanel) -> None:
    _panels[name] = panel


def entries_for(user: Any) -> list[Entry]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(
        (e for e in _entries.values() if e.visible(user)), key=lambda e: (e.order, e.label)
    )


def panels_for(user: Any) -> list[tuple[HomePanel, dict[str, Any]]]:
    if not getattr(user, "is_authenticated", False):
        return []
    panels = sorted((p for p in _panels.values() if p.visible(user)), key=lambda p: p.order)
    return [(p, p.context(user)) for p in panels]


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    items = []
    for entry in entries_for(request.user):
        if not entry.in_navigation:
            continue
        url = reverse(entry.url_name)
        items.append({"label": entry.label, "url": url, "current": request.path.startswith(url)})
    return items
