"""DOCX (python-docx): the marking in every page's header and "Page N of M" in the
footer, the title, then each section's heading (Word's own Heading 1-4 styles, so the
navigation pane and a screen reader find them), paragraphs and tables, with each chart as
a PNG picture (with alternative text) after the table it is drawn from.

Tables and charts have numbered captions ("Table 1: ...", "Figure 1: ..." in the Caption
style) referred to from the text; each chart's text alternative is also printed under
it. A table's header row is bold and repeated on every page; its column widths come from
its content (every column at least its longest word, text columns get the room left,
numbers narrow and right-aligned) and are fixed in the file, so Word and LibreOffice
break no word inside a cell."""

from __future__ import annotations

import io

from django.utils import dateformat
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from ..data import NUMERIC_KINDS, Chart, Report, Section, Table
from . import charts, layout
from .html import DATETIME_FORMAT, denominator_text, format_value, period_text
from .json import table_notes

TEXT_WIDTH = Cm(17)  # A4 less 2 cm margins
CELL_PADDING = Cm(0.4)  # Word's default cell margins, 0.19 cm each side
FONT_SIZE = Pt(10.5)
# A table too wide for its longest words at the body size is set smaller, down to 8 pt.
TABLE_SIZES = (Pt(10.5), Pt(9.5), Pt(9), Pt(8.5), Pt(8))


def _field(paragraph: object, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that the reader fills in."""
    run = paragraph.add_run()  # type: ignore[attr-defined]
    for kind, text in (("begin", None), (None, instruction), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        run._r.append(element)


def _repeat_header(row: object) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _widths(table: Table, texts: list[list[str]]) -> tuple[Pt, list[int]]:
    """The table's type size and column widths in EMU, from the content (see
    layout.share_out): the largest of TABLE_SIZES at which every column holds its
    longest word."""
    measured = layout.measure(table, texts)
    for size in TABLE_SIZES:
        if layout.fits(measured, TEXT_WIDTH / size, CELL_PADDING / size):
            break
    shares = layout.share_out(measured, TEXT_WIDTH / size, CELL_PADDING / size)
    return size, [int(share * size) for share in shares]


def _fix_widths(grid: object, widths: list[int]) -> None:
    """Fixed layout with the grid's and every cell's width set: Word reads the cells',
    LibreOffice the grid's, and neither then shares the width out equally."""
    grid.autofit = False  # type: ignore[attr-defined]
    properties = grid._tbl.tblPr  # type: ignore[attr-defined]
    total = properties.find(qn("w:tblW"))
    if total is None:
        total = OxmlElement("w:tblW")
        properties.append(total)
    total.set(qn("w:w"), str(sum(widths) // 635))  # EMU to twentieths of a point
    total.set(qn("w:type"), "dxa")
    for column, width in zip(grid.columns, widths, strict=True):  # type: ignore[attr-defined]
        column.width = width
    for row in grid.rows:  # type: ignore[attr-defined]
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def _table(document: object, table: Table, found: layout.Numbers) -> None:
    caption = document.add_paragraph(found.table_caption(table), style="Caption")  # type: ignore[attr-defined]
    caption.paragraph_format.keep_with_next = True
    for run in caption.runs:
        run.bold = True
        run.italic = False
        run.font.size = Pt(11)
        run.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    texts = [[format_value(row.get(c.id), c) for c in table.columns] for row in table.rows]
    size, widths = _widths(table, texts)
    grid = document.add_table(rows=1, cols=len(table.columns))  # type: ignore[attr-defined]
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        run = cell.paragraphs[0].add_run(column.title)
        run.bold = True
        run.font.size = size
        if column.kind in NUMERIC_KINDS:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _repeat_header(grid.rows[0])
    for row, shown in zip(table.rows, texts, strict=True):
        cells = grid.add_row().cells
        for cell, column, text in zip(cells, table.columns, shown, strict=True):
            run = cell.paragraphs[0].add_run(text)
            run.bold = table.is_total_row(row)
            run.font.size = size
            if column.kind in NUMERIC_KINDS:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if not table.rows:
        grid.add_row().cells[0].text = "No figures for this period."
    _fix_widths(grid, widths)
    about = denominator_text(table)
    for line in ([about] if about else []) + table_notes(table):
        note = document.add_paragraph(line)  # type: ignore[attr-defined]
        for run in note.runs:
            run.font.size = Pt(9)


def _chart(document: object, chart: Chart, table: Table, found: layout.Numbers) -> None:
    label = found.table_label(table) if table.id in found.tables else ""
    alt = charts.description(chart, table, table_label=label)
    picture = document.add_picture(  # type: ignore[attr-defined]
        io.BytesIO(charts.png(chart, table)), width=Cm(15)
    )
    picture._inline.docPr.set("descr", alt)
    picture._inline.docPr.set("title", chart.title)
    document.paragraphs[-1].paragraph_format.keep_with_next = True  # type: ignore[attr-defined]
    caption = document.add_paragraph(found.figure_caption(chart), style="Caption")  # type: ignore[attr-defined]
    caption.paragraph_format.keep_with_next = True
    for run in caption.runs:
        run.bold = True
        run.italic = False
        run.font.size = Pt(10)
        run.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    words = document.add_paragraph(alt)  # type: ignore[attr-defined]
    for run in words.runs:
        run.font.size = Pt(9)


def _sections(
    document: object, report: Report, sections: list[Section], level: int, found: layout.Numbers
) -> None:
    tables = {t.id: t for t in report.all_tables()}
    for section in sections:
        document.add_heading(section.title, level=min(level, 4))  # type: ignore[attr-defined]
        for paragraph in section.paragraphs:
            document.add_paragraph(found.refer(paragraph))  # type: ignore[attr-defined]
        lead = layout.lead_in(report, section, found)
        if lead:
            document.add_paragraph(lead)  # type: ignore[attr-defined]
        for item in layout.placement(report, section):
            if item.table is not None:
                _table(document, item.table, found)
            for chart in item.charts:
                _chart(document, chart, item.table or tables[chart.table_id], found)
        _sections(document, report, section.subsections, level + 1, found)


def render(report: Report) -> bytes:
    document = Document()
    document.core_properties.title = f"{report.title} \N{EN DASH} {report.authority_name}"
    document.core_properties.keywords = report.marking
    document.core_properties.category = report.marking
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = FONT_SIZE

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    marking = header.add_run(report.marking)
    marking.bold = True
    marking.font.color.rgb = RGBColor(0xD4, 0x35, 0x1C)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")

    document.add_heading(report.title, level=0)
    meta = document.add_paragraph(
        f"{report.authority_name} ({report.authority_code}) · {period_text(report)} · "
        f"audience: {report.audience} · "
        f"produced {dateformat.format(report.generated_at, DATETIME_FORMAT)}"
    )
    meta.runs[0].font.color.rgb = RGBColor(0x50, 0x5A, 0x5F)
    _sections(document, report, report.sections, 1, layout.numbers(report))
    if report.notes:
        document.add_heading("Notes", level=1)
        for note in report.notes:
            document.add_paragraph(note, style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
