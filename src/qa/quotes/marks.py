"""Where the quotations are: pairing quotation marks, with no language model.

News text marks quotations with curly double quotes (“…”), straight ones ("…"), or in
British style single ones (‘…’), with the other kind nested inside. The same
characters also serve as apostrophes (don’t, the players’ union), inch and foot marks
(a 6'2" forward, a 55" screen) and typographic noise, so marks are paired by their
position: an opening mark follows a space or an opening bracket and precedes a word; a
closing mark follows a word or punctuation and precedes no letter. A quotation that runs
over several paragraphs follows the news convention: each continuing paragraph opens
with a mark and only the last one closes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# Opening and closing characters by family; straight marks are both.
_DOUBLE_OPEN = "“„«"
_DOUBLE_CLOSE = "”»"
_SINGLE_OPEN = "‘‚"
_SINGLE_CLOSE = "’"
_BEFORE_OPEN = " \t\n([{—–-/:;“‘\"'"
_DIGIT_UNIT = re.compile(r"\d['\"″′]")
# Two single marks typed for one double (‘‘…’’), as the Federal Register and other
# government typesetting prints quotations: one double mark two characters wide.
_DOUBLED = ("‘‘", "’’")
_DOUBLE_MARKS = re.compile("‘‘|’’|[" + _DOUBLE_OPEN + _DOUBLE_CLOSE + '"]')
_SINGLE_MARKS = re.compile("[" + _SINGLE_OPEN + _SINGLE_CLOSE + "']")


@dataclass(frozen=True)
class MarkedSpan:
    """A quotation as its marks delimit it: ``open`` is the opening mark's offset and
    ``close`` the offset just after the closing mark (the paragraph's end when a
    quotation is never closed). ``start``/``end`` cover the quoted words only."""

    open: int
    close: int
    start: int
    end: int
    double: bool


def _is_letter(ch: str) -> bool:
    return ch.isalnum()


def _can_open(text: str, i: int, lo: int) -> bool:
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if after.isspace():
        return False
    return before.isspace() or before in _BEFORE_OPEN or i == lo


def _can_close(text: str, i: int, hi: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < hi else " "
    if before.isspace():
        return False
    return not _is_letter(after)


def _candidates(text: str, lo: int, hi: int, single: bool) -> list[tuple[int, str]]:
    """(offset, 'open' | 'close' | 'either') for every mark of one family in [lo, hi)."""
    opens = _SINGLE_OPEN if single else _DOUBLE_OPEN
    closes = _SINGLE_CLOSE if single else _DOUBLE_CLOSE
    straight = "'" if single else '"'
    marks: list[tuple[int, str]] = []
    family = _SINGLE_MARKS if single else _DOUBLE_MARKS
    for found in family.finditer(text, lo, hi):  # only the marks, not every character
        i = found.start()
        ch = text[i]
        if found.group() in _DOUBLED:  # ‘‘…’’: a double mark (only the double family)
            if found.group() == _DOUBLED[0] and _can_open(text, i, lo):
                marks.append((i, "open"))
            elif found.group() == _DOUBLED[1] and _can_close(text, i + 1, hi):
                marks.append((i, "close"))
            continue
        if single and (text[i : i + 2] in _DOUBLED or text[max(i - 1, 0) : i + 1] in _DOUBLED):
            continue  # one half of a doubled mark: the double family reads it
        if ch in opens:
            if single and re.match(r"‘\d\d?s?\b", text[i : i + 4]):
                continue  # ‘90s: an elided year, not a quotation
            marks.append((i, "open"))
        elif ch in closes:
            inside_word = i > lo and i + 1 < hi and _is_letter(text[i - 1])
            if single and inside_word and _is_letter(text[i + 1]):
                continue  # don’t, Jong-un’s: an apostrophe inside a word
            if _can_close(text, i, hi):
                marks.append((i, "close"))
        elif ch == straight:
            if i > lo and _DIGIT_UNIT.match(text, i - 1) and not _can_open(text, i, lo):
                continue  # 6'2", 55": a unit after a number
            inside_word = i > lo and i + 1 < hi and _is_letter(text[i - 1])
            if single and inside_word and _is_letter(text[i + 1]):
                continue  # don't
            can_open, can_close = _can_open(text, i, lo), _can_close(text, i, hi)
            if can_open and can_close:
                marks.append((i, "either"))
            elif can_open:
                marks.append((i, "open"))
            elif can_close:
                marks.append((i, "close"))
    return marks


def _pair(
    marks: list[tuple[int, str]],
    single: bool,
    opened: int | None = None,
    line_starts: dict[int, bool] | None = None,
) -> tuple[list[tuple[int, int]], int | None]:
    """Pair opening and closing marks in order, starting inside a quotation when
    ``opened`` is given; returns the pairs and an opening mark left unclosed."""
    pairs: list[tuple[int, int]] = []
    line_starts = line_starts or {}
    for at, kind in marks:
        if opened is None:
            if kind in ("open", "either"):
                opened = at
        elif kind in ("close", "either"):
            pairs.append((opened, at))
            opened = None
        elif not single and not line_starts.get(at, False):
            # Two openings in a row: the first was never closed (a typo or a stray
            # mark). Start again from the later one. At a line's start, though, the
            # second is a continuing paragraph's reopening mark (news convention).
            opened = at
    return pairs, opened


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The quoted words: no surrounding space, and no comma the attribution stands for
    (“It is historic,” said X: the comma is the sentence's, not the speaker's)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def _family_spans(text: str, paragraphs: list[tuple[int, int]], single: bool) -> list[MarkedSpan]:
    openers = (_SINGLE_OPEN + "'") if single else (_DOUBLE_OPEN + '"')
    spans: list[MarkedSpan] = []
    opened: int | None = None  # an opening mark still open from an earlier paragraph
    for n, (lo, hi) in enumerate(paragraphs):
        marks = _candidates(text, lo, hi, single)
        if opened is not None:
            if marks and marks[0][0] == lo and marks[0][1] in ("open", "either"):
                marks = marks[1:]  # the news convention: a continuing paragraph reopens
            else:
                if not single:
                    spans.append(_span(text, opened, paragraphs[n - 1][1], single, closed=False))
                opened = None
        starts = {at: at > 0 and text[at - 1] == "\n" for at, _ in marks}
        pairs, opened = _pair(marks, single, opened, starts)
        spans.extend(_span(text, a, b + _width(text, b), single) for a, b in pairs)
        if opened is not None:
            continues = n + 1 < len(paragraphs) and text[paragraphs[n + 1][0]] in openers
            if not continues:
                if not single:  # a double quotation left open runs to the paragraph's end
                    spans.append(_span(text, opened, hi, single, closed=False))
                opened = None
    return [s for s in spans if s.end > s.start]


def _width(text: str, at: int) -> int:
    """How many characters the mark at ``at`` takes: 2 for a doubled ‘‘ or ’’."""
    return 2 if text[at : at + 2] in _DOUBLED else 1


def _span(text: str, open_at: int, close: int, single: bool, closed: bool = True) -> MarkedSpan:
    closing = (2 if text[close - 2 : close] in _DOUBLED else 1) if closed else 0
    start, end = _trim(text, open_at + _width(text, open_at), close - closing)
    return MarkedSpan(open_at, close, start, end, not single)


def _outermost(spans: list[MarkedSpan]) -> list[MarkedSpan]:
    """Quotations, without those nested in another (‘never again’ inside “…”)."""
    out: list[MarkedSpan] = []
    for span in sorted(spans, key=lambda s: (s.open, -s.close)):
        if out and span.open < out[-1].close:
            continue
        out.append(span)
    return out


def _crosses(a: MarkedSpan, b: MarkedSpan) -> bool:
    """True when the spans overlap without one holding the other."""
    overlap = a.open < b.close and b.open < a.close
    nested = (a.open <= b.open and b.close <= a.close) or (b.open <= a.open and a.close <= b.close)
    return overlap and not nested


def find_marked_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[MarkedSpan]:
    """Every top-level quotation in ``text``, in order, given its paragraph spans."""
    doubles = _family_spans(text, paragraphs, single=False)
    # Single marks pair less reliably (apostrophes look like closing marks): a single
    # quotation that cuts across a double one is a misreading and is dropped.
    closes = [d.close for d in doubles]  # doubles never overlap: sorted by both ends

    def crosses_a_double(span: MarkedSpan) -> bool:
        j = bisect_right(closes, span.open)  # the first double ending after span opens
        while j < len(doubles) and doubles[j].open < span.close:
            if _crosses(span, doubles[j]):
                return True
            j += 1
        return False

    singles = [s for s in _family_spans(text, paragraphs, single=True) if not crosses_a_double(s)]
    return _outermost(doubles + singles)
