"""Structure-aware reading (``ingest.markup``, the loaders): files written the way real docs are.

Each case is a real-shaped file written here: a NEWS file hard-wrapped at 72 columns, Markdown
with front matter, a fenced code block, a pipe table, link references and HTML comments, and an
HTML page whose <title> is the site's name. What is checked is the stored text (every offset
points into it) and the chunks' sentence spans, not the parser's internals.
"""

from ingest.chunker import SentenceChunker
from ingest.loaders import load_file

NEWS = """GNU frobnicate NEWS                                -*- outline -*-

* Noteworthy changes in release 2.4 (2023-02-01) [stable]

** Changes in behavior

  The --color option now defaults to 'auto' when standard output is a
  terminal, thanks to a patch contributed by Ana Ruiz.  Scripts that
  parse the output are not affected.

  Options:
    --fast     compress faster
    --best     compress better

** Bug fixes

  - frobnicate no longer crashes when the input file is a named pipe
    that is closed before the first read.
  - The -q option is now silent about ignored files, as documented.
"""


def sentences_of(doc, size=160):
    out = []
    for chunk in SentenceChunker(size, 16).chunk(doc):
        assert doc.text[chunk.char_start : chunk.char_end] == chunk.text
        out += [chunk.text[a:b] for a, b in chunk.sentence_spans()]
    return out


def test_a_hard_wrapped_paragraph_is_one_paragraph_and_its_sentences_whole(tmp_path):
    path = tmp_path / "NEWS.txt"
    path.write_text(NEWS)
    doc = load_file(path)
    assert doc.title == "GNU frobnicate NEWS"  # the editor's mode line is not part of it
    sentences = sentences_of(doc)
    assert (
        "The --color option now defaults to 'auto' when standard output is a terminal, thanks "
        "to a patch contributed by Ana Ruiz." in sentences
    )
    # list items are one line each, their wrapped continuation joined
    assert (
        "- frobnicate no longer crashes when the input file is a named pipe that is closed "
        "before the first read." in doc.text.split("\n")
    )
    # an indented example keeps its lines, as a block of its own
    assert "--fast     compress faster\n--best     compress better" in doc.text
    headings = [doc.text[b.char_start : b.char_end] for b in doc.blocks if b.kind == "heading"]
    assert headings[:2] == [
        "Noteworthy changes in release 2.4 (2023-02-01) [stable]",
        "Changes in behavior",
    ]
    last = SentenceChunker(40, 8).chunk(doc)[-1]  # embedded with its section's headings:
    assert last.section == "Noteworthy changes in release 2.4 (2023-02-01) [stable] › Bug fixes"
    assert last.embed_text == f"{last.section}\n{last.text}"


MARKDOWN = """---
title: Frobnicate configuration
layout: default
---

<!-- maintainers: keep this table in sync with src/options.c -->

# Frobnicate

Frobnicate reads its settings from `~/.frob.toml`, as [the manual][man] explains.
See [`frob-config`][] for the full list.

```toml
[compress]
level = 9
threads = 4
```

| Option | Default | Meaning |
| ------ | ------- | ------- |
| level  | 6       | how hard to try |
| threads | 1      | worker threads |

[man]: https://example.org/frob/manual
[`frob-config`]: https://example.org/frob/config
"""


def test_markdown_code_blocks_and_tables_stay_whole_and_markup_is_not_text(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(MARKDOWN)
    doc = load_file(path)
    assert doc.title == "Frobnicate configuration"  # from the front matter
    for gone in ("maintainers:", "<!--", "[man]", "https://example.org", "layout:", "]["):
        assert gone not in doc.text, gone
    assert (
        "Frobnicate reads its settings from ~/.frob.toml, as the manual explains. See "
        "frob-config for the full list." in doc.text
    )
    kinds = {b.kind: doc.text[b.char_start : b.char_end] for b in doc.blocks}
    assert kinds["code"] == "[compress]\nlevel = 9\nthreads = 4"
    assert kinds["table"] == (
        "Option: level; Default: 6; Meaning: how hard to try\n"
        "Option: threads; Default: 1; Meaning: worker threads"
    )
    sentences = sentences_of(doc)
    assert "[compress]\nlevel = 9\nthreads = 4" in sentences  # one unit, never split
    assert "Option: level; Default: 6; Meaning: how hard to try" in sentences  # a row, alone
    for chunk in SentenceChunker(160, 16).chunk(doc):
        # a chunk holds the code block whole or not at all
        assert ("level = 9" in chunk.text) == ("[compress]\nlevel = 9\nthreads = 4" in chunk.text)


def test_an_over_long_table_row_is_chunked_in_parts_that_each_fit(tmp_path):
    """A dense row longer than the embedder reads is cut into parts by the embedder's own
    count (``fits``), each a citable span of the text; nothing is truncated or refused."""
    cell = " ".join(f"cell{i} 0x{i:04x}" for i in range(400))
    path = tmp_path / "wide.md"
    path.write_text(f"# Wide\n\n| key | value |\n| - | - |\n| dump | {cell} |\n\nAfter it.\n")
    doc = load_file(path)

    def fits(texts):  # a stand-in limit: 300 characters
        return [len(t) <= 300 for t in texts]

    chunks = SentenceChunker(160, 16).chunk(doc, fits)
    assert all(fits([c.embed_text for c in chunks]))
    covered = "".join(doc.text[c.char_start : c.char_end] for c in chunks if "cell" in c.text)
    assert "cell0 0x0000" in covered and "cell399 0x018f" in covered
    for c in chunks:
        assert doc.text[c.char_start : c.char_end] == c.text
    assert len({c.chunk_id for c in chunks}) == len(chunks)


HTML = """<html><head><title>Frob Project — documentation</title></head><body>
<nav><a href="/">Home</a> <a href="/docs">Docs</a></nav>
<div class="sphinxsidebar"><h3>Navigation</h3><p>Table of contents</p></div>
<div class="body">
<h1>Installing Frobnicate<a class="headerlink" href="#x">¶</a></h1>
<p>Frobnicate installs with pip on any
platform that has a C compiler and Python 3.9 or later.</p>
<pre>pip install frobnicate
frob --version</pre>
</div>
<footer>Copyright the Frob authors</footer>
</body></html>"""


def test_an_html_page_is_titled_by_its_own_heading_and_read_without_furniture(tmp_path):
    path = tmp_path / "install.html"
    path.write_text(HTML)
    doc = load_file(path)
    assert doc.title == "Installing Frobnicate"
    assert (
        "Frobnicate installs with pip on any platform that has a C compiler and Python 3.9 or "
        "later." in doc.text
    )
    assert "pip install frobnicate\nfrob --version" in doc.text
    for gone in ("Navigation", "Table of contents", "Home", "Copyright", "¶"):
        assert gone not in doc.text, gone
