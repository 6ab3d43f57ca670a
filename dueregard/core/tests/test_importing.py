"""The shared import machinery: header checks, encodings, XLSX, row readers."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from dueregard.core.importing import ImportRejected, RowError, iter_readers, read_table


def test_reads_csv_with_a_byte_order_mark_and_columns_in_any_order() -> None:
    raw = "\ufeffB,a\r\n2, 1 \r\n\r\n".encode()
    table = read_table(raw, required=["a", "b"])
    assert table.columns == ["b", "a"]
    assert table.rows == [(2, {"b": "2", "a": "1"})]


def test_reads_the_first_sheet_of_an_xlsx_file() -> None:
    import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["as_of", "count"])
    sheet.append([datetime.datetime(2026, 3, 31), 12])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), required=["as_of", "count"], filename="x.xlsx")
    assert table.rows == [(2, {"as_of": "2026-03-31", "count": "12"})]


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00a", "not UTF-8"),
        (b"a\x00,b\n", "NUL"),
        (b"a,a\n1,2\n", "column 'a': column appears twice"),
        (b",a\n1,2\n", "a column has no name"),
        (b"a\n1,2\n", "row 2: has 2 cells, header has 1"),
        (b"PK\x03\x04junk", "not a readable .xlsx workbook"),
    ],
)
def test_unreadable_files_are_rejected_with_a_reason(raw: bytes, expected: str) -> None:
    with pytest.raises(ImportRejected) as rejected:
        read_table(raw, required=["a"])
    assert expected in str(rejected.value)


def test_row_reader_collects_every_error() -> None:
    table = read_table(b"d,n,c\n2026-02-30,x,blue\n2026-02-28,7,Red\n", required=["d", "n", "c"])
    errors: list[RowError] = []
    values = []
    for r in iter_readers(table, errors):
        values.append((r.date("d"), r.integer("n"), r.choice("c", {"red": "R"})))
    assert values[1] == (__import__("datetime").date(2026, 2, 28), 7, "R")
    assert [str(e) for e in errors] == [
        "row 2, column 'd': '2026-02-30' is not a date in the form YYYY-MM-DD",
        "row 2, column 'n': 'x' is not a whole number (digits 0-9 only)",
        "row 2, column 'c': 'blue' is not one of: red",
    ]


@pytest.mark.parametrize(
    "value",
    [
        "2021-W09-4",  # an ISO week date: fromisoformat reads it as 4 March 2021
        "2021-063",  # an ordinal date
        "20210304",  # the compact form
        "2021-03-04T00:00",
        "\u0662\u0660\u0662\u0661-\u0660\u0663-\u0660\u0664",  # Arabic-Indic digits
        "\uff12\uff10\uff12\uff11-\uff10\uff13-\uff10\uff14",  # full-width digits
    ],
)
def test_dates_are_exactly_yyyy_mm_dd(value: str) -> None:
    table = read_table(f"d\n{value}\n".encode(), required=["d"])
    errors: list[RowError] = []
    assert [r.date("d") for r in iter_readers(table, errors)] == [None]
    assert [str(e) for e in errors] == [
        f"row 2, column 'd': '{value}' is not a date in the form YYYY-MM-DD"
    ]


@pytest.mark.parametrize(
    "value", ["\u0663", "\u0661\u0662", "\uff11\uff12", "+5", "1_000", "1.0", "½"]
)
def test_whole_numbers_are_ascii_digits(value: str) -> None:
    table = read_table(f"n\n{value}\n".encode(), required=["n"])
    errors: list[RowError] = []
    assert [r.integer("n") for r in iter_readers(table, errors)] == [None]
    assert [str(e) for e in errors] == [
        f"row 2, column 'n': '{value}' is not a whole number (digits 0-9 only)"
    ]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_rejected_cleanly(raw: bytes) -> None:
    try:
        read_table(raw, required=["a"], optional=["b"])
    except ImportRejected as rejected:
        assert rejected.errors
