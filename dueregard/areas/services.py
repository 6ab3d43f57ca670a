"""Loading areas from CSV files: authorities, wards and population counts.

Each loader is idempotent (a row that matches an existing record by ONS code updates it)
and whole-file: any bad row rejects the file and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.db import transaction

from dueregard.core.importing import ImportRejected, RowError, iter_readers, read_table

from .models import Authority, Characteristic, Population, Region, Ward


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


_REGIONS = {r.value.casefold(): r.value for r in Region} | {
    "yorkshire and the humber": Region.YORKSHIRE.value,
    "east": Region.EAST.value,
}
_CHARACTERISTICS = {c.value: c.value for c in Characteristic} | {
    c.label.casefold(): c.value for c in Characteristic
}


def _is_ons_code(value: str, prefixes: str = "EW") -> bool:
    return len(value) == 9 and value[0] in prefixes and value[1:].isdigit()


def load_authorities(source: str | Path | IO[bytes], *, filename: str | None = None) -> LoadResult:
    table = read_table(
        source,
        required=["ons_code", "name", "region"],
        optional=["ct_policing_region"],
        filename=filename,
    )
    errors: list[RowError] = []
    parsed = []
    seen: set[str] = set()
    for r in iter_readers(table, errors):
        code = r.text("ons_code", required=True, max_length=9).upper()
        if code and not _is_ons_code(code):
            r.error("ons_code", f"'{code}' is not an ONS code such as E09000003")
        elif code in seen:
            r.error("ons_code", f"'{code}' appears on an earlier row")
        seen.add(code)
        name = r.text("name", required=True, max_length=120)
        region = r.choice("region", _REGIONS, required=True)
        ct = r.text("ct_policing_region", max_length=80)
        parsed.append((code, name, region, ct))
    if errors:
        raise ImportRejected(errors)
    created = updated = 0
    with transaction.atomic():
        for code, name, region, ct in parsed:
            assert region is not None  # rows with errors were rejected above
            _, was_created = Authority.objects.update_or_create(
                ons_code=code, defaults={"name": name, "region": region, "ct_policing_region": ct}
            )
            created += was_created
            updated += not was_created
    return LoadResult(created, updated)


def load_wards(source: str | Path | IO[bytes], *, filename: str | None = None) -> LoadResult:
    table = read_table(source, required=["ons_code", "name", "authority"], filename=filename)
    authorities = {a.ons_code.casefold(): a for a in Authority.objects.all()}
    authorities |= {a.name.casefold(): a for a in authorities.values()}
    errors: list[RowError] = []
    parsed = []
    seen: set[str] = set()
    names: set[tuple[int, str]] = set()
    for r in iter_readers(table, errors):
        code = r.text("ons_code", required=True, max_length=9).upper()
        if code and not _is_ons_code(code):
            r.error("ons_code", f"'{code}' is not an ONS ward code such as E05000043")
        elif code in seen:
            r.error("ons_code", f"'{code}' appears on an earlier row")
        seen.add(code)
        name = r.text("name", required=True, max_length=120)
        authority = r.choice("authority", authorities, required=True)
        if authority is not None and name:
            key = (authority.pk, name.casefold())
            if key in names:
                r.error("name", f"'{name}' appears twice in {authority}")
            names.add(key)
        parsed.append((code, name, authority))
    if errors:
        raise ImportRejected(errors)
    created = updated = 0
    with transaction.atomic():
        for code, name, authority in parsed:
            assert authority is not None
            _, was_created = Ward.objects.update_or_create(
                ons_code=code, defaults={"name": name, "authority": authority}
            )
            created += was_created
            updated += not was_created
    return LoadResult(created, updated)


def load_population(source: str | Path | IO[bytes], *, filename: str | None = None) -> LoadResult:
    """Rows: `area` (authority or ward ONS code), `characteristic`, `group`, `count`."""
    table = read_table(
        source, required=["area", "characteristic", "group", "count"], filename=filename
    )
    authorities = {a.ons_code: a for a in Authority.objects.all()}
    wards = {w.ons_code: w for w in Ward.objects.select_related("authority")}
    errors: list[RowError] = []
    parsed = []
    seen: set[tuple[str, str, str]] = set()
    for r in iter_readers(table, errors):
        code = r.text("area", required=True, max_length=9).upper()
        ward = wards.get(code)
        authority = ward.authority if ward else authorities.get(code)
        if code and authority is None:
            r.error("area", f"'{code}' is not a loaded authority or ward")
        characteristic = r.choice("characteristic", _CHARACTERISTICS, required=True)
        group = r.text("group", required=True, max_length=80)
        count = r.integer("count", required=True, maximum=100_000_000)
        key = (code, str(characteristic), group.casefold())
        if key in seen:
            r.error("group", f"'{group}' appears twice for {code}")
        seen.add(key)
        parsed.append((authority, ward, characteristic, group, count))
    if errors:
        raise ImportRejected(errors)
    created = updated = 0
    with transaction.atomic():
        for authority, ward, characteristic, group, count in parsed:
            assert count is not None
            _, was_created = Population.objects.update_or_create(
                authority=authority,
                ward=ward,
                characteristic=characteristic,
                group=group,
                defaults={"count": count},
            )
            created += was_created
            updated += not was_created
    return LoadResult(created, updated)


LOADERS = {
    "authorities": load_authorities,
    "wards": load_wards,
    "population": load_population,
}
