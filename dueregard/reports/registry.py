"""The one registry of reports: id, title, the permission needed, the scopes it serves,
and how to build it.

Definitions register themselves at import (reports/definitions/__init__.py imports
them all). `manage.py report <id>`, the report pages, the statistics page and the API
look reports up here. A builder takes a `Scope` (one authority, a region or England and
Wales); a report of one authority at a time wraps its builder in `for_authority`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from dueregard.accounts.permissions import Kind
from dueregard.areas.models import Authority

from .data import Report
from .scope import AUTHORITY, Scope

Builder = Callable[[Scope, datetime.date, datetime.date], Report]
AuthorityBuilder = Callable[[Authority, datetime.date, datetime.date], Report]
# Fills in words that quote figures (a headline, the equality findings) from the tables
# *after* disclosure control, so a sentence can never give away a hidden count.
Finisher = Callable[[Report], None]


def for_authority(build: AuthorityBuilder) -> Builder:
    """The builder of a report made for one authority at a time."""

    def builder(scope: Scope, start: datetime.date, end: datetime.date) -> Report:
        return build(scope.authority, start, end)

    return builder


@dataclass(frozen=True)
class ReportType:
    id: str
    title: str
    description: str
    kind: Kind  # the record kind whose EXPORT/VIEW permission the report needs
    builder: Builder
    formats: tuple[str, ...] = ("json", "csv", "xlsx", "html", "docx", "pdf")
    finish: Finisher | None = None
    scopes: tuple[str, ...] = (AUTHORITY,)  # the kinds of Scope it can be built for

    def build(self, where: Authority | Scope, start: datetime.date, end: datetime.date) -> Report:
        """The report with exact figures for `where` (an authority or a wider scope)."""
        scope = Scope.of(where)
        if scope.kind not in self.scopes:
            raise ValidationError(f"The {self.title} report is not made for {scope.name}.")
        return self.builder(scope, start, end)

    def produce(
        self,
        where: Authority | Scope,
        start: datetime.date,
        end: datetime.date,
        audience: str,
    ) -> Report:
        """Build with exact figures, protect for `audience`, then finish the words."""
        from . import disclosure

        report = disclosure.apply(self.build(where, start, end), audience)
        if self.finish is not None:
            self.finish(report)
        return report


_registry: dict[str, ReportType] = {}


def register(report_type: ReportType) -> ReportType:
    if report_type.id in _registry:
        raise ValueError(f"report {report_type.id!r} is registered twice")
    _registry[report_type.id] = report_type
    return report_type


def get(report_id: str) -> ReportType:
    from . import definitions  # noqa: F401  (registers every definition)

    return _registry[report_id]


def all_reports() -> list[ReportType]:
    from . import definitions  # noqa: F401

    return sorted(_registry.values(), key=lambda r: r.title)
