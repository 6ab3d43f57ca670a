"""What each signed-in user is offered: the service navigation, the home page, and notices
one app shows on another app's page.

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


@dataclass(frozen=True)
class Notice:
    """A warning shown on another app's page, e.g. privacy's on a Channel panel's page, so
    the page's app need not import the app that knows (the dependency stays one way)."""

    text: str
    link_url: str = ""
    link_text: str = ""


# A provider answers for one page: given the user and the page's object, its notices.
NoticeProvider = Callable[[Any, Any], list[Notice]]

_entries: dict[str, Entry] = {}
_panels: dict[str, HomePanel] = {}
_notices: dict[str, dict[str, NoticeProvider]] = {}


def register(entry: Entry) -> None:
    _entries[entry.url_name] = entry


def register_home_panel(name: str, panel: HomePanel) -> None:
    _panels[name] = panel


def register_notices(page: str, name: str, provider: NoticeProvider) -> None:
    """`page` names the page (e.g. "casework.panel"); `name` the provider, so registering
    again replaces it."""
    _notices.setdefault(page, {})[name] = provider


def notices_for(page: str, user: Any, obj: Any) -> list[Notice]:
    """Every registered provider's notices for `page` showing `obj` to `user`. Each
    provider decides, through accounts.permissions, whether the user may see its notice."""
    if not getattr(user, "is_authenticated", False):
        return []
    found: list[Notice] = []
    for _, provider in sorted(_notices.get(page, {}).items()):
        found += provider(user, obj)
    return found


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
