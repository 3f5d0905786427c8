"""Sentence spans with exact offsets.

spaCy's rule-based sentencizer on a blank English pipeline: its tokenizer knows
abbreviations ("U.S.", "Dr.") and closing quotes after a stop, it reports character
offsets, and it runs at hundreds of KB/s without a statistical model. Sentences longer
than a chunk may hold are cut at whitespace, as a last resort, so no span ever
exceeds the limit the retrieval contract promises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

_SPACE_RUN = re.compile(r"\s+")
# spaCy's tokenizer has a per-text length limit; paragraphs above it are cut first.
_NLP_MAX = 200_000


@lru_cache(maxsize=1)
def _pipeline() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = _NLP_MAX + 1
    return nlp


def _hard_split(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut an over-long span at the last whitespace before ``limit`` characters."""
    pieces = []
    while end - start > limit:
        cut = text.rfind(" ", start + 1, start + limit)
        if cut == -1:
            ws = _SPACE_RUN.search(text, start + 1, start + limit)
            cut = ws.start() if ws else start + limit
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


def split_sentences(
    text: str, spans: Iterable[tuple[int, int]], max_chars: int
) -> list[list[tuple[int, int]]]:
    """Sentence spans, in ``text`` coordinates, for each paragraph span given.

    Every returned span is trimmed of surrounding whitespace and at most ``max_chars``.
    """
    spans = list(spans)
    nlp = _pipeline()
    pieces: list[tuple[int, int, int]] = []  # (paragraph index, start, end)
    for i, (s, e) in enumerate(spans):
        for ps, pe in _hard_split(text, s, e, _NLP_MAX) if e - s > _NLP_MAX else [(s, e)]:
            pieces.append((i, ps, pe))
    result: list[list[tuple[int, int]]] = [[] for _ in spans]
    docs = nlp.pipe((text[s:e] for _, s, e in pieces), batch_size=256)
    for (i, base, _), doc in zip(pieces, docs, strict=True):
        for sent in doc.sents:
            s, e = base + sent.start_char, base + sent.end_char
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                result[i].extend(_hard_split(text, s, e, max_chars))
    return result
