"""PDF reading (ingest/pdf.py) on PDFs these tests write with fpdf2: the stored text of each
hard spot (furniture, page breaks, hyphens, footnotes, columns, tables, contents pages, a NUL,
a scanned page) and cited answers over them with the real models."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.loaders import load_file
from ingest.pdf import _char, tesseract_available

HEADER = "Harbor Pumping Station Operations Manual"
BREAK_BEFORE = (
    "Every Friday the night operator copies the control logs to the backup drive, and the backup "
    "drive itself is carried to the harbor office and swapped for the spare one once every"
)
BREAK_AFTER = "fourteen days, so that a fire in the station never destroys both copies."


def _page(pdf, number: int) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.set_xy(10, 8)
    pdf.cell(0, 5, HEADER if number % 2 else f"Chapter {number // 2}: Daily work")
    pdf.set_xy(10, 282)
    pdf.cell(0, 5, f"Page {number}", align="C")
    pdf.set_xy(10, 25)
    pdf.set_font("Helvetica", size=11)


def manual_pdf(path: Path) -> Path:
    """Five pages: contents with leader dots, running header and footer, a sentence cut by a
    page break, a line-end hyphen, a footnote, two columns, a ruled table and a NUL."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(HEADER)
    pdf.set_author("Mira Okafor")
    _page(pdf, 1)
    pdf.set_font("Helvetica", size=16)
    pdf.cell(0, 10, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for n, (name, page) in enumerate([("Backups", 2), ("Valves", 3), ("Pumps", 4)], start=1):
        pdf.cell(0, 7, f"{n} {name} " + "." * 60 + f" {page}", new_x="LMARGIN", new_y="NEXT")
    _page(pdf, 2)
    for _ in range(3):
        pdf.multi_cell(
            0,
            6,
            "The station keeps its records on two drives. The operators check the drives "
            "at the start of each shift and write what they find in the shift book.",
        )
        pdf.ln(3)
    pdf.set_y(250)
    pdf.multi_cell(0, 6, BREAK_BEFORE)
    _page(pdf, 3)
    pdf.multi_cell(0, 6, BREAK_AFTER)
    pdf.ln(3)
    pdf.cell(0, 6, "The intake valve needs a complete reconfig-", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "uration after every flood of the lower", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "hall. A reconfiguration takes two hours.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.write(6, "The main valve was replaced after the storm of 2019")
    pdf.set_font("Helvetica", size=7)
    pdf.set_xy(pdf.get_x(), pdf.get_y() - 1.2)  # a raised marker (set_y alone resets x)
    pdf.write(4, "1")
    pdf.set_font("Helvetica", size=11)
    pdf.set_xy(pdf.get_x(), pdf.get_y() + 1.2)
    pdf.write(6, ". It has run without a fault since then.")
    pdf.set_xy(10, 268)
    pdf.set_font("Helvetica", size=8)
    pdf.cell(0, 5, "1 The new main valve was made by Norwell Pumps of Aberdeen.")
    _page(pdf, 4)
    left = (
        "The west pump hall holds the three main pumps. Each pump is started by hand "
        "from the panel beside its door and never from the control room. "
    ) * 3
    right = (
        "The east hall holds the spare parts store. Its door is kept locked and the key "
        "hangs in the harbor office next to the drive safe. "
    ) * 3
    pdf.set_xy(10, 25)
    pdf.multi_cell(88, 6, left)
    pdf.set_xy(112, 25)
    pdf.multi_cell(88, 6, right)
    pdf.set_xy(10, 120)
    pdf.multi_cell(0, 6, "The pumps have these ratings:")
    pdf.ln(2)
    with pdf.table(col_widths=(40, 40, 40), width=120, align="LEFT") as table:
        for row in (
            ("Pump", "Flow (m3/h)", "Pressure (bar)"),
            ("P-1", "120", "3.2"),
            ("P-2", "340", "4.1"),
            ("P-3", "95", "2.7"),
        ):
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    _page(pdf, 5)
    pdf.multi_cell(0, 6, "The alarm code is A7\x00 and the pager number is 5512.")
    pdf.output(str(path))
    return path


def scanned_pdf(path: Path) -> Path:
    """One page that is only an image of text (rendered here), as a scanner makes it."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1700, 600), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=56)
    draw.text((60, 80), "The lighthouse lamp was", fill=0, font=font)
    draw.text((60, 180), "lit for the last time", fill=0, font=font)
    draw.text((60, 280), "on the ninth of March.", fill=0, font=font)
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(image, x=10, y=20, w=190)
    pdf.output(str(path))
    return path


@pytest.fixture(scope="module")
def manual(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdfs")
    return load_file(manual_pdf(folder / "manual.pdf"))


def test_furniture_and_page_numbers_are_left_out(manual):
    assert HEADER not in manual.text  # odd pages' running header
    assert "Chapter 1: Daily work" not in manual.text  # even pages' one
    assert "Page 3" not in manual.text
    assert manual.title == HEADER  # a real metadata title


def test_a_sentence_cut_by_a_page_break_is_whole_and_keeps_its_first_page(manual):
    whole = BREAK_BEFORE + " " + BREAK_AFTER
    at = manual.text.find(whole)
    assert at >= 0, manual.text
    assert manual.page_at(at) == 2
    assert manual.page_at(manual.text.find("reconfiguration after")) == 3


def test_line_end_hyphen_is_removed_and_the_word_whole(manual):
    assert "complete reconfiguration after every flood of the lower hall." in manual.text
    assert "reconfig-" not in manual.text


def test_footnote_is_its_own_passage_and_the_marker_is_gone(manual):
    assert "replaced after the storm of 2019. It has run" in manual.text
    note = "The new main valve was made by Norwell Pumps of Aberdeen."
    assert note in manual.text
    paragraphs = manual.text.split("\n\n")
    holding = [p for p in paragraphs if note in p]
    assert holding and "storm of 2019" not in holding[0]
    assert manual.page_at(manual.text.find(note)) == 3


def test_two_columns_read_one_after_the_other(manual):
    west = manual.text.find("The west pump hall")
    east = manual.text.find("The east hall")
    assert 0 <= west < east
    # the left column's sentences are whole (not interleaved with the right column's lines)
    assert "never from the control room." in manual.text[west:east]
    assert "spare parts" not in manual.text[west:east]


def test_ruled_table_is_kept_as_rows(manual):
    row = "Pump: P-2; Flow (m3/h): 340; Pressure (bar): 4.1"  # the header names each column
    assert row in manual.text
    tables = [b for b in manual.blocks if b.kind == "table"]
    assert any(row in manual.text[b.char_start : b.char_end] for b in tables)


def test_contents_page_is_left_out(manual):
    assert "...." not in manual.text
    assert "1 Backups" not in manual.text


def test_nul_and_control_characters_never_reach_the_stored_text(manual):
    assert "\x00" not in manual.text
    assert "The alarm code is A7 and the pager number is 5512." in manual.text


def test_characters_are_mapped():
    assert _char(0xFB01) == "fi" and _char(0xFB03) == "ffi"
    assert _char(0x1C) == "fi" and _char(0x1B) == "ff"  # TeX Cork codes without a Unicode map
    assert _char(0x00) == "" and _char(0x200B) == "" and _char(0xE000) == ""
    assert _char(ord("é")) == "é"


@pytest.mark.skipif(
    not tesseract_available(), reason="Tesseract is not installed ('apt-get install tesseract-ocr')"
)
def test_scanned_page_is_read_with_ocr(tmp_path):
    doc = load_file(scanned_pdf(tmp_path / "scan.pdf"))
    assert "lighthouse lamp" in doc.text.lower()
    assert "ninth of march" in doc.text.lower()
    assert doc.page_at(doc.text.lower().find("lighthouse")) == 1


def test_scanned_page_without_tesseract_is_reported(tmp_path, monkeypatch):
    from base.errors import IngestFileError

    path = scanned_pdf(tmp_path / "scan.pdf")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(IngestFileError, match="apt-get install tesseract-ocr"):
        load_file(path)


def test_cited_answers_over_the_hard_spots(tmp_path, real_embedder):
    """A sentence cut by a page break and a footnote answer, cited at their page. (A table row
    is stored with its column names, but the reader does not yet answer from rows: see the
    README's PDF section.)"""
    from quarry.engine import Engine
    from quarry.ingestor import Ingestor
    from quarry.settings import Settings

    folder = tmp_path / "docs"
    folder.mkdir()
    manual_pdf(folder / "manual.pdf")
    settings = Settings(data_dir=tmp_path / "data")
    result = Ingestor(settings, real_embedder, progress=False).ingest([folder])
    assert not result.loaded.failures
    engine = Engine(settings, embedder=real_embedder)
    doc = load_file(folder / "manual.pdf")
    for question, expected, page in (
        ("How often is the backup drive swapped for the spare one?", "fourteen days", 2),
        ("Who made the new main valve?", "Norwell Pumps", 3),
    ):
        answer = engine.answer(question)
        assert not answer.abstained, question
        cited = [c for c in answer.citations if expected in c.quote]
        assert cited, (question, answer.text)
        for c in cited:
            assert doc.text[c.char_start : c.char_end] == c.quote
            assert c.page == page


def test_probe_counts_damage(tmp_path):
    from eval.pdf_probe import probe_file, probe_text

    clean = probe_file(manual_pdf(tmp_path / "manual.pdf"))
    assert clean["ligatures"] == clean["control"] == clean["page_numbers"] == 0
    damaged = probe_text("con\ufb02ict \x1c\n\n17\n\nstruc- ture and structure", [(1, 0, 40)], [])
    assert damaged["ligatures"] > 0 and damaged["control"] > 0
    assert damaged["page_numbers"] > 0 and damaged["hyphen_fragments"] > 0


def test_a_footnote_broken_by_a_hyphen_is_joined_like_body_text():
    """Notes and paragraphs are carried on by one method: an unmarked line-end hyphen that splits
    a word of the document goes, in a note as in the body (a note once kept a control mark)."""
    from ingest.pdf import _Line, _Reader

    def line(text: str, y: float) -> _Line:
        return _Line(text, 72, y, 300, y + 8, 8.0, 3)

    reader = _Reader(10.0, {"parsing", "pars", "ing"}, 2.0)
    reader.note([line("3 Included for ease of pars-", 100), line("ing, nothing more.", 90)])
    reader.close()
    assert [p.pieces for p in reader.parts] == [
        [(3, "3 Included for ease of pars"), (3, "ing, nothing more.")]
    ]
