"""Every renderer produces a file its real reader opens, with the figures, the marking and
the protections in it."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from dueregard.reports import disclosure, renderers
from dueregard.reports.data import OFFICIAL, OFFICIAL_SENSITIVE, Chart, Suppressed
from dueregard.reports.renderers import charts
from dueregard.reports.renderers.html import render_fragment
from dueregard.reports.renderers.xlsx import sheet_names

from .factories import one_way, report_with, two_way

INJECTION = '=HYPERLINK("http://example.invalid","click")'
SECTORS = ["Education", "Police", INJECTION, "Health", "Friends and family"]


@pytest.fixture
def exact_report():
    return report_with(
        one_way([12, 3, 20, 7, 9], labels=SECTORS),
        two_way([[3, 10], [12, 7], [9, 20]]),
        charts=[Chart("sector-chart", "Referrals by sector", "by-sector", "label", ["referrals"])],
    )


@pytest.fixture
def board_report(exact_report):
    return disclosure.apply(exact_report, "board")


def tool(name: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    """Run a document tool installed by `make sysdeps` (poppler, LibreOffice)."""
    path = shutil.which(name)
    assert path, f"{name} is not installed: run make sysdeps"
    return subprocess.run([path, *args], capture_output=True, check=True, **kwargs)  # noqa: S603


def pdf_pages(path: Path) -> int:
    info = tool("pdfinfo", str(path), text=True)
    match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert match, info.stdout
    return int(match.group(1))


def pdf_text(path: Path) -> str:
    return tool("pdftotext", "-layout", str(path), "-", text=True).stdout


# --- JSON ----------------------------------------------------------------------------------


def test_json_has_the_public_shape_with_integers_numbers_and_hidden_strings(board_report):
    data = json.loads(renderers.render(board_report, "json"))
    assert {"report", "authority", "from", "to", "tables"} <= data.keys()
    assert data["report"] == "test-report"
    assert data["authority"] == "E09999801"
    assert (data["from"], data["to"]) == ("2024-04-01", "2025-03-31")
    assert data["audience"] == "board"
    assert data["marking"] == OFFICIAL
    assert data["generated_at"].startswith("20")
    table = data["tables"][0]
    assert table["id"] == "by-sector"
    assert table["columns"] == ["label", "referrals", "percent"]
    assert table["rows"][0] == {"label": "Education", "referrals": 12, "percent": 23.5}
    assert table["rows"][1] == {"label": "Police", "referrals": "<5", "percent": "*"}
    assert table["rows"][2] == {"label": INJECTION, "referrals": 20, "percent": 39.2}
    assert table["rows"][3] == {"label": "Health", "referrals": "*", "percent": "*"}
    assert isinstance(table["rows"][2]["referrals"], int)
    assert table["denominator"] == {"label": "referrals where the sector is known", "value": 51}
    assert table["not_known"] is None
    assert table["notes"][-1].startswith("Counts from 1 to 4 are shown as <5")
    assert any(n.startswith("Referrals by sector: Counts from 1 to 4") for n in data["notes"])
    assert "for the board audience" in data["notes"][0]


def test_json_of_an_exact_report_keeps_every_figure(exact_report):
    data = json.loads(renderers.render(exact_report, "json"))
    assert data["marking"] == OFFICIAL_SENSITIVE
    assert data["audience"] == "exact"
    assert [r["referrals"] for r in data["tables"][0]["rows"]] == [12, 3, 20, 7, 9, 51]
    assert data["tables"][0]["rows"][1]["percent"] == 5.9


# --- CSV -----------------------------------------------------------------------------------


def test_csv_puts_each_table_after_its_title_row_and_before_a_blank_row(board_report):
    text = renderers.render(board_report, "csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [OFFICIAL]
    assert rows[2] == []
    first = rows.index(["Referrals by sector"])
    assert rows[first + 1] == ["Sector", "Referrals", "% of referrals"]
    assert rows[first + 2] == ["Education", "12", "23.5"]
    assert rows[first + 3] == ["Police", "<5", "*"]
    assert rows[first + 5] == ["Health", "*", "*"]
    second = rows.index(["Referrals by age band and sex"])
    assert rows[second - 1] == []
    assert rows[second + 1] == ["Age band", "Column 1", "Column 2", "All"]
    assert rows[second + 5] == ["Total", "24", "37", "61"]


def test_csv_escapes_text_a_spreadsheet_would_run_as_a_formula(board_report):
    rows = list(csv.reader(io.StringIO(renderers.render(board_report, "csv").decode())))
    labels = [r[0] for r in rows if r]
    assert "'" + INJECTION in labels
    assert INJECTION not in labels


# --- XLSX ----------------------------------------------------------------------------------


def test_xlsx_has_one_sheet_per_table_with_a_bold_header_and_numbers(board_report, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(renderers.render(board_report, "xlsx"))
    book = load_workbook(path)
    assert book.sheetnames == ["Referrals by sector", "Referrals by age band and sex"]
    sheet = book["Referrals by sector"]
    assert sheet["A1"].value == "Referrals by sector"
    assert OFFICIAL in sheet["A2"].value
    header = [c.value for c in sheet[4]]
    assert header == ["Sector", "Referrals", "% of referrals"]
    assert all(c.font.bold for c in sheet[4])
    assert [c.value for c in sheet[5]] == ["Education", 12, 23.5]
    assert [c.value for c in sheet[6]] == ["Police", "<5", "*"]
    assert [c.value for c in sheet[7]] == ["'" + INJECTION, 20, 39.2]
    assert sheet["A7"].data_type == "s"  # text, not a formula
    assert sheet.oddHeader.center.text == OFFICIAL
    assert sheet.freeze_panes == "A5"


def test_sheet_names_are_at_most_31_characters_unique_and_legal():
    titles = [
        "Referrals by type of concern and age band, by quarter",
        "Referrals by type of concern and age band, by quarter",
        "Referrals: sector [all]",
        "",
    ]
    names = sheet_names(titles)
    assert all(len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert names[1].endswith("(2)")
    assert names[2] == "Referrals  sector  all"
    assert names[3] == "Table"


# --- DOCX ----------------------------------------------------------------------------------


def test_docx_has_headings_tables_with_header_rows_a_chart_picture_and_the_marking(
    board_report, tmp_path
):
    path = tmp_path / "report.docx"
    path.write_bytes(renderers.render(board_report, "docx"))
    document = Document(str(path))
    assert document.sections[0].header.paragraphs[0].text == OFFICIAL
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[:2] == ["Test report", "Figures"]
    assert len(document.tables) == 2
    sector = document.tables[0]
    assert [c.text for c in sector.rows[0].cells] == ["Sector", "Referrals", "% of referrals"]
    assert all(r.bold for c in sector.rows[0].cells for r in c.paragraphs[0].runs)
    assert [c.text for c in sector.rows[2].cells] == ["Police", "<5", "*"]
    assert len(document.inline_shapes) == 1
    alt = document.inline_shapes[0]._inline.docPr.get("descr")
    assert "Referrals" in alt and "hidden" in alt


def test_docx_converts_to_pdf_in_libreoffice_with_its_table_and_chart(board_report, tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(renderers.render(board_report, "docx"))
    # A private profile (HOME) so a LibreOffice already open elsewhere does not interfere.
    tool(
        "soffice",
        *("--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)),
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    converted = tmp_path / "report.pdf"
    assert pdf_pages(converted) >= 1
    text = pdf_text(converted)
    assert "Referrals by sector" in text and "Friends and family" in text
    assert OFFICIAL in text
    tool("pdftoppm", "-png", "-r", "40", str(converted), str(tmp_path / "page"))
    assert list(tmp_path.glob("page-*.png"))


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_has_pages_the_marking_in_the_header_and_page_numbers(board_report, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(renderers.render(board_report, "pdf"))
    pages = pdf_pages(path)
    assert pages >= 1
    text = pdf_text(path)
    assert text.count(OFFICIAL) >= pages
    assert f"Page 1 of {pages}" in text
    assert "Referrals by sector" in text and "<5" in text
    tool("pdftoppm", "-png", "-r", "40", str(path), str(tmp_path / "page"))
    assert len(list(tmp_path.glob("page-*.png"))) == pages


# --- HTML ----------------------------------------------------------------------------------


def test_html_fragment_uses_govuk_tables_numeric_cells_and_an_accessible_chart(board_report):
    html = str(render_fragment(board_report))
    assert html.count('<table class="govuk-table"') == 2
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--m">Table 1: Referrals by sector'
        in html
    )
    assert 'class="govuk-table__header govuk-table__header--numeric">Referrals</th>' in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">20</td>' in html
    assert '<th scope="row" class="govuk-table__header">Police</th>' in html
    assert '&lt;5<span class="govuk-visually-hidden">' in html
    assert "&quot;http://example.invalid&quot;" in html  # labels are escaped
    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert 'role="img"' in svg
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    for element_id in labelled_by:
        assert f'id="{element_id}"' in html
    assert '<title id="chart-sector-chart-title">Referrals by sector</title>' in html
    # The site's Content Security Policy forbids inline styles: the SVG carries none.
    assert "style=" not in html and "<style" not in html
    # The chart sits beside its table.
    assert 'class="govuk-grid-row dr-table-and-chart"' in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_html_fragment_puts_a_wide_table_full_width_with_its_chart_below():
    table = two_way([[3, 10, 4, 6], [12, 7, 5, 8]])  # label, four groups and a total
    report = report_with(table, charts=[Chart("grid", "By age band", "two-way", "label", ["c0"])])
    html = str(render_fragment(report))
    assert "dr-table-and-chart" not in html  # not squeezed into half the page
    assert html.index("</table>") < html.index("<svg")


def test_html_document_is_a_whole_page_with_the_marking():
    report = disclosure.apply(report_with(one_way([12, 30, 20])), "public")
    html = renderers.render(report, "html").decode()
    assert html.startswith("<!DOCTYPE html>")
    assert '<p class="dr-marking" data-marking="OFFICIAL">OFFICIAL</p>' in html
    assert "@top-center" in html and "counter(pages)" in html


# --- charts --------------------------------------------------------------------------------


def test_a_chart_draws_hidden_values_as_gaps_never_as_bars(board_report):
    table = board_report.table("by-sector")
    chart = board_report.all_charts()[0]
    labels, series = charts.series_values(chart, table)
    assert labels == SECTORS  # the total row is not a bar
    values = series["referrals"]
    assert values[2] == 20.0
    assert values[1] != values[1] and values[3] != values[3]  # NaN: no bar
    figure = charts.draw(chart, table)
    heights = [p.get_height() for p in figure.axes[0].patches]
    assert 3 not in heights and 7 not in heights and 12 in heights
    assert [t.get_text() for t in figure.axes[0].texts] == ["hidden", "hidden"]
    assert isinstance(table.rows[1]["referrals"], Suppressed)


def test_chart_png_is_a_picture():
    report = report_with(
        one_way([12, 30, 20]),
        charts=[
            Chart("c", "Referrals by sector", "by-sector", "label", ["referrals"], kind="barh")
        ],
    )
    png = charts.png(report.all_charts()[0], report.table("by-sector"))
    assert png.startswith(b"\x89PNG")


def test_every_format_is_offered_and_unknown_ones_are_refused(board_report):
    assert set(renderers.FORMATS) == {"json", "csv", "xlsx", "html", "docx", "pdf"}
    with pytest.raises(ValueError, match="unknown format 'odt'"):
        renderers.render(board_report, "odt")


def test_xlsx_carries_each_chart_as_a_picture_beside_its_table(board_report, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(renderers.render(board_report, "xlsx"))
    book = load_workbook(path)
    pictures = book["Referrals by sector"]._images
    assert len(pictures) == 1
    assert pictures[0].anchor._from.col == 4  # column E: two to the right of the table
    assert book["Referrals by age band and sex"]._images == []
