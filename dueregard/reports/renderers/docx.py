"""DOCX (python-docx): the marking in every page's header and "Page N of M" in the
footer, the title, then each section's heading, paragraphs and tables (a bold header
row repeated on every page, numbers right-aligned), with each chart as a PNG picture
(with alternative text) after the table it is drawn from."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from ..data import NUMERIC_KINDS, Chart, Report, Section, Table
from . import charts
from .html import denominator_text, format_value, period_text
from .json import table_notes


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


def _table(document: object, table: Table) -> None:
    caption = document.add_paragraph()  # type: ignore[attr-defined]
    caption.add_run(table.title).bold = True
    caption.paragraph_format.keep_with_next = True
    grid = document.add_table(rows=1, cols=len(table.columns))  # type: ignore[attr-defined]
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        run = cell.paragraphs[0].add_run(column.title)
        run.bold = True
        if column.kind in NUMERIC_KINDS:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _repeat_header(grid.rows[0])
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, column in zip(cells, table.columns, strict=True):
            run = cell.paragraphs[0].add_run(format_value(row.get(column.id), column))
            run.bold = table.is_total_row(row)
            if column.kind in NUMERIC_KINDS:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if not table.rows:
        grid.add_row().cells[0].text = "No figures for this period."
    about = denominator_text(table)
    for line in ([about] if about else []) + table_notes(table):
        note = document.add_paragraph(line)  # type: ignore[attr-defined]
        for run in note.runs:
            run.font.size = Pt(9)


def _chart(document: object, chart: Chart, table: Table) -> None:
    picture = document.add_picture(  # type: ignore[attr-defined]
        io.BytesIO(charts.png(chart, table)), width=Cm(15)
    )
    picture._inline.docPr.set("descr", charts.description(chart, table))
    picture._inline.docPr.set("title", chart.title)
    caption = document.add_paragraph(chart.title)  # type: ignore[attr-defined]
    for run in caption.runs:
        run.italic = True
        run.font.size = Pt(9)


def _sections(document: object, report: Report, sections: list[Section], level: int) -> None:
    tables = {t.id: t for t in report.all_tables()}
    for section in sections:
        document.add_heading(section.title, level=min(level, 4))  # type: ignore[attr-defined]
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)  # type: ignore[attr-defined]
        placed: set[str] = set()
        for table in section.tables:
            _table(document, table)
            for chart in section.charts:
                if chart.table_id == table.id:
                    _chart(document, chart, table)
                    placed.add(chart.id)
        for chart in section.charts:
            if chart.id not in placed and chart.table_id in tables:
                _chart(document, chart, tables[chart.table_id])
        _sections(document, report, section.subsections, level + 1)


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
    style.font.size = Pt(10.5)

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
        f"audience: {report.audience} · produced {report.generated_at:%d %B %Y %H:%M}"
    )
    meta.runs[0].font.color.rgb = RGBColor(0x50, 0x5A, 0x5F)
    _sections(document, report, report.sections, 1)
    if report.notes:
        document.add_heading("Notes", level=1)
        for note in report.notes:
            document.add_paragraph(note, style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
