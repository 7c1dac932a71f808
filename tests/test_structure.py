"""Layout that plain text loses: PDF line wraps and titles, .docx and HTML tables.

Each format is a real file made in the test (fpdf2, python-docx, HTML); offsets stay exact.
"""

from pathlib import Path

import pytest

from ingest.chunker import SentenceChunker
from ingest.loaders import load_file
from ingest.structure import table_lines
from ingest.text import sentence_spans

LIGHT = (
    "The north breakwater light was refitted in 2019 with an LED unit rated at 18 nautical "
    "miles, replacing the old incandescent lamp that had served since the harbor opened."
)


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def wrapped_pdf(path: Path, *, title: str | None = None) -> None:
    """A PDF whose paragraph wraps mid-sentence (after "18") and breaks a word with a hyphen."""
    from fpdf import FPDF

    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.cell(0, 10, "Harbor Light Survey", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for line in (
        "The north breakwater light was refitted in 2019 with an LED unit rated at 18",
        "nautical miles, replacing the old incandescent lamp that had served since the",
        "harbor opened. Keepers found the lamp house inexpen-",
        "sive to heat during the winter months.",
    ):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def test_pdf_sentences_survive_line_wraps_and_hyphenation(tmp_path):
    path = tmp_path / "light.pdf"
    wrapped_pdf(path)
    doc = load_file(path)
    said = sentences(doc.text)
    assert LIGHT in said
    assert "Keepers found the lamp house inexpensive to heat during the winter months." in said
    # The title is the heading, not a cut-off first line of the paragraph.
    assert doc.title == "Harbor Light Survey"
    for chunk in SentenceChunker(60, 10).chunk(doc):
        assert doc.text[chunk.char_start : chunk.char_end] == chunk.text
        assert chunk.page == 1


def test_pdf_title_from_metadata_wins(tmp_path):
    path = tmp_path / "light.pdf"
    wrapped_pdf(path, title="Annual Harbor Report 2024")
    assert load_file(path).title == "Annual Harbor Report 2024"


def test_docx_table_rows_are_readable_and_citable(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Robotics Club Handbook", level=1)
    document.add_paragraph("The club meets on Tuesdays in room 4.")
    table = document.add_table(rows=3, cols=2)
    for i, (role, name) in enumerate(
        [("Role", "Name"), ("Mentor", "Dr. Alana Brooks"), ("Captain", "Sam Lee")]
    ):
        table.cell(i, 0).text = role
        table.cell(i, 1).text = name
    document.add_paragraph("Members bring their own laptops.")
    path = tmp_path / "club.docx"
    document.save(str(path))
    doc = load_file(path)
    said = sentences(doc.text)
    assert "Mentor: Dr. Alana Brooks" in said
    assert "Captain: Sam Lee" in said
    assert doc.text.index("Tuesdays") < doc.text.index("Mentor") < doc.text.index("laptops")


def test_html_table_rows_name_their_columns(tmp_path):
    path = tmp_path / "menu.html"
    path.write_text(
        "<html><body><h1>Bakery menu</h1><p>Fresh every morning.</p><table>"
        "<thead><tr><th>Item</th><th>Price</th><th>Baking time</th></tr></thead><tbody>"
        "<tr><td>Sourdough</td><td>$6.50</td><td>45 minutes</td></tr>"
        "<tr><td>Baguette</td><td>$3.00</td><td>25 minutes</td></tr></tbody></table>"
        "<p>Closed on <b>Mondays</b>.</p><script>var x = 1;</script>"
        "</body></html>"
    )
    doc = load_file(path)
    said = sentences(doc.text)
    assert "Item: Sourdough; Price: $6.50; Baking time: 45 minutes" in said
    assert "Item: Baguette; Price: $3.00; Baking time: 25 minutes" in said
    assert "Closed on Mondays." in said
    assert "var x" not in doc.text


@pytest.mark.parametrize(
    ("rows", "header", "expected"),
    [
        ([["Mentor", "Dr. Alana Brooks"]], False, ["Mentor: Dr. Alana Brooks"]),
        ([["a", "b", "c"], ["1", "", "3"]], True, ["a: 1; c: 3"]),
        ([["x", "y", "z"], ["", "", ""]], False, ["x; y; z"]),
    ],
)
def test_table_lines(rows, header, expected):
    assert table_lines(rows, header) == expected


@pytest.mark.slow
def test_table_fact_is_answered_with_its_row(tmp_path, real_embedder):
    """The question that got a confident wrong answer before tables were kept."""
    import docx

    from quarry.engine import Engine
    from quarry.ingestor import Ingestor
    from quarry.settings import Settings

    document = docx.Document()
    document.add_heading("Robotics Club Handbook", level=1)
    document.add_paragraph("The robotics club meets on Tuesdays in the physics lab.")
    table = document.add_table(rows=2, cols=2)
    for i, (role, name) in enumerate([("Mentor", "Dr. Alana Brooks"), ("Captain", "Sam Lee")]):
        table.cell(i, 0).text = role
        table.cell(i, 1).text = name
    folder = tmp_path / "docs"
    folder.mkdir()
    document.save(str(folder / "club.docx"))
    settings = Settings(data_dir=tmp_path / "data")
    Ingestor(settings, real_embedder, progress=False).ingest([folder])
    answer = Engine(settings, embedder=real_embedder).answer("Who is the robotics club mentor?")
    assert "Alana Brooks" in answer.answer
    assert any(c.quote == "Mentor: Dr. Alana Brooks" for c in answer.citations)
