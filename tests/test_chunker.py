from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.chunker import SentenceChunker
from ingest.loaders import Document, PageSpan
from ingest.text import sentence_spans
from ingest.tokens import count_tokens

words = st.text(
    alphabet=st.characters(categories=("L", "N"), max_codepoint=0x2FFF), min_size=1, max_size=12
)
sentence = (
    st.lists(words, min_size=1, max_size=40)
    .map(lambda ws: " ".join(ws))
    .flatmap(lambda s: st.sampled_from([".", "!", "?", "", "…", ".”"]).map(lambda p: s + p))
)
paragraph = st.lists(sentence, min_size=1, max_size=8).map(" ".join)
document_text = st.lists(paragraph, min_size=1, max_size=6).flatmap(
    lambda ps: st.sampled_from(["\n", "\n\n", "  \n \n"]).map(lambda sep: sep.join(ps))
)


def doc(text: str, pages=()) -> Document:
    return Document("d", "t", "s", text, "h", tuple(pages))


@settings(max_examples=200, deadline=None)
@given(document_text, st.integers(16, 120), st.integers(0, 15))
def test_chunks_point_at_their_text(text, size, overlap):
    chunker = SentenceChunker(size, overlap)
    d = doc(text)
    chunks = chunker.chunk(d)
    for c in chunks:
        assert d.text[c.char_start : c.char_end] == c.text
        assert c.token_count == count_tokens(c.text) <= size
    covered = set()
    for c in chunks:
        covered.update(range(c.char_start, c.char_end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    assert len({c.chunk_id for c in chunks}) == len(chunks)


@settings(max_examples=100, deadline=None)
@given(document_text)
def test_sentence_spans_are_exact_and_trimmed(text):
    for s, e in sentence_spans(text):
        piece = text[s:e]
        assert piece and piece == piece.strip()


def test_sentences_respect_abbreviations_and_lines():
    text = "The U.S. firm signed. Mr. Smith left!\nHeadline here\nIs it? Yes."
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got == ["The U.S. firm signed.", "Mr. Smith left!", "Headline here", "Is it?", "Yes."]


def test_overlap_repeats_whole_sentences():
    text = " ".join(f"Sentence number {i} is here." for i in range(40))
    chunks = SentenceChunker(40, 12).chunk(doc(text))
    assert len(chunks) > 3
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert b.char_start < a.char_end  # they overlap...
        assert text[b.char_start - 1] == " "  # ...starting on a sentence boundary


def test_pdf_chunks_never_span_pages():
    text = "Page one text. More of page one.\n\nPage two starts. It goes on."
    pages = (PageSpan(1, 0, 32), PageSpan(2, 34, len(text)))
    chunks = SentenceChunker(100, 10).chunk(doc(text, pages))
    assert [(c.page, c.text) for c in chunks] == [
        (1, "Page one text. More of page one."),
        (2, "Page two starts. It goes on."),
    ]


def test_overlong_sentence_is_cut_at_words():
    text = "word " * 300
    chunks = SentenceChunker(50, 0).chunk(doc(text.strip()))
    assert all(c.token_count <= 50 for c in chunks)
    assert " ".join(c.text for c in chunks) == text.strip()


@settings(max_examples=150, deadline=None)
@given(document_text, st.integers(16, 120), st.integers(0, 15))
def test_sentences_are_split_once_at_ingest_and_cover_the_chunk(text, size, overlap):
    """Each chunk carries its sentence spans (offsets into its text), made when it was chunked:
    in order, trimmed, inside the chunk, and together holding every non-space character."""
    for chunk in SentenceChunker(size, overlap).chunk(doc(text)):
        spans = chunk.sentence_spans()
        assert spans == list(chunk.sentences)
        covered = set()
        last = 0
        for s, e in spans:
            assert last <= s < e <= len(chunk.text)
            piece = chunk.text[s:e]
            assert piece == piece.strip()
            covered.update(range(s, e))
            last = e
        assert all(i in covered for i, c in enumerate(chunk.text) if not c.isspace())
