"""Chunking: passages are whole sentences of one section, bounded, and lose no words."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qa.ingest.chunking import MAX_CHUNK_CHARS, Layout, chunk_text
from qa.ingest.extract import extract
from qa.ingest.extract.types import ExtractedText

from helpers.corpus import SAMPLE_ARTICLE

SAMPLE = SAMPLE_ARTICLE


@pytest.fixture(scope="module")
def sample_layout() -> Layout:
    """The sample article laid out by the real extractor and chunker."""
    return chunk_text(extract(SAMPLE))


def assert_trimmed(text: str, start: int, end: int) -> None:
    """``text[start:end]`` is a non-empty span with no surrounding whitespace."""
    assert 0 <= start < end <= len(text), (start, end, len(text))
    assert not text[start].isspace() and not text[end - 1].isspace(), repr(text[start:end])


# --- the sample article ---------------------------------------------------------------


def test_sample_headings_are_detected(
    sample_layout: Layout, sample_text: str, sample_headings: tuple[str, ...]
) -> None:
    found = [sample_text[p.start : p.end] for p in sample_layout.paragraphs if p.is_heading]
    assert found == list(sample_headings)


def test_sample_body_paragraphs_are_numbered_in_order(
    sample_layout: Layout, sample_paragraphs: list[tuple[int, int]]
) -> None:
    body = [p for p in sample_layout.paragraphs if not p.is_heading]
    assert [(p.start, p.end) for p in body] == sample_paragraphs
    assert [p.number for p in body] == list(range(1, len(sample_paragraphs) + 1))
    assert all(p.number == 0 for p in sample_layout.paragraphs if p.is_heading)


def test_sample_chunks_hold_no_heading_line(
    sample_layout: Layout, sample_text: str, sample_headings: tuple[str, ...]
) -> None:
    for chunk in sample_layout.chunks:
        body = sample_text[chunk.start : chunk.end]
        for heading in sample_headings:
            assert heading not in body, (chunk.ordinal, heading)


def test_sample_chunks_are_at_most_the_limit(sample_layout: Layout) -> None:
    assert sample_layout.chunks
    assert all(c.end - c.start <= MAX_CHUNK_CHARS for c in sample_layout.chunks)


def test_sample_chunks_stay_inside_one_section(
    sample_layout: Layout, sample_text: str, sample_headings: tuple[str, ...]
) -> None:
    heading_starts = [sample_text.index(h) for h in sample_headings]
    paragraphs = sample_layout.paragraphs
    for chunk in sample_layout.chunks:
        assert not any(chunk.start <= h < chunk.end for h in heading_starts), chunk
        # The section a chunk names is the last heading before it.
        before = [h for h in heading_starts if h < chunk.start]
        if before:
            assert chunk.heading_index is not None
            assert paragraphs[chunk.heading_index].start == before[-1]
        else:
            assert chunk.heading_index is None


def test_sample_sentences_lie_in_their_chunk_in_order_and_whole_words(
    sample_layout: Layout, sample_text: str
) -> None:
    text = sample_text
    for chunk in sample_layout.chunks:
        sents = chunk.sentences
        assert sents[0][0] == chunk.start and sents[-1][1] == chunk.end
        for (_, e), (next_s, _) in pairwise(sents):
            assert e <= next_s
        for s, e in sents:
            assert chunk.start <= s < e <= chunk.end
            assert_trimmed(text, s, e)
            # A span that starts or ends between two letters has cut a word in two.
            assert s == 0 or not (text[s - 1].isalnum() and text[s].isalnum()), text[s - 9 : s + 9]
            assert e == len(text) or not (text[e - 1].isalnum() and text[e].isalnum())


def test_sample_quoted_sentences_keep_their_opening_quote(
    sample_layout: Layout, sample_text: str
) -> None:
    """“They have previously sent advisors…” starts with its quote mark; the sentence
    before it (“… a US think tank.”) must not end with a dangling opening quote."""
    sentences = [sample_text[s:e] for chunk in sample_layout.chunks for s, e in chunk.sentences]
    dangling = [s for s in sentences if s.endswith(("“", "‘", "(", "[", "«"))]
    assert not dangling, dangling
    assert (
        "“They have previously sent advisors and specialists, but never large ground "
        "forces.”" in sentences
    )


def test_sample_first_paragraph_is_a_chunk_of_whole_sentences(
    sample_layout: Layout, sample_text: str, sample_paragraphs: list[tuple[int, int]]
) -> None:
    first = sample_layout.chunks[0]
    assert (first.start, first.end) == sample_paragraphs[0]
    assert sample_text[first.sentences[0][0] : first.sentences[0][1]].endswith(
        "support Moscow’s struggling forces."
    )


def test_a_stop_inside_a_name_does_not_end_the_sentence() -> None:
    """From real pages: "Android/Filecoder.C" was cut into two sentences, "…dubbed
    Android/Filecoder." and "C, has been active…", so the answer was half a sentence;
    "…for SpaceX. Born and raised…" stayed one. A sentence ends before a space, and a
    stop after a name ending in a capital can end one; initials do not."""
    from qa.ingest.sentences import split_sentences

    text = (
        "The malicious links purport to connect back to a sex simulation game. "
        "The Android ransomware, dubbed Android/Filecoder.C, has been active since at "
        "least July 12, when researchers found it via two domain links. "
        "PDF.js is included in Firefox since 2012. (version 15),[5][6] and enabled by "
        "default since 2013. "
        "Erin Spiceland is a Software Engineer for SpaceX. Born and raised in rural "
        "south Georgia, she is a mother of two. Patrick W. Carlineo Jr. pleaded guilty."
    )
    sentences = [text[s:e] for s, e in split_sentences(text, [(0, len(text))], 1500)[0]]
    assert sentences == [
        "The malicious links purport to connect back to a sex simulation game.",
        "The Android ransomware, dubbed Android/Filecoder.C, has been active since at "
        "least July 12, when researchers found it via two domain links.",
        "PDF.js is included in Firefox since 2012.",
        "(version 15),[5][6] and enabled by default since 2013.",
        "Erin Spiceland is a Software Engineer for SpaceX.",
        "Born and raised in rural south Georgia, she is a mother of two.",
        "Patrick W. Carlineo Jr. pleaded guilty.",
    ]


# --- generated texts --------------------------------------------------------------------

_WORD = st.text(
    alphabet=st.sampled_from(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éß東’-"
    ),
    min_size=1,
    max_size=12,
)
_GAP = st.sampled_from([" ", " ", " ", "  ", "\t", " \u00a0"])


@st.composite
def _sentence(draw: st.DrawFn) -> str:
    words = draw(st.lists(_WORD, min_size=1, max_size=25))
    out = words[0]
    for word in words[1:]:
        out += draw(_GAP) + word
    return out + draw(st.sampled_from([".", ".", "?", "!", "", "…", ".”"]))


@st.composite
def _prose_line(draw: st.DrawFn) -> str:
    """A paragraph on one line: sentences separated by ". "-style gaps."""
    sentences = draw(st.lists(_sentence(), min_size=1, max_size=12))
    return " ".join(sentences)


@st.composite
def _heading_line(draw: st.DrawFn) -> str:
    words = draw(st.lists(_WORD, min_size=1, max_size=6))
    return " ".join(w.capitalize() for w in words) + draw(st.sampled_from(["", "?", "”"]))


@st.composite
def _long_run(draw: st.DrawFn) -> str:
    """Very long text without sentence ends: one unbroken token, or words without stops."""
    size = draw(st.integers(1200, 4000))
    if draw(st.booleans()):
        return draw(st.sampled_from("xé東")) * size
    word = draw(_WORD)
    gap = draw(_GAP)
    return gap.join([word] * (size // (len(word) + len(gap)) + 1))


_BLOCK = st.one_of(_prose_line(), _prose_line(), _heading_line(), _long_run(), _sentence())
_SEPARATOR = st.sampled_from(["\n", "\n", "\n\n", "\n \n", "\r\n", "\n\n\n", " \n\t\n"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Multi-paragraph texts: prose lines, heading-like lines, long runs, blank lines."""
    blocks = draw(st.lists(_BLOCK, min_size=1, max_size=10))
    text = draw(st.sampled_from(["", "\n", "  "])) + blocks[0]
    for block in blocks[1:]:
        text += draw(_SEPARATOR) + block
    return text + draw(st.sampled_from(["", "\n", "\n\n", " "]))


_PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPERTY
@given(documents())
# A sentence too long for one chunk, its words two spaces apart: cut at whitespace.
@example("Intro line.\n" + "word  " * 400 + "end.")
def test_chunks_are_in_order_bounded_and_trimmed(text: str) -> None:
    layout = chunk_text(ExtractedText(text, "txt"))
    assert layout.chunks, "a text with words must give at least one chunk"
    assert [c.ordinal for c in layout.chunks] == list(range(len(layout.chunks)))
    for before, after in pairwise(layout.chunks):
        assert before.end <= after.start
    for chunk in layout.chunks:
        assert_trimmed(text, chunk.start, chunk.end)
        assert chunk.end - chunk.start <= MAX_CHUNK_CHARS
        previous_end = chunk.start
        for s, e in chunk.sentences:
            assert_trimmed(text, s, e)
            assert previous_end <= s and e <= chunk.end
            previous_end = e


@_PROPERTY
@given(documents())
def test_no_words_are_lost(text: str) -> None:
    layout = chunk_text(ExtractedText(text, "txt"))
    covered = [False] * len(text)
    for chunk in layout.chunks:
        covered[chunk.start : chunk.end] = [True] * (chunk.end - chunk.start)
    for p in layout.paragraphs:
        if p.is_heading:
            covered[p.start : p.end] = [True] * (p.end - p.start)
    lost = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert not lost, repr(text[lost[0] - 20 : lost[0] + 20])


@_PROPERTY
@given(documents())
def test_chunks_never_span_a_heading(text: str) -> None:
    layout = chunk_text(ExtractedText(text, "txt"))
    headings = [p for p in layout.paragraphs if p.is_heading]
    for chunk in layout.chunks:
        for h in headings:
            if (h.start, h.end) == (chunk.start, chunk.end):
                continue  # a heading with no body under it is its own chunk
            assert h.end <= chunk.start or h.start >= chunk.end, (h, chunk)
