"""Sentence-aware chunks that respect paragraph and section boundaries.

A chunk is a run of whole sentences from consecutive paragraphs of one section, so a
passage never starts mid-sentence, never spans two sections, and its heading is known
(it is embedded with the chunk, not glued onto its first sentence). Whole paragraphs
are packed together up to ``target_chars``; a paragraph larger than that is split
between sentences. ``CHUNKER_VERSION`` is stored in the manifest: change it whenever
the output of this module changes, so old indexes are rebuilt rather than mixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from qa.ingest.extract.types import ExtractedText
from qa.ingest.sentences import _hard_split, split_sentences
from qa.ingest.structure import Paragraph, find_paragraphs

CHUNKER_VERSION = "5"
MAX_CHUNK_CHARS = 1500
DEFAULT_TARGET_CHARS = 1400


@dataclass(frozen=True)
class Chunk:
    """``text[start:end]`` of the document, made of the sentence spans listed."""

    ordinal: int
    start: int
    end: int
    # Index of the section's heading in the layout's paragraphs, None before any heading.
    heading_index: int | None
    sentences: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Layout:
    """Everything the index keeps about a document's shape."""

    paragraphs: list[Paragraph]
    chunks: list[Chunk]

    def heading(self, chunk: Chunk, text: str) -> str | None:
        """The words of the heading ``chunk`` sits under (None before any heading):
        what its keyword body and its embedding context add to its own words."""
        if chunk.heading_index is None:
            return None
        h = self.paragraphs[chunk.heading_index]
        return text[h.start : h.end]


def _pack(units: list[list[tuple[int, int]]], target: int) -> list[list[tuple[int, int]]]:
    """Group consecutive sentence lists (paragraphs) into chunks of about ``target`` chars.

    A paragraph that fits joins the current chunk if the chunk stays under the
    target; one that does not fit on its own is broken between sentences.
    """
    chunks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []

    def size(sents: list[tuple[int, int]]) -> int:
        return sents[-1][1] - sents[0][0] if sents else 0

    for sents in units:
        if not sents:
            continue
        if current and sents[-1][1] - current[0][0] <= target:
            current.extend(sents)
            continue
        if current:
            chunks.append(current)
            current = []
        if size(sents) <= target:
            current = list(sents)
            continue
        for sent in sents:
            if current and sent[1] - current[0][0] > target:
                chunks.append(current)
                current = []
            current.append(sent)
    if current:
        chunks.append(current)
    return chunks


def chunk_text(
    extracted: ExtractedText,
    target_chars: int = DEFAULT_TARGET_CHARS,
    max_chars: int = MAX_CHUNK_CHARS,
) -> Layout:
    """Lay out a document: its paragraphs, headings and chunks, all as offsets."""
    if target_chars > max_chars:
        raise ValueError("target_chars must not exceed max_chars")
    text = extracted.text
    paragraphs = find_paragraphs(text, extracted.headings, extracted.guess_headings)
    body = [p for p in paragraphs if not p.is_heading]
    sentences = split_sentences(text, ((p.start, p.end) for p in body), max_chars)
    by_paragraph = dict(zip((id(p) for p in body), sentences, strict=True))

    chunks: list[Chunk] = []
    # Sections: runs of paragraphs under the same heading. A heading with no body
    # under it becomes a chunk of its own so its words stay findable.
    for heading_index, group in groupby(paragraphs, key=lambda p: p.heading_index):
        members = list(group)
        units = [by_paragraph[id(p)] for p in members if not p.is_heading]
        if not any(units):  # cut like a sentence when longer than a chunk may be
            units = [_hard_split(text, p.start, p.end, max_chars) for p in members if p.is_heading]
        for sents in _pack(units, target_chars):
            chunks.append(
                Chunk(len(chunks), sents[0][0], sents[-1][1], heading_index, tuple(sents))
            )
    return Layout(paragraphs, chunks)
