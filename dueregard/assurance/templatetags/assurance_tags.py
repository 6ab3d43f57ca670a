"""Small display helpers for assurance pages."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

register = template.Library()


@register.filter
def field_names(names: Iterable[str]) -> str:
    """['target_date', 'owner'] -> 'target date, owner'."""
    return ", ".join(str(n).replace("_", " ") for n in names)


@register.filter
def lines(text: str) -> list[str]:
    """The non-blank lines of a text, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
