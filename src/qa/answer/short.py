"""The short answer: the number or date in bold, only when the words say it is the one.

A reporter copies a bold number as the answer, so a wrong one is worse than none
("half" for a fall of 18 percent, the 2012 count for the 2019 one, the end date for
when something begins, "54" from a page header). The candidates are the numbers and
dates of the answer span (``qa.answer.span``'s patterns), with what belongs to them:
the qualifier ("more than 100", "approximately 60"), the currency ("US$1 billion") and
the unit ("18 percent"). Each is scored by how the question's own words sit around it:
the thing counted right after it, the year asked for beside it (and not another year),
"from"/"until" before it when the question asks when something begins/ends, a
percent or currency when the question asks for one. None is given when two different
candidates score alike, nor from a line too short to be prose (a page header, a table
cell), nor from inside a code or identifier ("COVID-19", "H1N1", "A4").

Regular expressions over one span: microseconds a question, no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.model import Span
from qa.answer.question import Question
from qa.answer.span import _DATE, _MEASURE, _NUMBER, _UNIT_AFTER, best_candidate
from qa.text.fold import fold
from qa.text.terms import STOPWORDS, stems

# Two candidates whose scores differ by less than this are a guess between them.
CLOSE_MARGIN = 0.35
# A line with fewer words than this is a header, a caption or a table cell, not prose.
MIN_LINE_WORDS = 5

_QUALIFIER = re.compile(
    r"(?:\b(?:more|less|fewer|greater|higher|lower)\s+than|\b(?:just|well|slightly)\s+"
    r"(?:over|under|above|below)|\b(?:over|under|above|below|about|around|approximately"
    r"|approx\.|nearly|almost|some|roughly|estimated|an\s+estimated|up\s+to|at\s+least"
    r"|at\s+most|as\s+many\s+as|as\s+much\s+as|as\s+few\s+as|close\s+to|circa|c\.|only"
    r"|exactly|precisely|upwards\s+of|in\s+excess\s+of|no\s+more\s+than|no\s+fewer\s+than"
    r"|no\s+less\s+than|early|mid|late|mid-|the\s+early|the\s+late)"
    r")\s*$",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(
    r"(?:\b(?:US|U\.S\.|USD|EUR|GBP|CAD|AUD|NZD|HK|Rs\.?|INR|CHF|JPY|CNY|RMB|C|A|NZ|S)"
    r"\s?[$€£¥]?|[$€£¥₹])\s?$"
)
_CURRENCY_AFTER = re.compile(
    r"\s+(?:(?:US\s+|U\.S\.\s+|Canadian\s+|Australian\s+|Hong\s+Kong\s+)?dollars?|euros?"
    r"|pounds?(?:\s+sterling)?|yen|yuan|renminbi|rupees?|francs?|pesos?|rubles?|roubles?"
    r"|won|krona|kronor|krone|USD|EUR|GBP)\b",
    re.IGNORECASE,
)
_SCALE_AFTER = re.compile(r"\s+(?:hundred|thousand|million|billion|trillion|bn|m)\b")
_PERCENT_AFTER = re.compile(r"\s*(?:%|percent\b|per\s+cent\b|percentage\s+points?\b)", re.I)
# A number word alone that says no amount: "half", "million", "dozens".
_VAGUE = frozenset("half hundred thousand million billion trillion dozen".split())
_YEAR = re.compile(r"^(?:1[0-9]|20)\d{2}$")
_TOKEN = re.compile(r"\w+(?:[.,]\d+)*|[^\w\s]")

_BEGIN_WORDS = frozenset(
    "begin begins began begun beginning start starts started starting open opens opened "
    "opening launch launched launches commence commenced commences first kick kicks".split()
)
_END_WORDS = frozenset(
    "end ends ended ending finish finishes finished close closes closed closing conclude "
    "concluded concludes expire expires expired last deadline until".split()
)
_BEGIN_MARKS = frozenset("from since starting beginning begins began starts started opens".split())
_END_MARKS = frozenset("to until till through thru ending ends ended by closes".split()) | {
    "–",
    "-",
    "—",
}
_PERCENT_ASKED = re.compile(
    r"\b(?:percent|percentage|per\s+cent|proportion|share|rate|%)|\bhow\s+much\s+(?:did|has|"
    r"have|had|does|do|will|is|was)\b.*\b(?:fall|fell|rise|rose|drop|dropp?ed|decline|"
    r"declined|increase|increased|decrease|decreased|grow|grew|shrink|shrank)\b",
    re.IGNORECASE,
)
_MONEY_ASKED = re.compile(
    r"\b(?:cost|costs|costing|price|prices|priced|pay|pays|paid|salary|salaries|wage|wages"
    r"|spend|spends|spent|budget|budgets|fund|funding|funds|worth|earn|earns|earned|raise"
    r"|raised|fine|fined|invest|invested|investment|revenue|revenues|profit|profits|sold"
    r"|sell|charge|charged|fee|fees|dollars?|euros?|pounds?|money|compensation)\b",
    re.IGNORECASE,
)
_COUNTED = re.compile(r"\b(?:how\s+many|number\s+of|count\s+of)\s+(?:of\s+the\s+)?(\w+)", re.I)


@dataclass(frozen=True)
class Candidate:
    """A number or date of the span, widened to what belongs to it; offsets into the
    span's text. ``core`` is the number itself, ``percent`` and ``money`` what it is."""

    start: int
    end: int
    core_start: int
    core_end: int
    percent: bool
    money: bool


def _line_words(text: str, pos: int) -> int:
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    return len(re.findall(r"\w+", text[lo : len(text) if hi == -1 else hi]))


def _inside_code(text: str, start: int, end: int) -> bool:
    """Whether the number is part of a code or identifier ("COVID-19", "H1N1", "A4",
    "v2.1", "ISBN 978-…", "10:30" excepted as a time is still a date, not a number)."""
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    if text[start : start + 1] in "$€£¥" and re.search(r"(?:\bUS|\bC|\bA|NZ|HK|\bS)$", before):
        before = " "  # "US$1 billion": the country's letters are the currency's
    if before[-1:].isalnum() or before[-1:] == "_" or after[:1].isalnum() or after[:1] == "_":
        return True
    return bool(re.match(r"[-_/.:]\w", after) or re.search(r"\w[-_/.:#]$", before))


def _widen(text: str, start: int, end: int, kind: str) -> tuple[int, int, bool, bool]:
    """The candidate ``text[start:end]`` with its qualifier, currency and unit."""
    core = text[start:end]
    percent = bool(re.search(r"%|percent|per\s+cent", core, re.I))
    money = bool(re.match(r"[$€£¥]", core))
    if kind == "number":
        if not re.search(r"(?:million|billion|trillion|thousand|hundred)$", core, re.I):
            scale = _SCALE_AFTER.match(text, end)
            if scale and re.search(r"\d", core):
                end = scale.end()
        if not percent:
            unit = _PERCENT_AFTER.match(text, end)
            if unit:
                end, percent = unit.end(), True
        cur = _CURRENCY_BEFORE.search(text, max(0, start - 8), start)
        if cur and not money:
            start, money = cur.start(), True
        elif money:
            # "US$1 billion": the country letters before the sign belong to it.
            cur = re.search(r"\b(?:US|U\.S\.|C|A|NZ|HK|S)\s?$", text[max(0, start - 6) : start])
            if cur:
                start -= len(cur.group(0))
        cur_after = _CURRENCY_AFTER.match(text, end)
        if cur_after:
            end, money = cur_after.end(), True
    qualifier = _QUALIFIER.search(text, max(0, start - 25), start)
    if qualifier:
        start = qualifier.start()
    return start, end, percent, money


def candidates(question: Question, text: str, start: int, end: int) -> list[Candidate]:
    """Numbers (or dates) of ``text[start:end]`` that may answer ``question``: not its
    own words, not a lone "half" or "million", not inside a code, not on a short line.
    Offsets are into the whole ``text``."""
    kind = question.wanted
    if kind not in ("number", "date"):
        return []
    pattern = _DATE if kind == "date" else _NUMBER
    asked = question.own_words
    counting = bool(re.search(r"\bhow\s+many\b", question.text, re.I))
    out = []
    for m in pattern.finditer(text, start, end):
        word = m.group(0).strip()
        if not word:
            continue
        s = m.start() + m.group(0).find(word)
        e = s + len(word)
        folded = [fold(w) for w in re.findall(r"\w+", word)]
        if all(w in asked or w in STOPWORDS for w in folded):
            continue  # the question's own number is not its answer
        if kind == "number" and all(w in _VAGUE for w in folded):
            continue
        if counting and _YEAR.match(word):
            continue  # "how many" counts things; a year is when they were counted
        if _inside_code(text, s, e):
            continue
        if _line_words(text, s) < MIN_LINE_WORDS:
            continue  # a page header, a caption, a table cell
        ws, we, percent, money = _widen(text, s, e, kind)
        out.append(Candidate(max(ws, start), min(we, end), s, e, percent, money))
    return out


def _years(text: str) -> set[str]:
    return {t for t in re.findall(r"\b\d{4}\b", text) if _YEAR.match(t)}


def _score(question: Question, text: str, cand: Candidate, tokens: list[re.Match[str]]) -> float:
    """How plainly the words around ``cand`` make it the answer to ``question``."""
    qtext = question.text
    qwords = {fold(w) for w in re.findall(r"\w+", qtext)}
    qstems = set(stems(sorted(question.own_words)))
    at = next((i for i, t in enumerate(tokens) if t.end() > cand.core_start), len(tokens))
    last = next((i for i, t in enumerate(tokens) if t.start() >= cand.core_end), len(tokens))
    score = 0.0
    # The question's words around it: the nearer, the more (each word counted once).
    seen: set[str] = set()
    for i, t in enumerate(tokens):
        w = fold(t.group(0))
        if w in STOPWORDS or w in seen or not w.isalnum():
            continue
        if stems([w])[0] in qstems:
            seen.add(w)
            gap = (at - i) if i < at else (i - last + 1) if i >= last else 0
            score += 1 / (1 + max(gap, 0)) ** 0.5
    # The thing counted right after the number ("88 wolves" for "how many wolves").
    counted = _COUNTED.search(qtext)
    if counted:
        want = stems([fold(counted.group(1))])[0]
        after = [stems([fold(t.group(0))])[0] for t in tokens[last : last + 4]]
        if want in after:
            score += 2.0
    # The year asked for beside it, not another year.
    asked_years = _years(qtext)
    if asked_years:
        near = [
            (abs(i - at), t.group(0))
            for i, t in enumerate(tokens)
            if _YEAR.match(t.group(0)) and not (cand.core_start <= t.start() < cand.core_end)
        ]
        if near:
            to_asked = min((d for d, y in near if y in asked_years), default=len(tokens))
            to_other = min((d for d, y in near if y not in asked_years), default=len(tokens))
            # A number nearer another year is that year's figure, not the one asked for.
            score += 2.0 if to_asked <= to_other else -5.0
    # "When does it begin?" wants the date after "from", not the one after "until".
    if question.wanted == "date":
        before = {fold(t.group(0)) for t in tokens[max(0, at - 3) : at]}
        begin, end = bool(qwords & _BEGIN_WORDS), bool(qwords & _END_WORDS)
        marks_begin, marks_end = bool(before & _BEGIN_MARKS), bool(before & _END_MARKS)
        if begin != end:
            if (begin and marks_begin) or (end and marks_end):
                score += 1.5
            if (begin and marks_end) or (end and marks_begin):
                score -= 2.5
    else:
        if _PERCENT_ASKED.search(qtext):
            score += 1.5 if cand.percent else -1.5
        elif _MONEY_ASKED.search(qtext) and re.search(r"\bhow\s+much\b", qtext, re.I):
            score += 1.5 if cand.money else -1.5
        elif cand.percent and not re.search(r"\bhow\s+much\b", qtext, re.I):
            score -= 0.5  # "how many" counts things, rarely a share of them
    return score


def short_answer(question: Question, text: str, start: int, end: int) -> Span | None:
    """The words of ``text[start:end]`` that answer ``question`` (a number, a date, a
    place), or None when none does plainly or two candidates are alike."""
    if question.wanted == "place":
        found = best_candidate(text[start:end], question)
        if found is None or _line_words(text, start + found.start) < MIN_LINE_WORDS:
            return None
        return Span(start + found.start, start + found.end)
    found_all = candidates(question, text, start, end)
    if not found_all:
        return None
    tokens = list(_TOKEN.finditer(text, start, end))
    scored = sorted(
        ((_score(question, text, c, tokens), c) for c in found_all),
        key=lambda sc: -sc[0],
    )
    best_score, best = scored[0]
    for other_score, other in scored[1:]:
        same = text[other.core_start : other.core_end] == text[best.core_start : best.core_end]
        if not same and best_score - other_score < CLOSE_MARGIN:
            return None  # two different answers, equally likely: a guess
    s, e = best.start, best.end
    if question.wanted == "number" and _MEASURE.search(question.text):
        unit = _UNIT_AFTER.match(text, e)
        if unit and unit.end() <= end:
            e = unit.end()
    return Span(s, e)
