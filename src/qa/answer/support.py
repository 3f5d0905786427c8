"""Whether the best passage says what a question turns on, by meaning.

The documents often hold the right entity in a wrong event: "How many PCB lawsuits has
Monsanto settled?" of a review giving Monsanto's share of PCBs, "How much compensation
will Pochettino receive?" of the news of his sacking. The passage is on the subject
and scores well, yet it does not say what was asked. A rule on words alone cannot tell
this from a paraphrase ("died" for "killed"), which is most of SQuAD's right answers;
so each question word the passage lacks is compared, by meaning (the index's MiniLM,
one vector per word, cached: passage words come back question after question), with
every word of the passage. Single-word vectors are coarse (unrelated words reach
0.35-0.55), so ``qa.answer.ask`` asks this of counts only, where the words around
"how many" name exactly what is counted (measured in docs/design/measurements.md).

Also here: whether a passage reports a speaker's words at all (a verb of saying by
their name, not just the name), and whether a speaker's quotations are on the topic a
"What did X say about TOPIC?" question asks.
"""

from __future__ import annotations

import re
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from qa.embedding.encoder import Encoder
from qa.quotes.verbs import REPORTING_VERBS
from qa.text.terms import STOPWORDS, content_terms, stems, words

# Words of a question that ask rather than name what is asked: a passage need not hold
# them ("What did X say about…", "How much did it cost?").
_ASKING = frozenset(
    """
    say said says tell told describe described explain explained mention mentioned
    call called name named happen happened according many much long often kind type
    sort way reason give gave given get got make made take took use used go went
    do does did done one ones thing things first last new
    share percentage percent proportion number amount cost price time size people
    person worth value begin start exist exists existed known different various several
    total overall certain particular specific possible main major common same other
    towards toward besides actually text related
    """.split()
)
_WORD = re.compile(r"\w+")
# Under this cosine no word of the passage means what the question's word means.
# MiniLM's single-word vectors: "killed"/"died" 0.6, "killed"/"relocated" 0.3.
SUPPORT_THRESHOLD = 0.45
# Words shorter than this say too little alone to be judged by meaning.
MIN_CHARS = 4
_CACHE_SIZE = 20000


@dataclass(frozen=True)
class TermSupport:
    """One question word the passage lacks, with the passage word nearest in meaning."""

    word: str
    nearest: str
    similarity: float

    @property
    def supported(self) -> bool:
        return self.similarity >= SUPPORT_THRESHOLD


class _Vectors:
    """Unit vectors of single words, cached per encoder (most passage words recur; a
    vector from one model means nothing to another, and a process may hold two: the
    tests' fake beside the real one, or a chat that reloads its model)."""

    def __init__(self) -> None:
        self._caches: weakref.WeakKeyDictionary[Encoder, OrderedDict[str, np.ndarray]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, encoder: Encoder, items: Iterable[str]) -> dict[str, np.ndarray]:
        cache = self._caches.setdefault(encoder, OrderedDict())
        wanted = list(dict.fromkeys(items))
        new = [w for w in wanted if w not in cache]
        if new:
            vecs = np.asarray(encoder.encode(new), dtype=np.float32)
            for w, v in zip(new, vecs, strict=True):
                cache[w] = v / (float(np.linalg.norm(v)) or 1.0)
            while len(cache) > _CACHE_SIZE:
                cache.popitem(last=False)
        for w in wanted:
            cache.move_to_end(w)
        return {w: cache[w] for w in wanted}


_VECTORS = _Vectors()


def question_words(question: str, passage_stems: set[str]) -> list[str]:
    """The question's words that carry what is asked and that the passage does not
    hold in any form (folded, stemmed): the ones to judge by meaning."""
    out = []
    for w in words(question):
        if w in STOPWORDS or w in _ASKING or len(w) < MIN_CHARS or w.isdigit():
            continue
        if stems([w])[0] in passage_stems:
            continue
        out.append(w)
    return list(dict.fromkeys(out))


def term_support(
    encoder: Encoder, question: str, passage: str, context: str = "", document: str = ""
) -> list[TermSupport]:
    """For each question word the passage (with ``context``: its title and heading)
    does not hold, the passage word nearest in meaning and their cosine. A word its
    ``document`` uses elsewhere is not judged: it is the document's own vocabulary, and
    what the passage says of it may be in other words or in the next paragraph."""
    passage_words = [w for w in words(f"{context} {passage}") if w not in STOPWORDS]
    passage_stems = set(stems(passage_words))
    if document:
        passage_stems |= set(content_terms(document))
    asked = question_words(question, passage_stems)
    if not asked:
        return []
    pool = [w for w in dict.fromkeys(passage_words) if len(w) >= 3 and not w.isdigit()]
    if not pool:
        return [TermSupport(w, "", 0.0) for w in asked]
    vecs = _VECTORS.get(encoder, asked + pool)
    matrix = np.vstack([vecs[w] for w in pool])
    out = []
    for w in asked:
        sims = matrix @ vecs[w]
        best = int(np.argmax(sims))
        out.append(TermSupport(w, pool[best], float(sims[best])))
    return out


def unsupported_word(
    encoder: Encoder,
    question: str,
    passage: str,
    context: str = "",
    document: str = "",
    known: Callable[[str], bool] | None = None,
) -> str | None:
    """The first question word nothing in the passage means (and its ``document`` never
    uses), or None when every word the question turns on is there in some form.
    ``known`` says whether the index holds a word at all: one it never holds may be
    misspelt ("intercpetions"), and that the passage lacks it then says nothing."""
    for t in term_support(encoder, question, passage, context, document):
        if not t.supported and (known is None or known(t.word)):
            return t.word
    return None


# "What did X say about TOPIC?": the topic, which X's words must be on.
_ABOUT = re.compile(
    r"\b(?:about|regarding|concerning|on\s+the\s+subject\s+of)\s+(?P<topic>.+)$", re.I
)


def asked_topic(question: str) -> str | None:
    """The topic a "What did X say about TOPIC?" question asks about, or None."""
    match = _ABOUT.search(question.strip().rstrip("?.! "))
    return match.group("topic") if match else None


def off_topic_word(encoder: Encoder, topic: str, texts: Iterable[str]) -> str | None:
    """A word of ``topic`` that no one of ``texts`` (a speaker's quotations with the
    paragraphs around them) supports, or None when one of them supports every word."""
    first: str | None = None
    for text in texts:
        word = unsupported_word(encoder, topic, text)
        if word is None:
            return None
        first = first or word
    return first


# Verbs that report what someone said or held, as a sentence inflects them.
_SAYING = sorted(
    REPORTING_VERBS
    | set(
        """thought thinks believed believes argued argues described describes called calls
        considered considers proposed proposes concluded concludes felt feels asserted
        asserts maintained maintains recalled recalls stressed emphasized emphasised
        pointed blamed assumed hypothesized hypothesised held taught preached declared
        replied responded answered remarked observed commented complained objected
        denied promised estimated reported revealed disclosed conceded questioned
        criticized criticised praised defended condemned advised recommended demanded
        asked informed saying stating telling writing arguing claiming warning noting
        adding insisting explaining describing calling""".split()
    )
)
# The name, then a verb of saying in the same clause ("Smith, the mayor, said").
_NAME_THEN_VERB = re.compile(r"[^.;:“”\"]{0,100}?\b(?:" + "|".join(_SAYING) + r")\b")
# A verb of saying or "according to", then the name ("said Smith", "according to Dr. Smith").
_VERB_THEN_NAME = re.compile(
    r"\b(?:according\s+to|" + "|".join(_SAYING) + r")\s+(?:[\w.’'-]+\s+){0,3}$", re.I
)


def reports_words_of(text: str, speaker: str) -> bool:
    """Whether ``text`` reports what ``speaker`` said or held: a word of their name with
    a verb of saying in the same clause. A passage that only names them ("a bot
    created by Joseph Weizenbaum") says nothing of what they said."""
    names = {w.casefold() for w in re.findall(r"[A-Z][\w-]+", speaker) if len(w) > 1}
    names -= {"the", "what", "who"}
    for m in re.finditer(r"[\w-]+", text):
        if m.group(0).casefold() not in names:
            continue
        if _NAME_THEN_VERB.match(text, m.end()) or _VERB_THEN_NAME.search(text, 0, m.start()):
            return True
    return False
