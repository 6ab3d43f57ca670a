"""Keyset ("seek") pagination for long lists.

A page is found from the sort key of the row next to it, not by an OFFSET: the database
seeks in its index instead of counting past every earlier row, so the hundredth page
costs what the first does, and a record added while someone reads does not shift the
list under them onto rows they have already seen.

The ordering must be total, so it ends with the primary key, and its fields must never
be null (a null key cannot be compared). A cursor is the sort key of the last row of a
page (for the following page) or of the first row (for the preceding one): each value
as text, joined with commas. A cursor that does not parse as that key (tampered,
truncated, written for another ordering) is ignored, so the reader gets the first page.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, Generic, TypeVar
from urllib.parse import quote, unquote

from django.core.exceptions import ValidationError
from django.db.models import Field, Model, Q, QuerySet
from django.http import QueryDict

M = TypeVar("M", bound=Model)

PAGE_SIZE = 50
SEPARATOR = ","
LONGEST_CURSOR = 200


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    """One page of a list and the query strings (filters kept) of its neighbours."""

    items: list[M]
    next_cursor: str | None
    previous_cursor: str | None
    next_query: str | None
    previous_query: str | None

    @property
    def has_other_pages(self) -> bool:
        return self.next_query is not None or self.previous_query is not None


@dataclass(frozen=True)
class Keyset:
    """A total ordering, e.g. `Keyset(("-held_on", "-id"))`, and the names of the query
    parameters that carry a cursor to the following page (`next_param`) and to the
    preceding one (`previous_param`).

    The fields are model fields or annotations of the queryset, read from each row by
    the same name.
    """

    ordering: tuple[str, ...]
    next_param: str = "before"
    previous_param: str = "after"

    def __post_init__(self) -> None:
        if not self.ordering or self.ordering[-1].lstrip("-") not in ("pk", "id"):
            raise ValueError(f"a keyset ordering must end with the primary key: {self.ordering}")

    @property
    def names(self) -> list[str]:
        return [field.lstrip("-") for field in self.ordering]

    # -- cursors ----------------------------------------------------------------------

    def cursor_of(self, row: Model) -> str:
        return SEPARATOR.join(quote(_as_text(getattr(row, name)), safe="") for name in self.names)

    def parse(self, queryset: QuerySet[Any], cursor: str | None) -> list[Any] | None:
        """The key values a cursor names, or None if it names none."""
        if not cursor or len(cursor) > LONGEST_CURSOR:
            return None
        parts = cursor.split(SEPARATOR)
        if len(parts) != len(self.ordering):
            return None
        values = []
        for name, part in zip(self.names, parts, strict=True):
            try:
                value = _field(queryset, name).to_python(unquote(part))
            except (ValidationError, ValueError, TypeError):
                return None
            if value is None:
                return None
            values.append(value)
        return values

    # -- pages ------------------------------------------------------------------------

    def page(
        self, queryset: QuerySet[M], query: QueryDict, *, size: int = PAGE_SIZE
    ) -> KeysetPage[M]:
        """The page the query string asks for: after the `next_param` cursor, before the
        `previous_param` cursor, else the first. Costs one query (two when a cursor
        points before the start of the list)."""
        forward_from = self.parse(queryset, query.get(self.next_param))
        backward_from = (
            None
            if forward_from is not None
            else self.parse(queryset, query.get(self.previous_param))
        )
        if backward_from is not None:
            rows = list(
                queryset.filter(self._beyond(backward_from, backward=True)).order_by(
                    *_reversed(self.ordering)
                )[: size + 1]
            )
            if not rows:  # nothing precedes the cursor: an edited link
                return self.page(queryset, _without(query, self.previous_param), size=size)
            more_before = len(rows) > size
            items = rows[:size][::-1]
            more_after = True  # the row the cursor came from
        else:
            if forward_from is not None:
                queryset = queryset.filter(self._beyond(forward_from, backward=False))
            rows = list(queryset.order_by(*self.ordering)[: size + 1])
            items = rows[:size]
            more_after = len(rows) > size
            more_before = forward_from is not None

        next_cursor = self.cursor_of(items[-1]) if more_after and items else None
        previous_cursor = self.cursor_of(items[0]) if more_before and items else None
        base = _without(query, self.next_param, self.previous_param)
        previous_query = None
        if previous_cursor is not None:
            previous_query = _with(base, self.previous_param, previous_cursor)
        elif more_before:  # past the end of the list (an old or edited link): start again
            previous_query = base.urlencode()
        return KeysetPage(
            items=items,
            next_cursor=next_cursor,
            previous_cursor=previous_cursor,
            next_query=_with(base, self.next_param, next_cursor) if next_cursor else None,
            previous_query=previous_query,
        )

    def _beyond(self, values: Sequence[Any], *, backward: bool) -> Q:
        """Rows after `values` in this ordering (before them if `backward`):
        (a > x) or (a = x and b > y) or ..., with < for a descending field."""
        alternatives = []
        for i, field in enumerate(self.ordering):
            descending = field.startswith("-")
            lookup = "lt" if descending != backward else "gt"
            equal = {name: values[j] for j, name in enumerate(self.names[:i])}
            alternatives.append(Q(**equal, **{f"{self.names[i]}__{lookup}": values[i]}))
        return reduce(or_, alternatives)


def _field(queryset: QuerySet[Any], name: str) -> Field[Any, Any]:
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field
    meta = queryset.model._meta
    return meta.pk if name == "pk" else meta.get_field(name)


def _as_text(value: Any) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def _reversed(ordering: Sequence[str]) -> list[str]:
    return [field[1:] if field.startswith("-") else f"-{field}" for field in ordering]


def _without(query: QueryDict, *names: str) -> QueryDict:
    copy = query.copy()
    for name in names:
        copy.pop(name, None)
    return copy


def _with(base: QueryDict, name: str, value: str) -> str:
    query = base.copy()
    query[name] = value
    return query.urlencode()
