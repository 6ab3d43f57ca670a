"""Shared machinery for importing CSV and XLSX files, whole file or nothing.

An importer declares its columns, reads every row, collects every error with its row
number and column, and only if there are none writes everything in one transaction.
Row numbers are as a spreadsheet shows them: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

MAX_CELL_LENGTH = 10_000
# The documented formats: dates YYYY-MM-DD, whole numbers in the digits 0-9.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
WHOLE_NUMBER = re.compile(r"-?[0-9]+")


@dataclass(frozen=True, order=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """The file was rejected whole; nothing was written."""

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors = sorted(errors)
        super().__init__(
            f"{len(self.errors)} error(s); nothing was imported:\n"
            + "\n".join(str(e) for e in self.errors)
        )


@dataclass
class Table:
    """The rows of a file as dictionaries keyed by lower-case column name."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            [RowError(0, "", f"the file is not UTF-8 text (byte {exc.start} cannot be read)")]
        ) from None
    if "\x00" in text:
        raise ImportRejected([RowError(0, "", "the file contains NUL characters")])
    return text


def _read_csv(raw: bytes) -> list[list[str]]:
    text = _decode(raw)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), strict=True)]
    except csv.Error as exc:
        raise ImportRejected([RowError(0, "", f"the CSV cannot be read: {exc}")]) from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(raw: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds for a non-workbook)
        raise ImportRejected(
            [RowError(0, "", "the file is not a readable .xlsx workbook")]
        ) from None
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_table(
    source: str | Path | bytes | IO[bytes],
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    filename: str | None = None,
) -> Table:
    """Read a CSV or XLSX file and check its header.

    Column names match case-insensitively and may come in any order. Unknown, duplicate
    and missing required columns are errors. Blank lines are skipped.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        filename = filename or path.name
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ImportRejected([RowError(0, "", f"cannot read {path}: {exc.strerror}")]) from None
    elif isinstance(source, bytes):
        raw = source
    else:
        raw = source.read()
    is_xlsx = (filename or "").lower().endswith(".xlsx") or raw[:2] == b"PK"
    grid = _read_xlsx(raw) if is_xlsx else _read_csv(raw)
    while grid and not any(c.strip() for c in grid[-1]):
        grid.pop()
    if not grid:
        raise ImportRejected([RowError(0, "", "the file is empty: expected a header row")])

    required = [c.lower() for c in required]
    known = set(required) | {c.lower() for c in optional}
    header = [c.strip().lower() for c in grid[0]]
    while header and header[-1] == "":
        header.pop()
    errors: list[RowError] = []
    seen: set[str] = set()
    for name in header:
        if name == "":
            errors.append(RowError(1, "", "a column has no name"))
        elif name not in known:
            errors.append(RowError(1, name, "unknown column"))
        elif name in seen:
            errors.append(RowError(1, name, "column appears twice"))
        seen.add(name)
    for name in required:
        if name not in seen:
            errors.append(RowError(1, name, "required column is missing"))
    if errors:
        raise ImportRejected(errors)

    table = Table(columns=header)
    for number, cells in enumerate(grid[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            errors.append(RowError(number, "", f"has {len(cells)} cells, header has {len(header)}"))
            continue
        row = {}
        for i, name in enumerate(header):
            value = cells[i].strip() if i < len(cells) else ""
            if len(value) > MAX_CELL_LENGTH:
                errors.append(RowError(number, name, f"longer than {MAX_CELL_LENGTH} characters"))
            row[name] = value
        table.rows.append((number, row))
    if errors:
        raise ImportRejected(errors)
    return table


class RowReader:
    """Parses one row's cells, collecting errors instead of stopping at the first."""

    def __init__(self, number: int, row: Mapping[str, str], errors: list[RowError]) -> None:
        self.number = number
        self.row = row
        self.errors = errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.row.get(column, "")
        if required and not value:
            self.error(column, "is required")
        elif len(value) > max_length:
            self.error(column, f"is longer than {max_length} characters")
        return value

    def date(self, column: str, *, required: bool = False) -> datetime.date | None:
        value = self.row.get(column, "")
        if not value:
            if required:
                self.error(column, "is required (YYYY-MM-DD)")
            return None
        try:
            # Exactly YYYY-MM-DD in ASCII digits: fromisoformat alone also takes week dates
            # (2021-W09-4), compact forms and other scripts' digits.
            if not ISO_DATE.fullmatch(value):
                raise ValueError
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(column, f"'{value}' is not a date in the form YYYY-MM-DD")
            return None

    def integer(
        self, column: str, *, required: bool = False, minimum: int = 0, maximum: int = 10**9
    ) -> int | None:
        value = self.row.get(column, "")
        if not value:
            if required:
                self.error(column, "is required (a whole number)")
            return None
        if not WHOLE_NUMBER.fullmatch(value):  # int() also takes "+5", "1_000", "٣"
            self.error(column, f"'{value}' is not a whole number (digits 0-9 only)")
            return None
        number = int(value)
        if not minimum <= number <= maximum:
            self.error(column, f"{number} is outside {minimum} to {maximum}")
            return None
        return number

    def choice(
        self, column: str, choices: Mapping[str, Any], *, required: bool = False
    ) -> Any | None:
        """Match a label case-insensitively against `choices` (lower-case label -> value)."""
        value = self.row.get(column, "")
        if not value:
            if required:
                self.error(column, "is required")
            return None
        try:
            return choices[value.casefold()]
        except KeyError:
            allowed = (
                ", ".join(sorted(choices)) if len(choices) <= 20 else "see docs/data-formats.md"
            )
            self.error(column, f"'{value}' is not one of: {allowed}")
            return None


def iter_readers(table: Table, errors: list[RowError]) -> Iterator[RowReader]:
    for number, row in table.rows:
        yield RowReader(number, row, errors)
