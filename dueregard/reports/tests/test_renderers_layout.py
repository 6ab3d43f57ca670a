"""Captions, accessibility and tables as readers meet them: numbered "Table N"/"Figure N"
captions referred to from the text in HTML, DOCX and PDF; each chart's text alternative in
every format; a tagged PDF (PDF/UA-1); Word's own heading and caption styles; column
widths from content, so LibreOffice breaks no word inside a cell; GOV.UK dates; plurals."""

from __future__ import annotations

import datetime
import html
import io
import re
import zlib
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from matplotlib.backends.backend_agg import FigureCanvasAgg
from openpyxl import load_workbook

from dueregard.reports import disclosure, renderers
from dueregard.reports.data import (
    Chart,
    Column,
    Section,
    Suppressed,
    Table,
    counted,
    figure_ref,
    table_ref,
)
from dueregard.reports.renderers import charts
from dueregard.reports.renderers.html import render_fragment

from .factories import one_way, report_with, two_way
from .test_renderers import pdf_text, tool

# Fictional organisations with long names, and headers that equal columns broke.
ORGANISATIONS = [
    "Kingsmere Community Learning Partnership",
    "Harbour Lane Youth Project",
    "Brookside Safeguarding Collaborative",
    "Northfield Interdenominational Fellowship",
]


def training_table() -> Table:
    return Table(
        id="training",
        title="Training by organisation",
        columns=[
            Column("label", "Organisation", "label"),
            Column("required", "Requiring training", "count"),
            Column("trained", "Trained", "count"),
            Column("compliant", "Compliant", "count"),
            Column("percent", "Compliant %", "percent"),
            Column("checked", "Last checked", "date"),
            Column("lead", "Training lead", "text"),
        ],
        rows=[
            {
                "label": name,
                "required": 17 + n,
                "trained": 12 + n,
                "compliant": 11 + n,
                "percent": 64.7,
                "checked": "2026-03-31",
                "lead": "Designated safeguarding lead",
            }
            for n, name in enumerate(ORGANISATIONS)
        ],
        sensitive_columns=[],
    )


@pytest.fixture
def report():
    sector = one_way([12, 30, 20, 7, 9])
    report = report_with(
        sector,
        two_way([[3, 10], [12, 7], [9, 20]]),
        charts=[Chart("sector-chart", "Referrals by sector", "by-sector", "label", ["referrals"])],
    )
    report.sections[0].paragraphs = [
        (
            f"Most referrals came from the police ({table_ref('by-sector')}, "
            f"{figure_ref('sector-chart')})."
        )
    ]
    report.sections.append(
        Section(
            "training", "Training", paragraphs=["Training this year."], tables=[training_table()]
        )
    )
    return disclosure.apply(report, "board")


def test_html_numbers_tables_and_figures_and_the_text_refers_to_them(report):
    html = str(render_fragment(report))
    assert ">Table 1: Referrals by sector</caption>" in html
    assert ">Table 2: Referrals by age band and sex</caption>" in html
    assert ">Table 3: Training by organisation</caption>" in html
    assert '<span class="dr-figure-caption">Figure 1: Referrals by sector</span>' in html
    # The definition's own reference, and a sentence for the tables it does not refer to.
    assert "Most referrals came from the police (Table 1, Figure 1)." in html
    assert "Table 2 shows referrals by age band and sex." in html
    assert "Table 3 shows training by organisation." in html
    assert "{table:" not in html and "{figure:" not in html
    # The chart's text alternative is in the SVG and printed under it.
    alt = "Bar chart of Referrals by sector. The figures are in Table 1."
    assert f'<span class="dr-chart-alt govuk-!-display-block">{alt}</span>' in html
    assert f">{alt}</desc>" in html


def test_dates_read_the_govuk_way_in_every_format_people_read(report, tmp_path):
    html = str(render_fragment(report))
    assert "31 March 2026" in html and "2026-03-31" not in html
    path = tmp_path / "r.docx"
    path.write_bytes(renderers.render(report, "docx"))
    cells = [c.text for t in Document(str(path)).tables for row in t.rows for c in row.cells]
    assert "31 March 2026" in cells and "2026-03-31" not in cells
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(renderers.render(report, "pdf"))
    sheet = load_workbook(io.BytesIO(renderers.render(report, "xlsx")))["Training by organisation"]
    dates = [c for row in sheet.iter_rows() for c in row if c.is_date]
    assert len(dates) == len(ORGANISATIONS)
    assert dates[0].value.date() == datetime.date(2026, 3, 31)
    assert dates[0].number_format == "d mmmm yyyy"
    printed = tool("pdftotext", str(pdf), "-", text=True).stdout
    assert "31 March 2026" in " ".join(printed.split())


def _catalog(path: Path) -> bytes:
    """The PDF's bytes with its compressed object streams inflated (the catalog, where
    /Lang is, sits in one)."""
    data = path.read_bytes()
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            parts.append(zlib.decompress(data[match.end() : end]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_pdf_is_tagged_with_title_language_headings_tables_and_captions(report, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(renderers.render(report, "pdf"))
    info = tool("pdfinfo", str(path), text=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert re.search(r"^Title:\s+Test report \N{EN DASH} Testborough$", info, re.MULTILINE)
    assert b'pdfuaid:part="1"' in _catalog(path)
    assert b"/Lang (en-GB)" in _catalog(path)
    tree = tool("pdfinfo", "-struct", str(path), text=True).stdout
    tags = re.findall(r"^\s*([A-Za-z0-9]+)", tree, re.MULTILINE)
    assert tags[0] == "Document"
    assert tags.count("H1") == 1
    assert tags.count("H2") >= 2  # the sections (and the notes)
    assert tags.count("Table") == 3
    assert tags.count("Caption") >= 4  # three tables and a figure
    assert "Figure" in tags
    # Header cells are TH, and each data cell names its headers.
    assert tags.count("TH") >= 3 * 3
    assert "/Headers" in tree
    assert "Table 3: Training by organisation" in pdf_text(path)
    assert "Figure 1: Referrals by sector" in pdf_text(path)


def test_docx_uses_heading_and_caption_styles_and_repeated_header_rows(report, tmp_path):
    path = tmp_path / "r.docx"
    path.write_bytes(renderers.render(report, "docx"))
    document = Document(str(path))
    styled = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Title", "Test report") in styled
    assert ("Heading 1", "Figures") in styled and ("Heading 1", "Training") in styled
    captions = [text for style, text in styled if style == "Caption"]
    assert captions == [
        "Table 1: Referrals by sector",
        "Figure 1: Referrals by sector",
        "Table 2: Referrals by age band and sex",
        "Table 3: Training by organisation",
    ]
    texts = [text for _, text in styled]
    assert "Most referrals came from the police (Table 1, Figure 1)." in texts
    assert "Bar chart of Referrals by sector. The figures are in Table 1." in texts
    alt = document.inline_shapes[0]._inline.docPr.get("descr")
    assert alt == "Bar chart of Referrals by sector. The figures are in Table 1."
    for table in document.tables:
        header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert header is not None and header.get(qn("w:val")) == "true"
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_docx_columns_are_sized_from_content_numbers_narrow_and_right_aligned(report, tmp_path):
    path = tmp_path / "r.docx"
    path.write_bytes(renderers.render(report, "docx"))
    training = Document(str(path)).tables[2]
    grid = [int(c.get(qn("w:w"))) for c in training._tbl.tblGrid.findall(qn("w:gridCol"))]
    organisation, required, trained, compliant, percent, checked, lead = grid
    assert organisation > max(required, trained, compliant, percent)
    assert lead > trained and checked > trained
    assert sum(grid) <= 17 * 567 + 7  # the text width: 17 cm in twentieths of a point
    for row in training.rows[1:]:
        assert row.cells[1].paragraphs[0].alignment == 2  # RIGHT
        assert row.cells[0].paragraphs[0].alignment is None  # text reads from the left


def test_libreoffice_breaks_no_word_inside_a_table_cell(report, tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(renderers.render(report, "docx"))
    tool(
        "soffice",
        *("--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)),
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    layout = tool("pdftotext", "-bbox-layout", str(tmp_path / "report.pdf"), "-", text=True).stdout
    printed = {
        html.unescape(re.sub(r"<[^>]+>", "", w))
        for w in re.findall(r"<word [^>]*>[^<]*</word>", layout)
    }
    document = Document(str(source))
    expected = {
        word
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for word in cell.text.split()
    }
    assert "Kingsmere" in expected and "Compliant" in expected

    # A word broken across lines would be printed as two pieces, neither of them the word;
    # a hyphenated word may break after its hyphen ("Office-" / "approved").
    def whole(word: str) -> bool:
        pieces = [piece + "-" for piece in word.split("-")[:-1]] + [word.split("-")[-1]]
        return word in printed or ("-" in word and all(p in printed for p in pieces))

    missing = sorted(word for word in expected if not whole(word))
    assert missing == []


def test_a_long_table_may_break_across_pages_and_a_short_one_is_kept_whole():
    long = one_way(list(range(1, 41)), total_row=False)
    report = report_with(long, one_way([12, 30, 20], table_id="short", title="Short table"))
    html = str(render_fragment(report))
    blocks = re.findall(r'<div class="(dr-table-block[^"]*)">', html)
    assert blocks == ["dr-table-block", "dr-table-block dr-table-block--keep"]


@pytest.mark.parametrize(
    ("number", "singular", "plural", "expected"),
    [
        (0, "open action", None, "0 open actions"),
        (1, "open action", None, "1 open action"),
        (2, "open action", None, "2 open actions"),
        (0, "commitment", None, "0 commitments"),
        (1, "commitment", None, "1 commitment"),
        (2, "commitment", None, "2 commitments"),
        (1, "inquiry", "inquiries", "1 inquiry"),
        (2, "inquiry", "inquiries", "2 inquiries"),
        (1200, "referral", None, "1,200 referrals"),
    ],
)
def test_counted_nouns_agree_with_their_number(number, singular, plural, expected):
    assert counted(number, singular, plural) == expected


def test_a_date_column_of_text_that_is_not_a_date_is_shown_as_written():
    table = Table(
        "t",
        "Dates",
        [Column("label", "Item", "label"), Column("when", "When", "date")],
        rows=[{"label": "A", "when": "Not yet"}, {"label": "B", "when": datetime.date(2026, 4, 1)}],
    )
    html = str(render_fragment(report_with(table)))
    assert ">Not yet</td>" in html and ">1 April 2026</td>" in html


@pytest.mark.parametrize("kind", ["barh", "bar"])
def test_hidden_marks_sit_inside_the_chart_clear_of_the_axis_labels(kind):
    # The journey chart: the last stages hidden, so their bars are gaps at the axis' end.
    stages = ["Referrals received", "Discussed", "Adopted", "Left Channel"]
    table = one_way([41, 7, 3, 2], labels=stages, total_row=False)
    protected = disclosure.apply(report_with(table), "public").table("by-sector")
    assert [isinstance(r["referrals"], Suppressed) for r in protected.rows] == [
        False,
        False,
        True,
        True,
    ]
    figure = charts.draw(
        Chart("j", "Journey", "by-sector", "label", ["referrals"], kind=kind), protected
    )
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    axes = figure.axes[0]
    inside = axes.get_window_extent(renderer)
    ticks = [
        t.get_window_extent(renderer)
        for t in [*axes.get_xticklabels(), *axes.get_yticklabels()]
        if t.get_text()
    ]
    marks = [t for t in axes.texts if t.get_text() == "hidden"]
    assert len(marks) == 2
    for mark in marks:
        box = mark.get_window_extent(renderer)
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1
        assert inside.y0 <= box.y0 and box.y1 <= inside.y1
        assert not any(box.overlaps(tick) for tick in ticks)
