"""Finding every URL pattern the project defines, with the access rule of its view."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

import dueregard


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "audit:log"
    callback: Callable[..., Any]
    params: tuple[str, ...]

    @property
    def access(self) -> Any:
        """The view's access rule: on the function (pages) or the DRF view class (API)."""
        rule = getattr(self.callback, "access", None)
        if rule is not None:
            return rule
        cls = getattr(self.callback, "cls", None)
        if cls is None:
            return None
        actions = getattr(self.callback, "actions", None)
        by_action = getattr(cls, "access_by_action", None)
        if actions and by_action is not None:
            action = actions.get("get") or actions.get("post")
            return by_action.get(action)
        return getattr(cls, "access", None)

    @property
    def is_api(self) -> bool:
        return getattr(self.callback, "cls", None) is not None

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:") or self.name == "admin:<unnamed>"


def _params(pattern: URLPattern) -> tuple[str, ...]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = pattern.pattern.regex
    return tuple(regex.groupindex)


def iter_routes(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from iter_routes(entry, inner)
        else:
            base = entry.name or f"<unnamed {entry.pattern}>"
            name = f"{namespace}:{base}" if namespace else base
            yield Route(name, entry.callback, _params(entry))


def load_samples() -> dict[str, Callable[[Any], dict[str, Any]]]:
    """URL kwargs for object pages, from each app's `tests/url_samples.py` (SAMPLES)."""
    samples: dict[str, Callable[[Any], dict[str, Any]]] = {}
    for info in pkgutil.iter_modules(dueregard.__path__):
        try:
            module = importlib.import_module(f"dueregard.{info.name}.tests.url_samples")
        except ModuleNotFoundError:
            continue
        samples.update(module.SAMPLES)
    return samples
