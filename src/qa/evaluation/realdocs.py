"""Scoring `qa` on real documents: a folder with ``docs/`` (real files) and ``labels/``.

The figures a reporter's trust depends on, measured on material nobody here wrote
(``bench/realdocs``; its README gives the label format and how the labels were made).
Every document of ``docs/`` is indexed into one temporary index by the normal indexer,
each question is answered by ``qa.answer.ask.ask`` (what `qa ask` and the chat call),
the quotations are read from the quote index and the extracted texts from the store.

Every text comparison is made after ``qa.text.fold.normalize_for_match`` (case, curly
quotes, dashes, runs of whitespace), so a label written from the page matches the
extracted text whatever its typography. The rules, one function each:

- right passage first: the first passage is from the labelled document and holds the
  gold ``answer`` excerpt whole (``passage_holds``);
- right answer sentence: the answer's span covers at least half of the gold excerpt,
  and lies within the excerpt's sentence (the excerpt widened to the sentence ends
  around it) and at most one neighbouring sentence, before or after (the answer path
  adds a following sentence that points back): neither a fragment nor a run of other
  sentences around the right words counts (``answer_sentence_right``);
- short answers: given = the answer has short words, for a question whose label has a
  ``short``; wrong = not equal, after folding and trimming edge punctuation, to
  ``short`` or any ``accept`` (so a dropped "more than" is wrong) (``short_right``);
- right answers withheld: "not found" for an answerable question, at all, and while the
  gold excerpt was in one of the passages shown with it;
- unanswerable answered: any answer that is not "not found" (``AnswerKind.NOT_FOUND``);
- speakers: a labelled quotation is found when a quotation of the same document holds
  its words (equal words for one of fewer than four: titles, scare quotes); it is right
  when every such quotation has the labelled speaker (a bare surname counts when it is
  the labelled person's, so do the full name after a title and an organization's
  initials), or, for a null label, none or the text's own description of an unnamed
  speaker ("one user"); a missing quotation is not right. A wrong speaker is any other
  speaker given, a name for a null label and a description ("the 56-year-old",
  "global temperatures") for a named one included (``speaker_right``);
- extraction: the headline starts within the first ``HEADLINE_WITHIN`` characters of
  the extracted text, the first and last body sentence are in it, each ``absent``
  string is not.
"""

from __future__ import annotations

import json
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.errors import LabelError
from qa.text.fold import find_folded, normalize_for_match

if TYPE_CHECKING:
    from qa.answer.model import Answer
    from qa.answer.quotations import QuoteHit
    from qa.embedding.encoder import Encoder

LABELS = "labels"
DOCS = "docs"
# The headline counts as kept when it starts this close to the start of the text (a
# kicker, a date line or a section name may come first; a headline found only in a
# sidebar far down does not count).
HEADLINE_WITHIN = 500
MIN_EXCERPT_WORDS = 6  # gold answer excerpts, first and last body sentences
MIN_QUOTE_WORDS = 4  # quotations with a speaker; titles and scare quotes may be shorter
# How many passages `qa ask` shows by default: "withheld although shown" looks in these.
SHOWN = 5

Progress = Callable[[str, int, int], None]


# -- labels ----------------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionLabel:
    question: str
    answer: str | None  # None: the documents cannot answer it
    short: str | None = None
    accept: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuoteLabel:
    quote: str
    speaker: str | None


@dataclass(frozen=True)
class ExtractionLabel:
    headline: str
    first: str
    last: str
    absent: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocLabels:
    file: str
    source: str
    extraction: ExtractionLabel
    questions: tuple[QuestionLabel, ...]
    quotes: tuple[QuoteLabel, ...]


def is_realdocs(folder: Path) -> bool:
    """Whether ``folder`` is a real-document set (``labels/`` and ``docs/``), not a set
    in the format of shared/eval."""
    return (folder / LABELS).is_dir() and (folder / DOCS).is_dir()


def _words(text: str) -> int:
    return len(text.split())


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def label_problems(data: object, docs: Path, name: str) -> list[str]:
    """What is wrong with one label file's content (``name`` is its file name), empty
    when it is well-formed: the schema, the document it names exists in ``docs``, and
    excerpts long enough to find one place (a six-word excerpt, a four-word quotation)."""
    if not isinstance(data, dict):
        return [f"{name}: not a JSON object"]
    problems: list[str] = []

    def bad(what: str) -> None:
        problems.append(f"{name}: {what}")

    file = data.get("file")
    if not _is_text(file):
        bad("'file' missing")
    else:
        if name != f"{file}.json":
            bad(f"named for {file!r}: should be {file}.json")
        if not (docs / str(file)).is_file():
            bad(f"document {file} is not in {docs}")
    if not _is_text(data.get("source")):
        bad("'source' missing")
    ext = data.get("extraction")
    if not isinstance(ext, dict):
        bad("'extraction' missing")
    else:
        if not _is_text(ext.get("headline")):
            bad("extraction.headline missing")
        for key in ("first", "last"):
            value = ext.get(key)
            if not _is_text(value) or _words(str(value)) < MIN_EXCERPT_WORDS:
                bad(f"extraction.{key} needs at least {MIN_EXCERPT_WORDS} words")
        absent = ext.get("absent", [])
        if not isinstance(absent, list) or not all(_is_text(a) for a in absent):
            bad("extraction.absent is not a list of strings")
    questions = data.get("questions")
    if not isinstance(questions, list):
        bad("'questions' is not a list")
        questions = []
    for n, q in enumerate(questions, 1):
        if not isinstance(q, dict) or not _is_text(q.get("question")):
            bad(f"question {n}: no 'question' text")
            continue
        answer = q.get("answer")
        if answer is None:
            if q.get("short") is not None or q.get("accept"):
                bad(f"question {n}: a short answer for a question the documents cannot answer")
            continue
        if not _is_text(answer) or _words(answer) < MIN_EXCERPT_WORDS:
            bad(f"question {n}: 'answer' needs at least {MIN_EXCERPT_WORDS} words, or null")
            continue
        short = q.get("short")
        if short is not None and not _is_text(short):
            bad(f"question {n}: 'short' is neither text nor null")
        accept = q.get("accept", [])
        if not isinstance(accept, list) or not all(_is_text(a) for a in accept):
            bad(f"question {n}: 'accept' is not a list of strings")
        elif accept and short is None:
            bad(f"question {n}: 'accept' without 'short'")
    quotes = data.get("quotes")
    if not isinstance(quotes, list):
        bad("'quotes' is not a list")
        quotes = []
    for n, qt in enumerate(quotes, 1):
        if not isinstance(qt, dict) or not _is_text(qt.get("quote")):
            bad(f"quote {n}: no 'quote' text")
            continue
        speaker = qt.get("speaker")
        if speaker is not None and not _is_text(speaker):
            bad(f"quote {n}: 'speaker' is neither a name nor null")
        elif speaker is not None and _words(qt["quote"]) < MIN_QUOTE_WORDS:
            bad(f"quote {n}: a quotation with a speaker needs at least {MIN_QUOTE_WORDS} words")
    return problems


def _doc_labels(data: dict[str, Any]) -> DocLabels:
    ext = data["extraction"]
    return DocLabels(
        file=data["file"],
        source=data["source"],
        extraction=ExtractionLabel(
            ext["headline"], ext["first"], ext["last"], tuple(ext.get("absent", []))
        ),
        questions=tuple(
            QuestionLabel(q["question"], q["answer"], q.get("short"), tuple(q.get("accept", [])))
            for q in data["questions"]
        ),
        quotes=tuple(QuoteLabel(q["quote"], q["speaker"]) for q in data["quotes"]),
    )


def load_labels(folder: Path) -> list[DocLabels]:
    """Every label file of ``folder/labels``, in file name order; a LabelError naming
    each problem when any is malformed (a wrong label would make a wrong figure)."""
    labels: list[DocLabels] = []
    problems: list[str] = []
    for path in sorted((folder / LABELS).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        found = label_problems(data, folder / DOCS, path.name)
        if found:
            problems.extend(found)
        else:
            labels.append(_doc_labels(data))
    if problems:
        raise LabelError("malformed labels: " + "; ".join(problems))
    if not labels:
        raise LabelError(f"no label files in {folder / LABELS}")
    return labels


# -- the scoring rules -----------------------------------------------------------------
def fold(text: str) -> str:
    """The form every comparison uses (``qa.text.fold``: case, quotes, dashes, spaces)."""
    return normalize_for_match(text).strip()


_EDGE = " .,;:!?\"'()[]"


def fold_short(text: str) -> str:
    """A short answer or quotation folded, without punctuation at its ends: "88." and
    "88" are the same answer, "Parasite," and "Parasite" the same title."""
    return fold(text).strip(_EDGE)


def passage_holds(passage_text: str, excerpt: str) -> bool:
    """Whether a passage holds the gold excerpt whole."""
    return fold(excerpt) in fold(passage_text)


_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)|\n")
# A stop after one of these ends an abbreviation, not a sentence: "at 10:00 a.m. PDT",
# "Sentencing is scheduled for Feb. 14.", "Patrick W. Carlineo", "the U.S. population".
# Without them a sentence holding one counts as two, and the right sentence shown whole
# would be scored as running past its neighbour.
_ABBREVIATION = re.compile(
    r"(?:(?<![\w/.])[A-Z]|\b(?:[A-Za-z]\.)+[A-Za-z]|\b(?:Mr|Mrs|Ms|Dr|Prof|Gov|Sen|Rep|Gen"
    r"|Lt|Sgt|Capt|Rev|St|Jr|Sr|Inc|Co|Corp|Ltd|No|Nos|Vol|Fig|Figs|Eq|vs|approx|Jan|Feb"
    r"|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Ave|Blvd|Mt|Ft|Calif|Cal|Ariz|Colo|Conn"
    r"|Fla|Mich|Minn|Tex|Va))$"
)
# How far back from a stop an abbreviation is looked for.
_ABBREVIATION_CHARS = 12


def _sentence_ends(text: str, start: int, end: int) -> list[re.Match[str]]:
    """Sentence ends in ``text[start:end]``, stops after an abbreviation left out."""
    return [
        m
        for m in _SENTENCE_END.finditer(text, start, end)
        if m.group() == "\n"
        or m.group()[0] != "."
        or not _ABBREVIATION.search(text, max(0, m.start() - _ABBREVIATION_CHARS), m.start())
    ]


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to the ends of the sentences it touches: back to just
    after the previous sentence end (., ! or ?, then any closing quote, then a space, and
    not the stop of an abbreviation such as "a.m." or "Feb.") or line break, forward to
    the next one (inclusive) or the end of the text."""
    lo = 0
    for m in _sentence_ends(text, 0, start):
        lo = m.end()
    hi = len(text)
    after = next(iter(_sentence_ends(text, max(start, end - 1), len(text))), None)
    if after is not None:
        hi = after.start() if after.group() == "\n" else after.end()
    while lo < start and text[lo].isspace():
        lo += 1
    return lo, max(hi, end)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


_SLACK = 3  # characters a span may stray past a sentence end (a closing quote, a space)


def answer_sentence_right(doc_text: str, span: tuple[int, int] | None, excerpt: str) -> bool:
    """Whether the answer's span (document offsets; None: no answer) is the sentence
    that answers: it covers at least half of the gold excerpt, and lies within the
    excerpt's sentence and at most one neighbouring sentence."""
    if span is None or span[1] <= span[0]:
        return False
    gold = find_folded(doc_text, excerpt)
    if gold is None or _overlap(span, gold) < 0.5 * (gold[1] - gold[0]):
        return False
    lo, hi = sentence_around(doc_text, *gold)
    before = sentence_around(doc_text, lo - 2, lo - 1)[0] if lo >= 2 else lo
    after = hi
    while after < len(doc_text) and doc_text[after].isspace():
        after += 1
    after = sentence_around(doc_text, after, after + 1)[1] if after < len(doc_text) else hi
    start, end = span[0] + _SLACK, span[1] - _SLACK
    return (before <= start and end <= hi) or (lo <= start and end <= after)


def short_right(given: str, short: str, accept: tuple[str, ...] = ()) -> bool:
    """Whether a short answer given equals the label's ``short`` or an ``accept`` form."""
    return fold_short(given) in {fold_short(s) for s in (short, *accept)}


_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def surname(name: str) -> str:
    """The last word of a full name, a suffix ("Jr.") skipped, folded."""
    words = [w.strip(".,") for w in fold(name).split()]
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return words[-1] if words else ""


_SMALL_WORDS = {"and", "of", "the", "for", "on", "in"}


def acronym(name: str) -> str:
    """An organization's initials, folded ("NOAA" for the National Oceanic and
    Atmospheric Administration), or "" for a name of fewer than two words."""
    words = [w for w in fold(name).split() if w not in _SMALL_WORDS]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def speaker_right(given: str | None, label: str | None, how: str | None = None) -> bool:
    """Whether the speaker given is the labelled one: the same name after folding, the
    labelled person's surname alone, the full name after a title ("House Speaker Brian
    Bosma"), or an organization's initials ("NOAA"). For a null label (the text names
    no one, or the words are nobody's): no speaker, or the text's own description of
    someone it does not name ("one user", "officers"; ``how`` is "description"), which
    names no one either."""
    if label is None:
        return given is None or how == "description"
    if given is None:
        return False
    g, full = fold(given), fold(label)
    if g == full or g.endswith(" " + full) or g == acronym(label):
        return True
    return " " not in g and g.strip(".,") == surname(label)


def quote_matches(label_quote: str, found_quote: str) -> bool:
    """Whether a quotation of the quote index is the labelled one: equal words for a
    label of fewer than ``MIN_QUOTE_WORDS`` words (a title must not match every longer
    quotation that mentions it); else one holds the other, the found one at least half
    as long (a quotation the index split in two still matches by its larger part)."""
    lq, fq = fold_short(label_quote), fold_short(found_quote)
    if not lq or not fq:
        return False
    if len(lq.split()) < MIN_QUOTE_WORDS:
        return lq == fq
    return lq in fq or (fq in lq and len(fq) >= 0.5 * len(lq))


# -- results ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Failure:
    """One failed check, for developers: what was expected, what came, and why it fails."""

    check: str
    file: str
    item: str  # the question, the quotation or the label string checked
    expected: str | None
    got: str | None
    why: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RealDocsResult:
    dataset: str
    documents: int = 0
    indexed: int = 0
    answerable: int = 0
    passage_first: int = 0
    answer_sentence: int = 0
    short_expected: int = 0
    short_given: int = 0
    short_wrong: int = 0
    withheld: int = 0
    withheld_shown: int = 0
    unanswerable: int = 0
    unanswerable_answered: int = 0
    quotes: int = 0
    quotes_found: int = 0
    speakers_right: int = 0
    wrong_named: int = 0
    named_labels: int = 0
    named_right: int = 0
    null_labels: int = 0
    null_right: int = 0
    extraction_docs: int = 0
    headline: int = 0
    first: int = 0
    last: int = 0
    absent_strings: int = 0
    absent_ok: int = 0
    index_seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def summary(self) -> dict[str, float | int | str]:
        def rate(part: int, whole: int) -> float:
            return round(part / whole, 4) if whole else 0.0

        lat = sorted(self.latencies_ms) or [0.0]
        return {
            "dataset": self.dataset,
            "documents": self.documents,
            "indexed": self.indexed,
            "answerable": self.answerable,
            "right_passage_first": rate(self.passage_first, self.answerable),
            "right_answer_sentence": rate(self.answer_sentence, self.answerable),
            "short_expected": self.short_expected,
            "short_given": self.short_given,
            "short_wrong": self.short_wrong,
            "short_wrong_of_given": rate(self.short_wrong, self.short_given),
            "short_right_of_expected": rate(
                self.short_given - self.short_wrong, self.short_expected
            ),
            "withheld": rate(self.withheld, self.answerable),
            "withheld_in_shown": rate(self.withheld_shown, self.answerable),
            "unanswerable": self.unanswerable,
            "unanswerable_answered": rate(self.unanswerable_answered, self.unanswerable),
            "quotes": self.quotes,
            "quotes_found": rate(self.quotes_found, self.quotes),
            "speakers_right": rate(self.speakers_right, self.quotes),
            "wrong_named_speaker": rate(self.wrong_named, self.quotes),
            "named_speakers_right": rate(self.named_right, self.named_labels),
            "no_speaker_right": rate(self.null_right, self.null_labels),
            "extraction_headline": rate(self.headline, self.extraction_docs),
            "extraction_first": rate(self.first, self.extraction_docs),
            "extraction_last": rate(self.last, self.extraction_docs),
            "extraction_absent": rate(self.absent_ok, self.absent_strings),
            "index_seconds": round(self.index_seconds, 1),
            "ms_p50": round(statistics.median(lat), 1),
        }

    def fail(
        self, check: str, file: str, item: str, expected: str | None, got: str | None, why: str
    ) -> None:
        self.failures.append(Failure(check, file, item, expected, got, why))


def _clip(text: str | None, limit: int = 160) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- scoring one item ------------------------------------------------------------------
def score_question(
    result: RealDocsResult,
    label: DocLabels,
    q: QuestionLabel,
    answer: Answer,
    source: str,
    doc_text: str,
) -> None:
    """Add one answered question to the tallies (``source``: the labelled document as
    indexed; ``doc_text``: its extracted text)."""
    from qa.answer.model import AnswerKind

    got = answer.answer
    given = _clip(got.text) if got is not None else None
    if q.answer is None:
        result.unanswerable += 1
        if answer.kind is not AnswerKind.NOT_FOUND:
            result.unanswerable_answered += 1
            result.fail(
                "answered unanswerable",
                label.file,
                q.question,
                None,
                given,
                f"answered ({answer.kind.value}) a question the documents cannot answer",
            )
        return
    result.answerable += 1
    first = answer.passages[0] if answer.passages else None
    if first is not None and first.source == source and passage_holds(first.text, q.answer):
        result.passage_first += 1
    else:
        where = "no passage" if first is None else f"{Path(first.source).name}: {first.text}"
        result.fail(
            "passage",
            label.file,
            q.question,
            q.answer,
            _clip(where),
            "the first passage does not hold the gold excerpt",
        )
    span = (got.start, got.end) if got is not None and got.source == source else None
    if got is None:
        result.withheld += 1
        shown = [p for p in answer.passages[:SHOWN] if p.source == source]
        in_shown = any(passage_holds(p.text, q.answer) for p in shown)
        result.withheld_shown += in_shown
        result.fail(
            "withheld",
            label.file,
            q.question,
            q.answer,
            None,
            "not found, although a shown passage holds the answer" if in_shown else "not found",
        )
    elif answer_sentence_right(doc_text, span, q.answer):
        result.answer_sentence += 1
    else:
        result.fail(
            "sentence",
            label.file,
            q.question,
            q.answer,
            given,
            "the answer's span is not the gold excerpt's sentence",
        )
    if q.short is None:
        return
    result.short_expected += 1
    said = got.short_text if got is not None else None
    if said is None:
        if got is not None:
            result.fail(
                "short missing", label.file, q.question, q.short, None, "no short answer given"
            )
        return
    result.short_given += 1
    if not short_right(said, q.short, q.accept):
        result.short_wrong += 1
        result.fail(
            "short wrong",
            label.file,
            q.question,
            q.short,
            said,
            "the short answer is not the labelled one or an accepted form",
        )


def score_quote(
    result: RealDocsResult, label: DocLabels, q: QuoteLabel, hits: list[QuoteHit]
) -> None:
    """Add one labelled quotation to the tallies (``hits``: the quotations the quote
    index holds for its document)."""
    result.quotes += 1
    if q.speaker is None:
        result.null_labels += 1
    else:
        result.named_labels += 1
    matched = [h for h in hits if quote_matches(q.quote, h.quote)]
    if not matched:
        result.fail(
            "quote missing",
            label.file,
            q.quote,
            q.speaker,
            None,
            "no quotation of the quote index holds these words",
        )
        return
    result.quotes_found += 1
    speakers = sorted({h.speaker or "" for h in matched})
    got = ", ".join(s or "(no speaker)" for s in speakers)
    if all(speaker_right(h.speaker, q.speaker, h.how) for h in matched):
        result.speakers_right += 1
        if q.speaker is None:
            result.null_right += 1
        else:
            result.named_right += 1
        return
    if any(
        h.speaker is not None and not speaker_right(h.speaker, q.speaker, h.how) for h in matched
    ):
        result.wrong_named += 1
        why = (
            "a name for words the text gives to no one named"
            if q.speaker is None
            else "another speaker than the labelled one"
        )
        result.fail("speaker wrong", label.file, q.quote, q.speaker, got, why)
    else:
        result.fail(
            "speaker missing",
            label.file,
            q.quote,
            q.speaker,
            got,
            "no speaker for a labelled speaker's words",
        )


def score_extraction(result: RealDocsResult, label: DocLabels, text: str) -> None:
    """Add one document's extraction checks to the tallies (``text``: its extracted text)."""
    result.extraction_docs += 1
    ext = label.extraction
    folded = fold(text)
    at = folded.find(fold(ext.headline))
    if 0 <= at <= HEADLINE_WITHIN:
        result.headline += 1
    else:
        result.fail(
            "headline",
            label.file,
            ext.headline,
            ext.headline,
            _clip(text[:160]),
            "headline missing" if at < 0 else f"headline only at character {at}",
        )
    for check, excerpt in (("first", ext.first), ("last", ext.last)):
        if fold(excerpt) in folded:
            setattr(result, check, getattr(result, check) + 1)
        else:
            result.fail(
                check,
                label.file,
                excerpt,
                excerpt,
                None,
                f"the {check} body sentence is not in the extracted text ({len(text)} characters)",
            )
    for boiler in ext.absent:
        result.absent_strings += 1
        if fold(boiler) in folded:
            result.fail(
                "absent", label.file, boiler, None, boiler, "boilerplate kept in the extracted text"
            )
        else:
            result.absent_ok += 1


# -- the run ---------------------------------------------------------------------------
def evaluate_realdocs(
    folder: Path,
    k: int = SHOWN,
    embedder: Encoder | None = None,
    progress: Progress | None = None,
    work_dir: Path | None = None,
) -> RealDocsResult:
    """Index every document of ``folder/docs`` into one temporary index and score every
    label of ``folder/labels`` on it (``k``: passages asked for per question)."""
    from qa.answer.ask import ask
    from qa.answer.quotations import list_quotes
    from qa.embedding.encoder import Embedder
    from qa.index.builder import build_index
    from qa.index.reader import open_index

    labels = load_labels(folder)
    progress = progress or (lambda *_: None)
    encoder: Encoder = embedder if embedder is not None else Embedder()
    result = RealDocsResult(folder.name, documents=len(labels))
    with tempfile.TemporaryDirectory(prefix="qa-realdocs-", dir=work_dir) as tmp:
        index_dir = Path(tmp) / "index"
        started = time.perf_counter()
        report = build_index([folder / DOCS], index_dir, embedder=encoder, progress=progress)
        result.index_seconds = time.perf_counter() - started
        index = open_index(index_dir)
        if index is None:
            raise LabelError(f"nothing in {folder / DOCS} could be indexed")
        try:
            sources = {Path(s).name: s for s in index.manifest.documents}
            skipped = {Path(s).name: why for s, why in report.skipped}
            hits_by_source: dict[str, list[QuoteHit]] = {}
            for hit in list_quotes(index):
                hits_by_source.setdefault(hit.source, []).append(hit)
            total = sum(len(label.questions) for label in labels)
            asked = 0
            for label in labels:
                source = sources.get(label.file, "")
                doc = index.document_by_source(source) if source else None
                if doc is None:
                    # Still scored, as failures: a page that cannot be read answers nothing.
                    result.fail(
                        "not indexed",
                        label.file,
                        label.file,
                        None,
                        None,
                        skipped.get(label.file, "not in the index"),
                    )
                else:
                    result.indexed += 1
                text = doc.text if doc is not None else ""
                score_extraction(result, label, text)
                for quote in label.quotes:
                    score_quote(result, label, quote, hits_by_source.get(source, []))
                for q in label.questions:
                    t0 = time.perf_counter()
                    answer = ask(index, encoder, q.question, k=k)
                    result.latencies_ms.append((time.perf_counter() - t0) * 1000)
                    score_question(result, label, q, answer, source, text)
                    asked += 1
                    progress("questions", asked, total)
        finally:
            index.close()
    return result
