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

from qa.ingest.nlp import import_spacy

_SPACE_RUN = re.compile(r"\s+")
# spaCy's tokenizer has a per-text length limit; paragraphs above it are cut first.
_NLP_MAX = 200_000


@lru_cache(maxsize=1)
def _pipeline() -> Any:
    spacy = import_spacy()
    nlp = spacy.blank("en")
    # A stop after a word ending in a capital that follows a small letter ("SpaceX.",
    # "PwC.", "PhD.") is its own token, so it can end a sentence: spaCy's suffix rules
    # split a stop only after a small letter, a digit or two capitals, and "…for SpaceX.
    # Born and raised in Georgia, …" stayed one sentence. Initials ("W.") stay whole.
    suffixes = [*nlp.Defaults.suffixes, r"(?<=[a-z][A-Z])\."]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    nlp.add_pipe("sentencizer")
    nlp.max_length = _NLP_MAX + 1
    return nlp


def _hard_split(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut an over-long span at the last whitespace before ``limit`` characters.

    Pieces are trimmed; a run with no whitespace at all is cut at the limit.
    """
    pieces = []
    while end - start > limit:
        window = text[start + 1 : start + limit + 1]
        last_space = max((m.start() for m in _SPACE_RUN.finditer(window)), default=-1)
        cut = start + 1 + last_space if last_space >= 0 else start + limit
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        pieces.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


_OPENERS = "“‘«([{\"'"


def _move_openers(text: str, spans: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Give an opening quote or bracket left at a sentence's end to the next sentence.

    spaCy keeps every punctuation token after a stop with the sentence it ends, so
    ‘…a think tank. “They have…’ would end the first sentence with ‘“’. The opener
    stays where it is when the next sentence is already as long as a span may be.
    """
    out = list(spans)
    for i in range(len(out) - 1):
        s, e = out[i]
        cut = e
        while cut > s + 1 and text[cut - 1] in _OPENERS and text[cut - 2].isspace():
            cut -= 1
            while cut > s + 1 and text[cut - 1].isspace():
                cut -= 1
        if cut < e:
            opener = cut
            while text[opener].isspace():
                opener += 1
            if out[i + 1][1] - opener > max_chars:
                continue
            out[i] = (s, cut)
            out[i + 1] = (opener, out[i + 1][1])
    return out


def _join_unspaced(
    text: str, spans: list[tuple[int, int]], max_chars: int
) -> list[tuple[int, int]]:
    """Join a sentence to the one before it when no space parts them.

    spaCy's tokenizer cuts a stop between letters ("Android/Filecoder.C", "Node.js") into
    a token of its own, and the sentencizer then ends a sentence there: "The ransomware,
    dubbed Android/Filecoder." and "C, has been active since July 12". A sentence ends
    before a space (or a line break), never inside a word.
    """
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if (
            out
            and out[-1][1] == s
            and text[s - 1] == "."
            and text[s].isalnum()
            and e - out[-1][0] <= max_chars
        ):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


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
    return [
        _join_unspaced(text, _move_openers(text, spans, max_chars), max_chars) for spans in result
    ]
