"""The one registry of reports: id, title, the permission needed, and how to build it.

Definitions register themselves at import (reports/definitions/__init__.py imports
them all). `manage.py report <id>`, the report pages and the API look reports up here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from dueregard.accounts.permissions import Kind
from dueregard.areas.models import Authority

from .data import Report

Builder = Callable[[Authority, datetime.date, datetime.date], Report]
# Fills in words that quote figures (a headline, the equality findings) from the tables
# *after* disclosure control, so a sentence can never give away a hidden count.
Finisher = Callable[[Report], None]


@dataclass(frozen=True)
class ReportType:
    id: str
    title: str
    description: str
    kind: Kind  # the record kind whose EXPORT/VIEW permission the report needs
    build: Builder
    formats: tuple[str, ...] = ("json", "csv", "xlsx", "html", "docx", "pdf")
    finish: Finisher | None = None

    def produce(
        self, authority: Authority, start: datetime.date, end: datetime.date, audience: str
    ) -> Report:
        """Build with exact figures, protect for `audience`, then finish the words."""
        from . import disclosure

        report = disclosure.apply(self.build(authority, start, end), audience)
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
