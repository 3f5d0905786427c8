"""Parsing only what attribution reads: a few sentences around each quotation.

spaCy's small pipeline (tagger, parser, entities) costs about 35 µs a character on this
machine, the entity recogniser more than half of it. Parsing every paragraph that holds a
quotation, and the two before it for pronouns, parsed two thirds of a Wikipedia article
(24 s of a 68 s `qa index` on the SQuAD set). Attribution reads far less: the sentences
where a quotation opens and closes, the one after, the one before ("It added …"), and for
a pronoun the sentences before it back to the first that names someone.

So paragraphs are split into sentences by the cheap rule-based sentencizer (the chunker's
own, ``qa.ingest.sentences``), and text is parsed in *pieces*: runs of whole sentences of one
paragraph. A window of one sentence either side of each offset asked about is parsed
when first needed; windows known in advance are parsed together in one batch. A piece
never crosses a paragraph, as the paragraph parses never did.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# Sentences longer than this are cut for windowing (the chunker's own limit, so the
# indexer's sentences and these agree); a piece grows no longer than MAX_PIECE_CHARS.
SENTENCE_CHARS = 1500
MAX_PIECE_CHARS = 20_000


@dataclass
class Piece:
    """Sentences ``first``..``last`` of paragraph ``number``, parsed; offsets into the
    whole text are ``start + token.idx``."""

    start: int
    end: int
    number: int
    first: int
    last: int
    doc: Any  # spacy.tokens.Doc

    def sentence_at(self, offset: int) -> Any:
        for sent in self.doc.sents:
            if self.start + sent.start_char <= offset < self.start + sent.end_char:
                return sent
        return None

    def next_sentence(self, sent: Any) -> Any:
        found = False
        for s in self.doc.sents:
            if found:
                return s
            found = s.start == sent.start
        return None


class Pieces:
    """The parsed pieces of one text, made on demand (see the module docstring)."""

    def __init__(
        self,
        text: str,
        paragraphs: Sequence[tuple[int, int]],
        nlp: Callable[[], Any],
        sentences: Sequence[tuple[int, int]] | None = None,
    ) -> None:
        self.text = text
        self.paragraphs = list(paragraphs)
        self._starts = [s for s, _ in self.paragraphs]
        self._nlp = nlp
        self._given = sorted(sentences) if sentences is not None else None
        self._sentences: dict[int, list[tuple[int, int]]] = {}
        self._by_sentence: dict[tuple[int, int], Piece] = {}
        self.parsed: list[Piece] = []  # in the order they were parsed

    # -- where an offset lies ------------------------------------------------------------

    def number_at(self, offset: int) -> int | None:
        """The paragraph holding ``offset``, or None between paragraphs."""
        n = bisect_right(self._starts, offset) - 1
        if n >= 0 and offset < self.paragraphs[n][1]:
            return n
        return None

    def sentences(self, number: int) -> list[tuple[int, int]]:
        """Paragraph ``number``'s sentence spans (whole-text offsets)."""
        if number not in self._sentences:
            self._split([number])
        return self._sentences[number]

    def _split(self, numbers: Iterable[int]) -> None:
        todo = [n for n in dict.fromkeys(numbers) if n not in self._sentences]
        if not todo:
            return
        if self._given is not None:
            # The chunker's sentences of body paragraphs; a heading has none and is
            # one sentence (it was chunked whole, or cut like one).
            given = self._given
            starts = [s for s, _ in given]
            for n in todo:
                lo, hi = self.paragraphs[n]
                i = bisect_right(starts, lo - 1)
                found = []
                while i < len(given) and given[i][0] < hi:
                    found.append(given[i])
                    i += 1
                self._sentences[n] = found or _whole(self.text, lo, hi)
            return
        from qa.ingest.sentences import split_sentences

        spans = [self.paragraphs[n] for n in todo]
        for n, found in zip(todo, split_sentences(self.text, spans, SENTENCE_CHARS), strict=True):
            self._sentences[n] = found

    def sentence_index(self, number: int, offset: int) -> int | None:
        """The sentence of paragraph ``number`` holding ``offset`` (or the last one
        before it, for an offset in the space between two)."""
        sents = self.sentences(number)
        if not sents:
            return None
        return max(0, bisect_right([s for s, _ in sents], offset) - 1)

    def sentence_of(self, offset: int) -> tuple[int, int, bool] | None:
        """The span of the sentence holding ``offset``, and whether a piece parsed it
        already; None outside the text's sentences."""
        n = self.number_at(offset)
        k = None if n is None else self.sentence_index(n, offset)
        if n is None or k is None:
            return None
        start, end = self.sentences(n)[k]
        return start, end, (n, k) in self._by_sentence

    def parse_loose(self, spans: Sequence[tuple[int, int]]) -> list[Any]:
        """Parse text spans apart from the pieces (they join no piece and change no later
        window): for reading names off sentences far from any quotation."""
        if not spans:
            return []
        return list(self._nlp().pipe(self.text[s:e] for s, e in spans))

    def window(self, offset: int) -> tuple[int, int] | None:
        """The text span of the sentence at ``offset`` and one either side (within its
        paragraph): what a piece parsed for ``offset`` may hold."""
        n = self.number_at(offset)
        k = None if n is None else self.sentence_index(n, offset)
        if n is None or k is None:
            return None
        sents = self.sentences(n)
        return sents[max(0, k - 1)][0], sents[min(len(sents) - 1, k + 1)][1]

    # -- parsing -------------------------------------------------------------------------

    def prepare(self, offsets: Iterable[int]) -> None:
        """Parse the windows around ``offsets`` in one batch (cheaper than one by one);
        windows that touch are parsed as one piece."""
        offsets = list(offsets)
        numbers = [self.number_at(o) for o in offsets]
        self._split(n for n in numbers if n is not None)
        wanted: dict[int, set[int]] = {}
        for offset, n in zip(offsets, numbers, strict=True):
            k = None if n is None else self.sentence_index(n, offset)
            if n is None or k is None:
                continue
            last = len(self.sentences(n)) - 1
            wanted.setdefault(n, set()).update(range(max(0, k - 1), min(last, k + 1) + 1))
        runs: list[tuple[int, int, int]] = []
        for n in sorted(wanted):
            sents = self.sentences(n)
            for k in sorted(wanted[n]):
                if (n, k) in self._by_sentence:
                    continue
                joins = runs and runs[-1][0] == n and runs[-1][2] == k - 1
                if joins and sents[k][1] - sents[runs[-1][1]][0] <= MAX_PIECE_CHARS:
                    runs[-1] = (n, runs[-1][1], k)
                    continue
                runs.append((n, k, k))
        self._parse(runs)

    def piece(self, number: int, k: int, before: int = 1, after: int = 1) -> Piece:
        """The piece holding sentence ``k`` of paragraph ``number``, parsing it with up to
        ``before``/``after`` unparsed neighbours when it is not parsed yet."""
        found = self._by_sentence.get((number, k))
        if found is not None:
            return found
        last = len(self.sentences(number)) - 1
        first = k
        while first > max(0, k - before) and (number, first - 1) not in self._by_sentence:
            first -= 1
        end = k
        while end < min(last, k + after) and (number, end + 1) not in self._by_sentence:
            end += 1
        self._parse([(number, first, end)])
        return self._by_sentence[(number, k)]

    def piece_at(self, offset: int) -> Piece | None:
        """The piece holding ``offset``, parsed now if need be; None outside the text's
        sentences."""
        n = self.number_at(offset)
        k = None if n is None else self.sentence_index(n, offset)
        if n is None or k is None:
            return None
        return self.piece(n, k)

    def _parse(self, runs: list[tuple[int, int, int]]) -> None:
        if not runs:
            return
        bounds = []
        for n, first, last in runs:
            sents = self.sentences(n)
            bounds.append((sents[first][0], sents[last][1]))
        docs = self._nlp().pipe(self.text[s:e] for s, e in bounds)
        for (n, first, last), (s, e), doc in zip(runs, bounds, docs, strict=True):
            piece = Piece(s, e, n, first, last, doc)
            self.parsed.append(piece)
            for k in range(first, last + 1):
                self._by_sentence[(n, k)] = piece

    # -- reading back --------------------------------------------------------------------

    def sentences_back(self, at: int, paragraphs_back: int) -> Iterator[tuple[Piece, Any]]:
        """Parsed sentences starting before ``at``, nearest first: the one holding it,
        then back to the start of the paragraph ``paragraphs_back`` before. What lies
        before is parsed as the walk reaches it, a few sentences at a time."""
        number = self.number_at(at)
        if number is None:
            return
        k = self.sentence_index(number, at)
        for n in range(number, max(0, number - paragraphs_back) - 1, -1):
            if n != number:
                k = len(self.sentences(n)) - 1
            while k is not None and k >= 0:
                piece = self.piece(n, k, before=2, after=0 if n != number else 1)
                sents = [s for s in piece.doc.sents if piece.start + s.start_char < at]
                for sent in reversed(sents):
                    yield piece, sent
                k = piece.first - 1  # each piece once: the walk goes on before it


def _whole(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return [(lo, hi)] if hi > lo else []
