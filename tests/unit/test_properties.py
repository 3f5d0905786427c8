"""Properties that must hold for any text, checked on text Hypothesis makes up.

Citations are only as good as their offsets. For any text a file may hold (any
script, CRLF or CR line ends, control characters, headings, very long words),
extraction must give back the file's text exactly, every layout and chunk offset must
point into it, in order, with every word of the text in some chunk or heading, and
indexing the same files again must change nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qa.embedding.encoder import Embedder
from qa.index.builder import build_index
from qa.ingest.chunking import MAX_CHUNK_CHARS, Layout, chunk_text
from qa.ingest.extract import extract
from qa.ingest.extract.plaintext import markdown_headings
from qa.ingest.extract.types import ExtractedText

# Pieces of realistic text: words of several scripts, abbreviations, numbers, quotes,
# brackets, a word longer than a chunk, and every kind of break and space.
WORDS = st.sampled_from(
    [
        "the",
        "Troops",
        "arrived",
        "U.S.",
        "Dr.",
        "10,000",
        "3.5",
        "naïve",
        "Zürich",
        "北京",
        "новости",
        "مرحبا",
        "🚀",
        "“Quoted",
        "words”",
        '"straight"',
        "‘single’",
        "(aside)",
        "[bold]",
        "-",
        "—",
        "e\u0301",
        "\x1b[31m",
        "\x07",
        "x" * 1700,
    ]
)
BREAKS = st.sampled_from(
    [
        " ",
        "  ",
        ". ",
        "? ",
        "! ",
        "; ",
        "\n",
        "\r\n",
        "\r",
        "\n\n",
        "\r\n\r\n",
        "\n \t\n",
        "\t",
        "\n# ",
        "\n## Heading Words\n",
        "\n```\n",
        "\n- ",
        "\n1. ",
        "\x0b",
        "\x0c",
        "\x1c",
        "\x85",
        "\u2028",
        "\xa0",
    ]
)
STRUCTURED = st.lists(st.one_of(WORDS, BREAKS), max_size=250).map("".join)
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=400)
TEXT = st.one_of(STRUCTURED, ANY_TEXT)

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def is_file_text(text: str) -> bool:
    """What a text file can hold and read back as itself: some non-blank text, no NUL
    (a binary file) and no leading U+FEFF (indistinguishable from a BOM)."""
    return bool(text.strip()) and "\x00" not in text and not text.startswith("\ufeff")


@FAST
@given(TEXT.filter(is_file_text), st.sampled_from([".txt", ".md"]))
def test_plaintext_round_trips_with_valid_offsets(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"doc{suffix}"
        path.write_bytes(text.encode("utf-8"))
        doc = extract(path)
    assert doc.text == text
    assert doc.page_starts == ()
    previous_end = 0
    for start, end in doc.headings:
        assert previous_end <= start < end <= len(text)
        heading = text[start:end]
        assert heading == heading.strip(" \t") and not any(c in heading for c in "\r\n")
        previous_end = end
    if doc.headings and doc.title is not None:
        assert doc.title in {text[s:e] for s, e in doc.headings}


def check_layout(text: str, layout: Layout, markup: frozenset[int] = frozenset()) -> None:
    """Every offset valid and in order; every non-blank character (but the positions
    in ``markup``) in a sentence of a chunk or in a heading; no chunk or sentence over
    the limit."""
    covered = bytearray(len(text))
    for i in markup:
        covered[i] = 1
    previous_end = 0
    for i, p in enumerate(layout.paragraphs):
        assert previous_end <= p.start < p.end <= len(text)
        assert not text[p.start].isspace() and not text[p.end - 1].isspace()
        if p.heading_index is not None:
            assert p.heading_index <= i and layout.paragraphs[p.heading_index].is_heading
        if p.is_heading:
            covered[p.start : p.end] = b"\x01" * (p.end - p.start)
        previous_end = p.end

    previous_end = 0
    for n, chunk in enumerate(layout.chunks):
        assert chunk.ordinal == n
        assert previous_end <= chunk.start < chunk.end <= len(text)
        assert chunk.end - chunk.start <= MAX_CHUNK_CHARS
        assert chunk.sentences
        assert chunk.sentences[0][0] == chunk.start and chunk.sentences[-1][1] == chunk.end
        if chunk.heading_index is not None:
            heading = layout.paragraphs[chunk.heading_index]
            assert heading.is_heading and heading.start <= chunk.start
        sentence_end = chunk.start
        for start, end in chunk.sentences:
            assert sentence_end <= start < end <= chunk.end
            assert not text[start].isspace() and not text[end - 1].isspace()
            assert end - start <= MAX_CHUNK_CHARS
            covered[start:end] = b"\x01" * (end - start)
            sentence_end = end
        previous_end = chunk.end

    missed = [i for i, c in enumerate(text) if not c.isspace() and not covered[i]]
    assert not missed, [(i, text[max(0, i - 10) : i + 10]) for i in missed[:5]]


@FAST
@given(TEXT)
# Found by this test: an opening quote moved onto a sentence already cut at the limit
# made a 1,501-character sentence and chunk.
@example(". “Quoted" + "x" * 1700)
def test_plain_text_chunks_cover_every_word_in_order(text: str) -> None:
    check_layout(text, chunk_text(ExtractedText(text=text, format="txt")))


@FAST
@given(TEXT)
# Found by this test: words after a lone CR on a heading's line were lost; a heading
# longer than a chunk with nothing under it made an over-long chunk.
@example("\n# the\rthe")
@example("# Title\rFirst paragraph.\r## Next\rSecond paragraph.\r")
@example("# " + "x" * 1700)
@example("\n# \x0b")
def test_markdown_chunks_cover_every_word_in_order(text: str) -> None:
    headings, title = markdown_headings(text)
    layout = chunk_text(ExtractedText(text=text, format="md", headings=headings, title=title))
    # The '#' marks and padding of a heading line are markup, not words.
    marks: set[int] = set()
    for start, end in headings:
        line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
        line_end = min(
            (i for i in (text.find("\n", end), text.find("\r", end)) if i >= 0),
            default=len(text),
        )
        marks.update(range(line_start, start), range(end, line_end))
    check_layout(text, layout, frozenset(marks))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(STRUCTURED.filter(is_file_text), min_size=1, max_size=3))
def test_indexing_the_same_files_again_changes_nothing(
    embedder: Embedder, texts: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for n, text in enumerate(texts):
            (folder / f"doc{n}.txt").write_bytes(text.encode("utf-8"))
        index_dir = Path(tmp) / "index"
        first = build_index([folder], index_dir, embedder=embedder)
        manifest = (index_dir / "manifest.json").read_bytes()

        again = build_index([folder], index_dir, embedder=embedder)
        assert not again.changed and again.indexed == [] and again.new_chunks == 0
        assert again.unchanged == len(first.indexed)
        assert again.skipped == first.skipped
        assert (again.documents, again.chunks) == (first.documents, first.chunks)
        assert (index_dir / "manifest.json").read_bytes() == manifest

        # A full rebuild of the same files gives the same documents and chunks.
        rebuilt = build_index([folder], index_dir, embedder=embedder, rebuild=True)
        assert sorted(rebuilt.indexed) == sorted(first.indexed)
        assert (rebuilt.documents, rebuilt.chunks) == (first.documents, first.chunks)


ASCII_TEXT = st.text(alphabet="ab Z-9.\"'\n\t\r\x0b\x0c\x1c ", max_size=40)


@given(ASCII_TEXT, st.sampled_from(["join", "keep"]))
@example("ab-\n cd  \n\n ef-", "join")
def test_plain_ascii_folds_as_any_text_does(text: str, hyphenation: str) -> None:
    """Plain-ASCII text takes a faster fold (qa.text.fold._fold_ascii); a non-ASCII
    character after it sends the same text through the general one, which must agree
    (offsets included), or verify and the quote look-ups would cite other spans."""
    from qa.text.fold import fold_with_map

    fast = fold_with_map(text, hyphenation)  # type: ignore[arg-type]
    general, origin = fold_with_map(text + "€", hyphenation)  # type: ignore[arg-type]
    assert general.endswith("€") and origin[-1] == len(text)
    assert fast == (general[:-1], origin[:-1])
