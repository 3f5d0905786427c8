"""The short answer: the number or date in bold, only when the words say it is the one.

A reporter copies a bold number as the answer, so a wrong one is worse than none
("half" for a fall of 18 percent, the 2012 count for the 2019 one, the end date for
when something begins, "54" from a page header). The candidates are the numbers and
dates of the answer span (``qa.answer.span``'s patterns), with what belongs to them:
the qualifier ("more than 100", "approximately 60"), the currency ("US$1 billion") and
the unit ("18 percent", "51 years" for "how many years", "3.6% per year"), the season
or part of the day of a date ("fall 2011", "Thursday morning") and the range it closes
("between 39 and 48 percent"). Each is scored by how the question's own words sit in
its clause (its names counting half: they say which thing, the other words which fact
of it; in the rest of its sentence, a quarter as much), the thing counted right after
it, the year asked for beside it (and not another year), "from"/"until" before it and
the sentence's "begin"/"end" words when the question asks when something begins/ends,
"by" before it for "by how much", a percent, currency or time unit when the question
asks for one. None is given when two different
candidates score alike, nor from a line too short to be prose (a page header, a table
cell), nor from inside a code or identifier ("COVID-19", "H1N1", "A4", "Lion Air
Flight 043", "AK-12"), nor a number that says which one or when ("page 12", "Table 2",
"season 3", "9 p.m.", "020 7946 0958"), nor a count for "what percentage", a length for
"how long does it last", or a change of something else than the question's ("reduce the
metabolic rate by 75%" for the spacecraft's mass). For "how many X" the figure followed
by X, or by the same people named otherwise ("3,000 troops" for soldiers), is the count;
one followed by a kind of X ("around 500 officers") is a weaker sign, and one followed by
another thing ("and 40 tanks") is never the count of X.

Regular expressions over one span: under a millisecond a question, no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.model import Span
from qa.answer.question import Question
from qa.answer.span import _DATE, _NUMBER
from qa.text.fold import fold
from qa.text.terms import STOPWORDS, stems

# "How long", "how far": the number with its unit is the answer ("738 days").
_MEASURE = re.compile(r"\bhow\s+(?:long|old|far|tall|high|wide|deep|heavy|fast|big|large)\b", re.I)
_UNIT_AFTER = re.compile(
    r"\s+(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries"
    r"|century|km|kilometres?|kilometers?|miles?|metres?|meters?|m|cm|mm|feet|foot|ft"
    r"|inches|inch|kg|kilograms?|tons?|tonnes?|pounds?|lb|mph|km/h|percent|%)\b",
    re.IGNORECASE,
)
# Two candidates whose scores differ by less than this are a guess between them.
CLOSE_MARGIN = 0.35
# A line with fewer words than this is a header, a caption or a table cell, not prose.
MIN_LINE_WORDS = 5
# What a name of the question counts for, beside its other words.
NAME_WEIGHT = 0.5
# What a word of the question counts for in the figure's sentence but not its clause.
SENTENCE_WEIGHT = 0.25
# The least a figure needs to be shown: one of the question's words in its clause.
MIN_EVIDENCE = 1.0

_QUALIFIER = re.compile(
    r"(?:\b(?:more|less|fewer|greater|higher|lower)\s+than|\b(?:just|well|slightly)\s+"
    r"(?:over|under|above|below)|\b(?:over|under|above|below|about|around|approximately"
    r"|approx\.|nearly|almost|some|roughly|estimated|an\s+estimated|up\s+to|at\s+least"
    r"|at\s+most|as\s+many\s+as|as\s+much\s+as|as\s+few\s+as|close\s+to|circa|c\.|only"
    r"|exactly|precisely|upwards\s+of|in\s+excess\s+of|no\s+more\s+than|no\s+fewer\s+than"
    r"|no\s+less\s+than|on\s+average|an\s+average\s+of|a\s+total\s+of|early|mid|late|mid-"
    r"|the\s+early|the\s+late)"
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
    "concluded concludes expire expires expired last deadline until stop stops stopped ease "
    "eases eased subside subsides subsided".split()
)
_BEGIN_MARKS = frozenset("from since starting beginning begins began starts started opens".split())
_END_MARKS = frozenset("to until till through thru ending ends ended by closes".split()) | {
    "–",
    "-",
    "—",
}
_PERCENT_ASKED = re.compile(
    r"\b(?:percent|percentage|per\s+cent|proportion|share|rate|%)|\bhow\s+much\s+of\b"
    r"|\bhow\s+much\s+(?:did|has|"
    r"have|had|does|do|will|is|was)\b.*\b(?:fall|fell|rise|rose|drop|dropp?ed|decline|"
    r"declined|increase|increased|decrease|decreased|grow|grew|shrink|shrank)\b",
    re.IGNORECASE,
)
# "By how much did the number of people… increase": a count, whatever the verb.
_CHANGE_VERBS = frozenset(
    stems(
        "fall fell rise rose drop dropped decline declined increase increased decrease "
        "decreased grow grew shrink shrank reduce reduced cut raise raised lower lowered "
        "boost boosted gain gained lose lost expand expanded improve improved".split()
    )
)
# "How many of the soldiers are better trained?": a part of them, said by the rest.
_PART_ASKED = re.compile(r"\bhow\s+many\s+of\b", re.I)
_COUNT_ASKED = re.compile(r"\b(?:how\s+many|number\s+of|count\s+of)\b", re.I)
# "By how much did it fall": the change is the figure after "by", not the level after "from".
_CHANGE_ASKED = re.compile(r"\bby\s+how\s+much\b", re.I)
# "How long does protection last?": a duration, never a length ("200 feet").
_DURATION_ASKED = re.compile(
    r"\b(?:for\s+)?how\s+long\s+(?:ago\b|(?:has|have|had|did|does|do|will|would|can|could"
    r"|should|must|may|might)\b)|\bhow\s+long\b.*\b(?:last|lasts|lasted|take|takes|took"
    r"|stay|stays|stayed|remain|remains|remained|serve|served|wait|waited|live|lived|continue"
    r"|continues|continued|sentenced|jailed|imprisoned|valid|protected|run|runs|ran|been)\b",
    re.I,
)
_TIME_UNIT = re.compile(
    r"\s+(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century"
    r"|nights?)\b",
    re.I,
)
# "3.6% per year": the rate's period belongs to the figure.
_RATE_AFTER = re.compile(
    r"\s+(?:per|a|each|every)\s+(?:year|annum|month|week|day|hour|decade)\b|\s+annually\b"
    r"|\s+yearly\b",
    re.I,
)
# A range is one figure: "between 39 and 48 percent", "60 to 100".
_RANGE_BEFORE = re.compile(
    r"(?:\bbetween\s+\d[\d,]*(?:\.\d+)?%?\s+and|\b\d[\d,]*(?:\.\d+)?%?\s*(?:to|–|-))\s*$"
)
# "Thursday morning": a weekday is a date, with the part of the day it names.
_WEEKDAY = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s+(?:morning"
    r"|afternoon|evening|night))?\b"
)
# "fall 2011", "the spring of 2012": the season belongs to the date.
_SEASON_BEFORE = re.compile(
    r"\b(?:(?:early|late|mid-?)\s*)?(?:spring|summer|fall|autumn|winter)\s+(?:of\s+)?$", re.I
)
# "Lion Air Flight 610", "Boeing 737", "Section 1204": a number after a name is its
# identifier, not a count (a capitalised word inside the sentence, not its first).
_NAME_BEFORE = re.compile(r"[\w,;)’'\]]\s+[A-Z][\w.’'-]*\s+$")
_NOT_A_NAME = frozenset(
    "US USD EUR GBP HK HKD Rs INR CAD AUD NZD CHF JPY CNY RMB About Around Over Under "
    "Nearly Some".split()
)
_MONEY_ASKED = re.compile(
    r"\b(?:cost|costs|costing|price|prices|priced|pay|pays|paid|salary|salaries|wage|wages"
    r"|spend|spends|spent|budget|budgets|fund|funding|funds|worth|earn|earns|earned|raise"
    r"|raised|fine|fined|invest|invested|investment|revenue|revenues|profit|profits|sold"
    r"|sell|charge|charged|fee|fees|dollars?|euros?|pounds?|money|compensation)\b",
    re.IGNORECASE,
)
# "How many academic staff were…": the thing counted, up to three words after "how many".
_COUNTED = re.compile(
    r"\b(?:how\s+many|number\s+of|count\s+of)\s+(?:of\s+the\s+)?(?P<thing>.*)", re.I
)
# Numbers the shared pattern misses: "$22.6bn", "a third", "two-thirds", "55-year-old".
_EXTRA_NUMBER = re.compile(
    r"(?:[$€£¥]\s?)?\b\d[\d,]*(?:\.\d+)?(?:bn|mn|m|k|tn)\b"
    r"|\b(?:a|one|two|three|four)[\s-](?:third|thirds|quarter|quarters|fifth|fifths|tenth"
    r"|tenths)\b"
    r"|\b\d[\d,]*(?:\.\d+)?-(?:year|month|week|day|hour|minute)s?-old\b",
    re.I,
)
_MONTH_WORD = re.compile(
    r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s*$"
)
_MONTH_AFTER = re.compile(
    r"\s*(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b"
)
# A unit that makes a measure ("16 million metric tons", "50,000 years old").
_MEASURE_UNIT = re.compile(
    r"\s+(?:(?:metric\s+)?(?:tons|tonnes|ton|tonne)|(?:troy\s+)?ounces|carats|barrels|litres"
    r"|liters|gallons|kilograms"
    r"|kg|grams|pounds|lbs|megawatts|gigawatts|MW|GW|kWh|MWh|acres|hectares|square\s+(?:miles"
    r"|kilometres|kilometers|feet|metres|meters)|km|kilometres|kilometers|miles|metres"
    r"|meters|feet|inches|years?(?:\s+old)?|months?(?:\s+old)?|weeks?|days?|hours?|minutes?"
    r"|seconds?|decades?|centuries|mph|km/h|knots)\b",
    re.IGNORECASE,
)
# A sentence's end: not "U.S. troops", "St. Augustine" nor "10 a.m. PDT" (an
# abbreviation's stop).
_STOP = (
    r"(?<=[a-z0-9\])])(?<![\s(][A-Z][a-z])(?<![\s(][A-Z][a-z]{2})(?<!\.[a-z])[.!?](?:\[\d+\])*\s+"
    r"(?=[A-Z“\"])"
)
_CLAUSE_BREAK = re.compile(
    r"[;:()“”\"–—]|,\s|\s(?:while|whereas|but|although)\s"
    r"|(?-i:" + _STOP + ")",
    re.I,
)
_SENTENCE_START = re.compile(_STOP)
_WH = frozenset("how many much what which when where who whom whose why".split())

# A number after one of these words says which one, never how many: "page 12", "Flight
# 610", "Table 2", "season 3", "No. 5", "Phase 3 trial" (any case, at a sentence's start
# too, where _after_name cannot tell a name).
_LABEL_BEFORE = re.compile(
    r"(?:\b(?:pages?|pp?\.|chapters?|sections?|sec\.|figures?|figs?\.|tables?|paragraphs?|para\."
    r"|articles?|art\.|clauses?|no\.|nos\.|numbers?|rooms?|flights?|routes?|platforms?|gates?"
    r"|exits?|highways?|versions?|episodes?|seasons?|volumes?|vol\.|grades?|phases?|stages?"
    r"|id|code|ref\.|box|suite|apartment|apt\.|bus)|§|#)\s*$",
    re.IGNORECASE,
)
# "9 p.m.", "10 o'clock": a time of day, not an amount.
_CLOCK_AFTER = re.compile(r"\s?(?:[ap]\.\s?m\.|[ap]m\b|o[’']clock\b)", re.IGNORECASE)
# "over 250 000 deaths": thousands written with spaces, one number.
_SPACED_THOUSANDS = re.compile(r"\d{1,3}(?: \d{3})+(?!\d)")
# What a count of soldiers may be said as. The first set names the same people ("10,000
# troops" answers "how many soldiers"); the second a kind of them ("around 500 officers"
# answers "how many soldiers are better trained"), a weaker sign, since it may count a
# part of them.
_SAME_COUNTED = (frozenset(stems("soldiers troops personnel servicemen fighters".split())),)
_KIND_OF_COUNTED = {
    group: frozenset(
        stems(
            "officers recruits conscripts marines paratroopers commandos reservists snipers"
            " men".split()
        )
    )
    - group
    for group in _SAME_COUNTED
}


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
    # A fraction ("two-thirds", "a quarter") is a share, as a percent is.
    percent = bool(re.search(r"%|percent|per\s+cent|half|third|quarter|fifth|tenth", core, re.I))
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
        rate = _RATE_AFTER.match(text, end)
        if rate and (percent or money):
            end = rate.end()  # "3.6% per year", "$5 a day"
    else:
        season = _SEASON_BEFORE.search(text, max(0, start - 20), start)
        if season:
            start = season.start()  # "fall 2011"
    span_of = _RANGE_BEFORE.search(text, max(0, start - 30), start)
    if span_of and kind == "number":
        start = span_of.start()  # "between 39 and 48 percent", "60 to 100"
    qualifier = _QUALIFIER.search(text, max(0, start - 25), start)
    if qualifier:
        start = qualifier.start()
    return start, end, percent, money


def _after_name(text: str, start: int) -> bool:
    """Whether the number follows a capitalised word inside its sentence ("Flight 610",
    "Boeing 737"): a name's identifier, not an amount (a currency code excepted)."""
    before = text[max(0, start - 40) : start]
    if text[start : start + 1] in "$€£¥":
        return False  # "Martin Scorsese’s $170 million"
    m = _NAME_BEFORE.search(before)
    if not m:
        return False
    word = before[m.start() + 1 :].split()[0]
    return not (
        word in _NOT_A_NAME
        or _MONTH_WORD.match(word)
        or _QUALIFIER.search(word)  # "PREVALENCE Approximately 56.7 million"
        or fold(word) in STOPWORDS
        or re.search(r"[’']s$", word)  # "Scorsese's 170 films": whose, not which
    )


def _amount_after(question: Question, text: str, end: int) -> bool:
    """Whether a unit or the thing counted follows the number ("Mount Bogong 1,986 m",
    "Emirates 270 aircraft"): an amount, whatever comes before it."""
    if _UNIT_AFTER.match(text, end) or _MEASURE_UNIT.match(text, end):
        return True
    if _PERCENT_AFTER.match(text, end) or _SCALE_AFTER.match(text, end):
        return True
    head = _counted(question.text)
    following = re.findall(r"[^\W\d_]+", text[end : end + 30])[:1]
    return bool(head and following and _stem(following[0]) == head)


def _in_date(text: str, start: int, end: int) -> bool:
    """Whether a number is the day or year of a date ("December 29", "16 November")."""
    return bool(
        _MONTH_WORD.search(text[max(0, start - 12) : start]) or _MONTH_AFTER.match(text, end)
    )


def _not_a_count(text: str, start: int, end: int) -> bool:
    """Whether the number ``text[start:end]`` names or places something rather than
    counting it: a page, section or flight number ("page 12", "Flight 610"), a time of
    day ("9 p.m."), a code with a leading zero ("007") or one of digit groups side by
    side ("020 7946 0958"). A reader copies a bold figure as the count; any of these
    would be wrong."""
    word = text[start:end]
    if _LABEL_BEFORE.search(text, max(0, start - 14), start):
        return True
    if _CLOCK_AFTER.match(text, end):
        return True
    if re.match(r"0\d", word):
        return True
    if re.search(r"\w\($", text[max(0, start - 2) : start]):
        return True  # "article 19(2)": a subsection
    lo = start
    while lo > 0 and re.match(r"[\d ]", text[lo - 1]):
        lo -= 1
    hi = end
    while hi < len(text) and re.match(r"[\d ]", text[hi]):
        hi += 1
    # Digit groups side by side: a phone number or an identifier ("020 7946 0958"), unless
    # the number is the whole run, thousands written with spaces ("250 000").
    run = text[lo:hi].strip()
    return bool(re.fullmatch(r"\d+(?: \d+)+", run)) and run != word


def candidates(question: Question, text: str, start: int, end: int) -> list[Candidate]:
    """Numbers (or dates) of ``text[start:end]`` that may answer ``question``: not its
    own words, not a lone "half", "one" or "million", not the day of a date nor a year
    when an amount is asked, not inside a code, not on a short line. Offsets are into
    the whole ``text``."""
    kind = question.wanted
    if kind not in ("number", "date"):
        return []
    asked = question.own_words
    found: list[tuple[int, int]] = []
    if kind == "date":
        found = [m.span() for m in _DATE.finditer(text, start, end)]
        if not re.search(r"\b(?:year|month|date|decade|century)\b", question.text, re.I):
            # "Thursday morning", but not the "Sunday Night Football" of a title
            found += [
                m.span()
                for m in _WEEKDAY.finditer(text, start, end)
                if not re.match(r"\s+[A-Z]", text[m.end() :])
                and not re.search(r"[A-Z]\w*\s+$", text[max(0, m.start() - 20) : m.start()])
            ]
    else:
        extra = [m.span() for m in _EXTRA_NUMBER.finditer(text, start, end)]
        found = extra + [
            m.span()
            for m in _NUMBER.finditer(text, start, end)
            if not any(s <= m.start() < e or m.start() <= s < m.end() for s, e in extra)
        ]
    out = []
    for ms, me in sorted(found):
        raw = text[ms:me]
        word = raw.strip()
        if not word:
            continue
        s = ms + raw.find(word)
        e = s + len(word)
        spaced = _SPACED_THOUSANDS.match(text, s) if kind == "number" else None
        if spaced and spaced.end() > e and not re.search(r"\d\s?$", text[max(0, s - 2) : s]):
            e = spaced.end()  # "250 000" whole, not "250"
            word = text[s:e]
        folded = [fold(w) for w in re.findall(r"\w+", word)]
        if all(w in asked or w in STOPWORDS for w in folded):
            continue  # the question's own number is not its answer
        if kind == "number":
            if all(w in _VAGUE or w == "one" for w in folded):
                continue  # "half", "one of them", "millions": no amount
            if _YEAR.match(word) or _in_date(text, s, e):
                continue  # a year or a day is when, not how many or how much
        if _inside_code(text, s, e):
            continue
        if kind == "number" and _after_name(text, s) and not _amount_after(question, text, e):
            continue  # "Lion Air Flight 043": which flight, not how many
        if kind == "number" and re.match(r"\d", word) and _not_a_count(text, s, e):
            continue  # "page 12", "9 p.m.", "020 7946": which one or when, not how many
        if word == "May" and not re.search(
            r"\b(?:in|of|since|until|from|by|early|late|mid)\s+$", text[max(0, s - 8) : s]
        ):
            continue  # "May" alone is more often the verb than the month
        if _line_words(text, s) < MIN_LINE_WORDS:
            continue  # a page header, a caption, a table cell
        ws, we, percent, money = _widen(text, s, e, kind)
        out.append(Candidate(max(ws, start), min(we, end), s, e, percent, money))
    return out


def has_figure(question: Question, text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds any number but the question's own and years
    ("one", "half" and "millions" count here): a passage without one cannot tell "how
    many"."""
    asked = question.own_words
    for pattern in (_EXTRA_NUMBER, _NUMBER):
        for m in pattern.finditer(text, start, end):
            word = m.group(0).strip()
            folded = [fold(w) for w in re.findall(r"\w+", word)]
            if not word or all(w in asked or w in STOPWORDS for w in folded):
                continue
            if not _YEAR.match(word) and not _in_date(text, m.start(), m.end()):
                return True
    return False


def _years(text: str) -> set[str]:
    return {t for t in re.findall(r"\b\d{4}\b", text) if _YEAR.match(t)}


def _stem(word: str) -> str:
    return stems([fold(word)])[0]


def _counted(question: str) -> str | None:
    """The stem of the thing a "how many" question counts: of the words after "how
    many" up to a stopword or a past tense ("North Korean troops arrived"), the last
    plural one, else the last ("academic staff"). A past participle before any plural
    describes the thing rather than ending it ("better trained soldiers")."""
    m = _COUNTED.search(question)
    if not m:
        return None
    thing: list[str] = []
    for w in re.findall(r"\w+", m.group("thing"))[:4]:
        if fold(w) in STOPWORDS or len(thing) == 3:
            break
        if thing and w.endswith("ed"):
            if any(_is_plural(t) for t in thing):
                break
            continue
        thing.append(w)
    if not thing:
        return None
    plural = [w for w in thing if _is_plural(w)]
    return _stem((plural or thing)[-1])


def _is_plural(word: str) -> bool:
    return word.endswith("s") and not word.endswith("ss")


def _counted_forms(head: str) -> tuple[frozenset[str], frozenset[str]]:
    """The stems that say the thing ``head`` counts ("troop" for "soldier") and those
    that say a kind of it ("offic"), from the small table above."""
    for group in _SAME_COUNTED:
        if head in group:
            return group, _KIND_OF_COUNTED[group]
    return frozenset({head}), frozenset()


# Words between a number and what it counts: "14 of the soldiers", "500 of their men".
_COUNT_LINK = frozenset("of the their its his her these those our your".split())
_PLURAL_WORDS = frozenset(stems("people men women children personnel police".split()))


def _counted_phrase(text: str, end: int) -> list[str]:
    """The words a number counts, right after it and in its clause: up to three words
    before a stopword, "of the" passed over, and on past "and"/"or" unless another
    number follows ("3,000 North Korean troops"; "14 of the men" -> ["men"]; "500
    officers and members of the Storm Corps" -> ["officers", "members"]; "3,000 troops
    and 40 tanks" -> ["troops"]). Empty when none follows ("rose to 14.")."""
    after = re.split(r"[,;:.()“”\"–—!?]", text[end : end + 60], maxsplit=1)[0]
    words = re.findall(r"[^\W_]+", after)
    while words and fold(words[0]) in _COUNT_LINK:
        words = words[1:]
    out: list[str] = []
    for w in words:
        if re.search(r"\d", w) or len(out) == 3:
            break
        if fold(w) in ("and", "or") and out:
            continue
        if fold(w) in STOPWORDS:
            break
        out.append(w)
    return out


def _plural(word: str) -> bool:
    """Whether ``word`` is a plural noun by its shape ("tanks", "vehicles", "men"), the
    thing a number before it counts."""
    w = fold(word)
    return (len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is"))) or (
        _stem(w) in _PLURAL_WORDS
    )


def _name_stems(question: str) -> set[str]:
    """The stems of the question's names: its words after the first that begin with a
    capital ("PDF.js", "Ludwig Kreuzberg")."""
    out: set[str] = set()
    for i, token in enumerate(question.split()):
        if i and token[:1].isupper():
            out.update(_stem(w) for w in re.findall(r"\w+", token))
    return out


def _clause(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """The clause of ``text[lo:hi]`` around ``text[start:end]``: between punctuation
    or "while", "but" (the figure's own statement, not its neighbour's)."""
    left = lo
    for m in _CLAUSE_BREAK.finditer(text, lo, start):
        left = m.end()
    right = _CLAUSE_BREAK.search(text, end, hi)
    return left, right.start() if right else hi


def _score(question: Question, text: str, cand: Candidate, lo: int, hi: int) -> float:
    """How plainly the words around ``cand`` make it the answer to ``question``: the
    question's other words in its clause, the thing counted after it, the year asked
    beside it, "from"/"until" before it, a percent or currency when one is asked."""
    qtext = question.text
    qwords = [w for w in re.findall(r"\w+", qtext)]
    head = _counted(qtext)
    rest = {
        _stem(w)
        for w in qwords
        if fold(w) not in STOPWORDS and fold(w) not in _WH and not _YEAR.match(w)
    } - {head}
    cs, ce = _clause(text, cand.core_start, cand.core_end, lo, hi)
    clause = {_stem(w) for w in re.findall(r"\w+", text[cs:ce])}
    names = _name_stems(qtext) - {head}
    if not rest - names and not head:
        names = set()  # "When are the Oscars?": the name is all there is to go by
    # A name says which thing (the span is about it already); the other words say
    # which fact of it: "included in Firefox since 2012" is not "enabled by default".
    score = sum(NAME_WEIGHT if w in names else 1.0 for w in rest & clause)
    sent_lo = lo
    for m in _SENTENCE_START.finditer(text, lo, cand.core_start):
        sent_lo = m.end()
    stop = _SENTENCE_START.search(text, cand.core_end, hi)
    sentence = {_stem(w) for w in re.findall(r"\w+", text[sent_lo : stop.start() if stop else hi])}
    # The figure's sentence outside its clause: "Among 48 subjects receiving placebo, 29
    # developed new tumors" is the placebo group's count.
    score += SENTENCE_WEIGHT * sum(
        NAME_WEIGHT if w in names else 1.0 for w in (rest & sentence) - clause
    )
    if _CHANGE_ASKED.search(qtext) and not (rest - _CHANGE_VERBS - names) & clause:
        # "By how much could hibernation reduce the spacecraft's mass?": "reduce… the
        # metabolic rate by 75%" changes something else.
        return score - 10.0
    if _PART_ASKED.search(qtext) and rest - names and not (rest - names) & sentence:
        # "How many of the soldiers are better trained?": the part is said by its own
        # words; "over 7,000 North Korean soldiers" equipped is all of them, not it.
        return score - 10.0
    if head:
        following = re.findall(r"[^\W\d_]+", text[cand.end : cand.end + 40])[:4]
        after = [_stem(w) for w in following]
        before = re.findall(r"[^\W\d_]+", text[cs : cand.start])[-4:]
        same, kinds = _counted_forms(head)
        counted = _counted_phrase(text, cand.end)
        counted_stems = {_stem(w) for w in counted}
        if counted_stems & same:
            score += 1.0  # "3,000 troops", "10,000 North Korean soldiers", "14 of the men"
        elif counted_stems & kinds and rest & {
            _stem(w) for w in re.findall(r"\w+", text[cand.end : stop.start() if stop else hi])
        }:
            # "around 500 officers …, who are slightly better trained" for "how many
            # soldiers are better trained": a kind of them, said after it to be the part
            # asked about. Without it, a part of the soldiers is not their count.
            score += 0.5
        elif (
            counted
            and _plural(counted[-1])
            and not counted_stems & rest
            and not re.match(r"\s+of\b", text[cand.end :])
        ):
            # "troops and 40 tanks": 40 counts tanks, whatever precedes it. Not "123 of
            # the planes": the planes named again, as the A380s asked about may be.
            score -= 10.0
        elif head in after or head in [_stem(w) for w in before]:
            score += 1.0  # "88 wolves", "the total of commercial providers to 14"
        elif following and fold(following[0]) not in STOPWORDS and _stem(following[0]) not in rest:
            score -= 10.0  # "four rounds" counts rounds, not the people asked about
        elif head in clause:
            score += 0.5
    # The year asked for beside it, not another year.
    asked_years = _years(qtext)
    if asked_years:
        tokens = list(_TOKEN.finditer(text, lo, hi))
        at = next((i for i, t in enumerate(tokens) if t.end() > cand.core_start), len(tokens))
        near = [
            (abs(i - at), t.group(0))
            for i, t in enumerate(tokens)
            if _YEAR.match(t.group(0)) and not (cand.core_start <= t.start() < cand.core_end)
        ]
        if near:
            to_asked = min((d for d, y in near if y in asked_years), default=len(tokens))
            to_other = min((d for d, y in near if y not in asked_years), default=len(tokens))
            # A figure nearer another year is that year's figure, not the one asked for.
            score += 2.0 if to_asked <= to_other else -5.0
    lowered = {fold(w) for w in qwords}
    if (
        question.wanted == "number"
        and re.search(r"\bby\s*$", text[max(lo, cand.start - 4) : cand.start], re.I)
        and not re.search(r"\bby\s+how\b", qtext, re.I)
    ):
        score -= 3.0  # "expanded by five" is a change; "how many" asks for the total
    if question.wanted == "date":
        # "When does it begin?" wants the date after "from", not the one after "until".
        marks = {
            fold(w)
            for w in _TOKEN.findall(text[max(lo, cand.core_start - 20) : cand.core_start])[-3:]
        }
        begin, end = bool(lowered & _BEGIN_WORDS), bool(lowered & _END_WORDS)
        marks_begin, marks_end = bool(marks & _BEGIN_MARKS), bool(marks & _END_MARKS)
        if begin != end:
            if (begin and marks_begin) or (end and marks_end):
                score += 1.5
            if (begin and marks_end) or (end and marks_begin):
                score -= 2.5
            # The sentence's own words before it: "set to begin shutting off power
            # Wednesday" is when something begins, not when the weather eases.
            sent = lo
            for m in _SENTENCE_START.finditer(text, lo, cand.core_start):
                sent = m.end()
            said = {fold(w) for w in re.findall(r"\w+", text[sent : cand.core_start])}
            says_begin, says_end = bool(said & _BEGIN_WORDS), bool(said & _END_WORDS)
            if (begin and says_end and not says_begin) or (end and says_begin and not says_end):
                score -= 2.5
            elif not (marks_begin or marks_end or says_begin or says_end):
                score -= 0.5  # nothing says it begins or ends then
        return score
    how_much = bool(re.search(r"\bhow\s+much\b", qtext, re.I))
    counts = bool(_COUNT_ASKED.search(qtext))
    if _CHANGE_ASKED.search(qtext) and re.search(
        r"\bby\s*$", text[max(lo, cand.start - 4) : cand.start], re.I
    ):
        score += 1.0  # "increased by 2.2 million from 54.4 million": the change
    if _DURATION_ASKED.search(qtext):
        # "ten years", not "200 feet"
        return score + (1.0 if _TIME_UNIT.match(text, cand.core_end) else -10.0)
    if _PERCENT_ASKED.search(qtext) and not counts:
        # "What percentage" is never a count ("one in five" palms); a "share" or "rate"
        # may be said otherwise.
        strict = re.search(r"percent|per\s+cent|%", qtext, re.I)
        score += 1.5 if cand.percent else (-10.0 if strict else -3.0)
    elif how_much and _MONEY_ASKED.search(qtext):
        score += 1.5 if cand.money else -1.5
    elif _MEASURE.search(qtext):
        score += (
            1.0
            if _MEASURE_UNIT.match(text, cand.core_end)
            or "-" in text[cand.core_start : cand.core_end]
            else -1.0
        )
    elif cand.percent and (counts or not how_much):
        score -= 2.0  # "how many" counts things, not a share of them
    return score


def short_answer(question: Question, text: str, start: int, end: int) -> Span | None:
    """The words of ``text[start:end]`` that answer ``question`` (a number or a date),
    or None when none does plainly or two candidates are alike. Places and names are
    not guessed: which of a sentence's names is the answer takes more than its shape
    (measured: a quarter of SQuAD's "where" short answers shared no word with the gold)."""
    found_all = candidates(question, text, start, end)
    if not found_all:
        return None
    scored = sorted(
        ((_score(question, text, c, start, end), c) for c in found_all),
        key=lambda sc: -sc[0],
    )
    best_score, best = scored[0]
    if best_score < MIN_EVIDENCE:
        return None  # no word of the question beside it: a figure of something else
    for other_score, other in scored[1:]:
        same = text[other.core_start : other.core_end] == text[best.core_start : best.core_end]
        if not same and best_score - other_score < CLOSE_MARGIN:
            return None  # two different answers, equally likely: a guess
    s, e = best.start, best.end
    if question.wanted == "number":
        unit_end = None
        if _MEASURE.search(question.text):  # "how old": "50,000 years old"
            unit = _UNIT_AFTER.match(text, e)
            if unit:
                old = re.compile(r"\s+old\b").match(text, unit.end())
                unit_end = old.end() if old else unit.end()
        elif re.search(r"\bhow\s+much\b", question.text, re.I) and not best.money:
            unit = _MEASURE_UNIT.match(text, e)  # "16 million metric tons"
            unit_end = unit.end() if unit else None
        head = _counted(question.text)
        counted = _MEASURE_UNIT.match(text, e)
        if unit_end is None and head and counted and _stem(counted.group(0).strip()) == head:
            unit_end = counted.end()  # "how many years": "51 years"
        if unit_end is not None and unit_end <= end:
            e = unit_end
    return Span(s, e)
