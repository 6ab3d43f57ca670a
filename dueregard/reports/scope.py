"""What a report is for: one authority, a region (every authority in it) or England and
Wales. Every registered report is built for a scope (`registry.Builder`); most are for one
authority at a time, and say which scopes they serve (`ReportType.scopes`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dueregard.areas.models import Authority

AUTHORITY = "authority"
REGION = "region"
NATIONAL = "national"
ENGLAND_AND_WALES = "England and Wales"
ENGLAND_AND_WALES_CODE = "K04000001"  # the ONS code for England and Wales


@dataclass(frozen=True)
class Scope:
    """The authorities a report adds up, with the code and name it is reported under."""

    kind: str  # AUTHORITY, REGION or NATIONAL
    code: str
    name: str
    authorities: tuple[Authority, ...]

    @classmethod
    def for_authority(cls, authority: Authority) -> Scope:
        return cls(AUTHORITY, authority.ons_code, authority.name, (authority,))

    @classmethod
    def for_region(cls, region: str, authorities: Iterable[Authority]) -> Scope:
        return cls(REGION, region, region, tuple(authorities))

    @classmethod
    def national(cls, authorities: Iterable[Authority]) -> Scope:
        return cls(NATIONAL, ENGLAND_AND_WALES_CODE, ENGLAND_AND_WALES, tuple(authorities))

    @classmethod
    def of(cls, where: Authority | Scope) -> Scope:
        """`where` as a scope: an authority is the scope of that authority alone."""
        return where if isinstance(where, Scope) else cls.for_authority(where)

    @property
    def authority(self) -> Authority:
        """The one authority of an authority scope (a region or England and Wales has
        no single authority: ValueError)."""
        if self.kind != AUTHORITY:
            raise ValueError(f"{self.name} is a {self.kind}, not one authority")
        return self.authorities[0]

    @property
    def value(self) -> str:
        """How the statistics page's form names the scope."""
        if self.kind == AUTHORITY:
            return f"authority:{self.code}"
        if self.kind == REGION:
            return f"region:{self.code}"
        return NATIONAL
