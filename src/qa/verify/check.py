"""`qa verify`: is this quote in the documents, and how exactly?

The quote's words are looked for first (``qa.verify.wording``: exact, normalized,
fuzzy): that needs no model. Only when its words are not there, as given or with a
word or two changed, and a model is at hand, is it looked for by meaning
(``qa.verify.meaning``: paraphrase), so a quote found word for word is confirmed in
milliseconds and a misremembered one is still found. A fuzzy or paraphrase match that
makes another claim (a negation turned round, words trading places, another name or
number, a clause added: ``qa.verify.claims``) is not the same statement: it becomes a
near miss, shown only when nothing matches. Every match is named with the quotation it
lies in and its speaker, when the text gives one.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from qa.citations import cite
from qa.verify.claims import conflict
from qa.verify.meaning import paraphrase_hits
from qa.verify.model import VerifyMatch, VerifyResult
from qa.verify.wording import Hit, strip_quote_marks, wording_hits

if TYPE_CHECKING:
    from qa.embedding.encoder import Encoder
    from qa.index.reader import Index

# Near misses shown when nothing matches.
NEAREST = 3


def verify(index: Index, text: str, limit: int = 5, encoder: Encoder | None = None) -> VerifyResult:
    """Where ``text`` occurs in the indexed documents, and how exactly; best first.
    With an ``encoder``, a quote whose words are not there (exactly or nearly) is looked
    for by meaning too (the ``paraphrase`` grade)."""
    quote = strip_quote_marks(text)
    if not quote:
        return VerifyResult(text, ())
    hits, keyword_chunks = wording_hits(index, quote)
    kept: list[Hit] = []
    near: list[Hit] = []
    for hit in hits:
        why_not = conflict(hit.diff) if hit.diff else None
        if why_not is None:
            kept.append(hit)
        else:
            near.append(replace(hit, why_not=why_not))
    if encoder is not None and not kept:
        found, missed = paraphrase_hits(index, encoder, quote, keyword_chunks)
        kept += found
        near += missed
    matches = tuple(_to_match(index, hit) for hit in _best(kept, limit))
    nearest = () if matches else tuple(_to_match(index, hit) for hit in _best(near, NEAREST))
    return VerifyResult(text, matches, nearest)


def _best(hits: list[Hit], limit: int) -> list[Hit]:
    """The best hits, one per place: a span found by several windows or grades (the
    exact match is also a normalized one) is kept once, at its best grade."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=Hit.sort_key):
        if any(k.doc.id == hit.doc.id and k.start < hit.end and hit.start < k.end for k in kept):
            continue
        kept.append(hit)
        if len(kept) == limit:
            break
    return kept


def _to_match(index: Index, hit: Hit) -> VerifyMatch:
    """The hit as shown: its citation, and the quotation holding most of it, if any."""
    held = index.quote_holding(hit.doc.id, hit.start, hit.end)
    return VerifyMatch(
        grade=hit.grade,
        source=hit.doc.source,
        start=hit.start,
        end=hit.end,
        text=hit.doc.text[hit.start : hit.end],
        citation=cite(hit.doc, hit.start, hit.end),
        similarity=hit.similarity,
        word_edits=hit.word_edits,
        diff=hit.diff,
        speaker=held.speaker if held else None,
        quoted=held is not None,
        why_not=hit.why_not,
    )
