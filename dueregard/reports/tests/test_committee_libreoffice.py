"""The committee report's DOCX opens in LibreOffice and renders with its tables and charts:
one headless conversion to PDF, then the pages read back with poppler (pdftotext for the
words and table rows, pdftoppm for the pictures)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from dueregard.reports import services

from . import factories as f
from . import seed000

pytestmark = pytest.mark.django_db
CHART_BLUE = (0x1D, 0x70, 0xB8)  # the first series colour of every chart
SOFFICE, PDFTOTEXT, PDFTOPPM = (shutil.which(t) for t in ("soffice", "pdftotext", "pdftoppm"))


def _blue_pixels(path: Path) -> int:
    colours = Image.open(path).convert("RGB").getcolors(maxcolors=1 << 24) or []
    return sum(
        count
        for count, pixel in colours
        # An RGB image gives each pixel as a tuple of channels.
        if isinstance(pixel, tuple)
        and all(abs(channel - want) <= 12 for channel, want in zip(pixel, CHART_BLUE, strict=True))
    )


def _has_row(flat: str, label: str, *figures: str) -> bool:
    """Whether a table row reads `label` with `figures` in its cells, however the label wraps.

    `pdftotext -layout` prints a row's figures on the line where they sit, so a label that
    wraps in the cell (which depends on the machine's fonts) has the figures after any of
    its words and the rest of the label after them. `flat` is the text with its whitespace
    collapsed to single spaces; the figures must follow one another with nothing between.
    """
    words = [re.escape(word) for word in label.split()]
    cells = " ".join(re.escape(figure) for figure in figures)
    return any(
        re.search(
            r"(?<!\S)" + " ".join([*words[:cut], cells, *words[cut:]]) + r"(?!\S)",
            flat,
        )
        for cut in range(1, len(words) + 1)
    )


def test_the_docx_converts_in_libreoffice_with_its_tables_and_charts(world, tmp_path):
    assert None not in (SOFFICE, PDFTOTEXT, PDFTOPPM), "LibreOffice and poppler: make sysdeps"
    seed000.load(world, tmp_path)
    report = f.committee_report(world, start=seed000.START, end=seed000.END)
    version = services.generate_committee_version(report, acting_user=world["coordinator"])
    docx = tmp_path / "committee.docx"
    docx.write_bytes(version.file("docx"))

    # A profile of its own, so a LibreOffice already running elsewhere is not disturbed.
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(  # noqa: S603 (fixed arguments, our own files)
        [
            str(SOFFICE),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = tmp_path / "committee.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")

    text = subprocess.run(  # noqa: S603
        [str(PDFTOTEXT), "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 3
    # The marking heads every page; "Page N of M" is filled in at the foot.
    assert all("OFFICIAL" in page for page in pages)
    assert f"Page 1 of {len(pages)}" in text
    # The sections in the seed's order, with the period's figures in their tables.
    # Whitespace collapsed over the whole text, so a heading or label that wraps differently
    # with another machine's fonts still reads the same.
    flat = " ".join(text.split())
    for heading in (
        "Report details",
        "1.1 Referrals and Channel casework",
        "1.2 Training",
        "5.1 Equalities and diversity",
        "6. Background papers",
    ):
        assert heading in flat, heading
    assert _has_row(flat, "Referrals received", "79", "100.0")
    assert _has_row(flat, "Referred to the police gateway", "41", "51.9")
    assert _has_row(flat, "Professionals (staff and volunteers)", "47", "1,263")
    assert _has_row(flat, "Pupils and students", "22", "3,300")

    subprocess.run(  # noqa: S603
        [str(PDFTOPPM), "-png", "-r", "40", str(pdf), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(pages)
    # The charts (bars in the first series colour) were drawn into the pages.
    assert sum(_blue_pixels(image) for image in images) > 500
