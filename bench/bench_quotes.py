"""Score quotation extraction (qa.quotes.extract_quotes) on hand-labelled news articles.

    .venv/bin/python bench/bench_quotes.py              # score qa.quotes, print a report
    .venv/bin/python bench/bench_quotes.py --json       # the same figures as one JSON object
    .venv/bin/python bench/bench_quotes.py --baseline   # score a naive regex extractor instead
    .venv/bin/python bench/bench_quotes.py --self-test  # check this scorer against stand-ins

The set is bench/quotes/ (articles/*.txt and labels.jsonl, see bench/quotes/README.md):
fictional news articles with every quotation-mark span labelled with its content offsets
(without the marks), its speaker (null for scare quotes, titles and genuinely ambiguous
attributions) and its kind (full, partial, scare).

It measures:
- quote detection: precision and recall of predicted spans. A prediction matches a gold
  quote when their spans overlap by at least 50% of the longer of the two (one-to-one,
  largest overlap first). Also reported without the scare quotes/titles.
- speaker attribution on matched quotes: precision = correct non-null speakers / predicted
  non-null speakers, recall = correct non-null speakers / gold non-null speakers, and the
  guess rate: how often a quote whose gold speaker is null (scare quote, title, ambiguous
  "he said") was given a speaker. A speaker is correct when, case-folded, without titles
  (President, Dr, Mr, Mrs, Ms, Sen., ...) and a leading article, it equals the gold speaker
  or one of its speaker_forms, or, for people, when its last word equals the gold's last
  word (unless another person in the same article has that surname).
- the same per kind and per attribution form (the labels' tags), and a list of errors
  (missed quotes, spurious quotes, wrong/missing/guessed speakers) for developers.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

HERE = Path(__file__).parent
SET_DIR = HERE / "quotes"
MIN_OVERLAP = 0.5

TITLES = set(
    """
    president vice prime minister dr doctor mr mrs ms miss mx sir dame lord lady sen
    senator rep representative gov governor mayor judge justice councilman councilwoman
    councillor councilor professor prof coach rev reverend gen general col capt captain
    sgt det officer chief executive deputy foreign assistant attorney u.s us
    """.split()
)
ARTICLES = {"the", "a", "an"}
# attribution-form tags of the labels (bench/quotes/README.md), in report order
TAG_ORDER = """
    after before cont context name pronoun org desc inverted colon according as-put told
    wrote says statement spokesperson split multi nested name-in-quote headline reported
    ambiguous scare so-called title nickname term
    """.split()


class QuoteLike(Protocol):
    """What an extractor returns per quotation: content offsets and a speaker or None."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def speaker(self) -> str | None: ...


Extractor = Callable[[str], Sequence[QuoteLike]]


@dataclass(frozen=True)
class Gold:
    article: str
    start: int
    end: int
    quote: str
    speaker: str | None
    speaker_forms: tuple[str, ...]
    kind: str
    note: str
    speaker_type: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Pred:
    start: int
    end: int
    speaker: str | None


@dataclass(frozen=True)
class Pair:
    gold: Gold
    pred: Pred


@dataclass
class ArticleResult:
    article: str
    text: str
    pairs: list[Pair]
    missed: list[Gold]
    spurious: list[Pred]


def load_set(set_dir: Path = SET_DIR) -> tuple[dict[str, str], list[Gold]]:
    """Articles by file name and the gold labels, checking every label against its text."""
    texts = {
        p.name: p.read_text(encoding="utf-8") for p in sorted((set_dir / "articles").glob("*.txt"))
    }
    golds: list[Gold] = []
    with (set_dir / "labels.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            gold = Gold(
                article=row["article"],
                start=row["start"],
                end=row["end"],
                quote=row["quote"],
                speaker=row["speaker"],
                speaker_forms=tuple(row.get("speaker_forms") or ()),
                kind=row["kind"],
                note=row.get("note", ""),
                speaker_type=row.get("speaker_type"),
                tags=tuple(row.get("tags") or ()),
            )
            text = texts[gold.article]
            if text[gold.start : gold.end] != gold.quote:
                raise ValueError(f"label does not match its text: {gold.article}:{gold.start}")
            golds.append(gold)
    return texts, golds


def overlap_ratio(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Overlap of two spans as a fraction of the longer one."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    longer = max(a[1] - a[0], b[1] - b[0], 1)
    return max(inter, 0) / longer


def match(
    golds: Sequence[Gold], preds: Sequence[Pred]
) -> tuple[list[Pair], list[Gold], list[Pred]]:
    """One-to-one matching, largest overlap first, of spans overlapping >= MIN_OVERLAP."""
    candidates = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            share = overlap_ratio((g.start, g.end), (p.start, p.end))
            if share >= MIN_OVERLAP:
                candidates.append((-share, gi, pi))
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs: list[Pair] = []
    for _, gi, pi in candidates:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append(Pair(golds[gi], preds[pi]))
    pairs.sort(key=lambda pair: pair.gold.start)
    missed = [g for gi, g in enumerate(golds) if gi not in used_g]
    spurious = [p for pi, p in enumerate(preds) if pi not in used_p]
    return pairs, missed, spurious


def normalise(name: str) -> str:
    """Case-folded, accents and punctuation removed, titles and a leading article dropped."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch))
    name = name.replace("’", "'").replace("‘", "'").casefold()
    name = re.sub(r"[^\w\s'.-]", " ", name)
    words = [w.strip(".'") for w in name.split()]
    words = [w for w in words if w]
    while words and (words[0] in ARTICLES or words[0] in TITLES):
        words.pop(0)
    return " ".join(words)


def shared_surnames(golds: Iterable[Gold]) -> dict[str, set[str]]:
    """Per article, the last names borne by more than one gold person."""
    people: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for g in golds:
        if g.speaker and g.speaker_type == "person":
            full = normalise(g.speaker)
            people[g.article][full.split()[-1]].add(full)
    return {
        art: {last for last, names in by_last.items() if len(names) > 1}
        for art, by_last in people.items()
    }


def speaker_correct(predicted: str, gold: Gold, shared: set[str]) -> bool:
    """Whether a predicted speaker names the gold speaker (see the module docstring)."""
    if gold.speaker is None:
        return False
    pred = normalise(predicted)
    if not pred:
        return False
    forms = {normalise(gold.speaker), *(normalise(f) for f in gold.speaker_forms)}
    if pred in forms:
        return True
    if gold.speaker_type != "person":
        return False
    gold_last = normalise(gold.speaker).split()[-1]
    return pred.split()[-1] == gold_last and gold_last not in shared


def run(extractor: Extractor, texts: dict[str, str], golds: Sequence[Gold]) -> list[ArticleResult]:
    by_article: dict[str, list[Gold]] = defaultdict(list)
    for g in golds:
        by_article[g.article].append(g)
    results = []
    for name, text in texts.items():
        preds = [Pred(int(q.start), int(q.end), q.speaker) for q in extractor(text)]
        pairs, missed, spurious = match(by_article.get(name, []), preds)
        results.append(ArticleResult(name, text, pairs, missed, spurious))
    return results


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def f1(p: float | None, r: float | None) -> float | None:
    if not p or not r:
        return 0.0 if p is not None and r is not None else None
    return round(2 * p * r / (p + r), 4)


def speaker_counts(pairs: Iterable[Pair], shared: dict[str, set[str]]) -> dict[str, int]:
    c = {"pred_nonnull": 0, "gold_nonnull": 0, "correct": 0, "gold_null": 0, "guesses": 0}
    for pair in pairs:
        g, p = pair.gold, pair.pred
        if p.speaker:
            c["pred_nonnull"] += 1
        if g.speaker is None:
            c["gold_null"] += 1
            c["guesses"] += bool(p.speaker)
            continue
        c["gold_nonnull"] += 1
        if p.speaker and speaker_correct(p.speaker, g, shared.get(g.article, set())):
            c["correct"] += 1
    return c


def group_row(golds: Sequence[Gold], pairs: Sequence[Pair], shared: dict[str, set[str]]) -> dict:
    c = speaker_counts(pairs, shared)
    gold_nonnull_all = sum(1 for g in golds if g.speaker is not None)
    return {
        "gold": len(golds),
        "detected": len(pairs),
        "detection_recall": ratio(len(pairs), len(golds)),
        "speaker_precision": ratio(c["correct"], c["pred_nonnull"]),
        "speaker_recall": ratio(c["correct"], c["gold_nonnull"]),
        "speaker_recall_end_to_end": ratio(c["correct"], gold_nonnull_all),
        "gold_null_detected": c["gold_null"],
        "guesses": c["guesses"],
    }


def snippet(text: str, start: int, end: int, width: int = 60) -> str:
    s = text[start:end].replace("\n", " ⏎ ")
    return s if len(s) <= width else s[: width - 1] + "…"


def summarise(results: Sequence[ArticleResult], golds: Sequence[Gold]) -> dict[str, Any]:
    shared = shared_surnames(golds)
    pairs = [p for r in results for p in r.pairs]
    n_pred = sum(len(r.pairs) + len(r.spurious) for r in results)
    n_gold = len(golds)
    tp = len(pairs)
    det_p, det_r = ratio(tp, n_pred), ratio(tp, n_gold)

    # without scare quotes: gold scare spans leave the gold set, predictions matching them
    # are ignored (neither right nor wrong)
    tp_ns = sum(1 for p in pairs if p.gold.kind != "scare")
    pred_ns = n_pred - sum(1 for p in pairs if p.gold.kind == "scare")
    gold_ns = sum(1 for g in golds if g.kind != "scare")
    ns_p, ns_r = ratio(tp_ns, pred_ns), ratio(tp_ns, gold_ns)

    c = speaker_counts(pairs, shared)
    sp_p, sp_r = ratio(c["correct"], c["pred_nonnull"]), ratio(c["correct"], c["gold_nonnull"])
    gold_nonnull_all = sum(1 for g in golds if g.speaker is not None)

    null_scare = [p for p in pairs if p.gold.speaker is None and p.gold.kind == "scare"]
    null_amb = [p for p in pairs if p.gold.speaker is None and p.gold.kind != "scare"]

    by_kind = {}
    for kind in ("full", "partial", "scare"):
        kg = [g for g in golds if g.kind == kind]
        by_kind[kind] = group_row(kg, [p for p in pairs if p.gold.kind == kind], shared)
    present = {t for g in golds for t in g.tags}
    tags = [t for t in TAG_ORDER if t in present] + sorted(present - set(TAG_ORDER))
    by_tag = {}
    for tag in tags:
        tg = [g for g in golds if tag in g.tags]
        by_tag[tag] = group_row(tg, [p for p in pairs if tag in p.gold.tags], shared)

    errors: list[dict[str, Any]] = []
    for r in results:
        for g in r.missed:
            errors.append(
                {
                    "type": "missed",
                    "article": r.article,
                    "start": g.start,
                    "kind": g.kind,
                    "gold_speaker": g.speaker,
                    "predicted_speaker": None,
                    "quote": snippet(r.text, g.start, g.end),
                }
            )
        for p in r.spurious:
            errors.append(
                {
                    "type": "spurious",
                    "article": r.article,
                    "start": p.start,
                    "kind": None,
                    "gold_speaker": None,
                    "predicted_speaker": p.speaker,
                    "quote": snippet(r.text, p.start, p.end),
                }
            )
        for pair in r.pairs:
            g, p = pair.gold, pair.pred
            if g.speaker is None:
                if not p.speaker:
                    continue
                kind = "guess"
            elif not p.speaker:
                kind = "no_speaker"
            elif speaker_correct(p.speaker, g, shared.get(g.article, set())):
                continue
            else:
                kind = "wrong_speaker"
            errors.append(
                {
                    "type": kind,
                    "article": r.article,
                    "start": g.start,
                    "kind": g.kind,
                    "gold_speaker": g.speaker,
                    "predicted_speaker": p.speaker,
                    "quote": snippet(r.text, g.start, g.end),
                    "note": g.note,
                }
            )
    errors.sort(key=lambda e: (e["article"], e["start"]))

    return {
        "articles": len(results),
        "gold_quotes": n_gold,
        "predicted_quotes": n_pred,
        "match_rule": f"spans overlap by >= {MIN_OVERLAP:.0%} of the longer span, one-to-one",
        "detection": {"matched": tp, "precision": det_p, "recall": det_r, "f1": f1(det_p, det_r)},
        "detection_without_scare": {
            "matched": tp_ns,
            "precision": ns_p,
            "recall": ns_r,
            "f1": f1(ns_p, ns_r),
        },
        "speaker": {
            "matched_quotes": tp,
            "predicted_nonnull": c["pred_nonnull"],
            "gold_nonnull": c["gold_nonnull"],
            "correct": c["correct"],
            "precision": sp_p,
            "recall": sp_r,
            "f1": f1(sp_p, sp_r),
            "recall_end_to_end": ratio(c["correct"], gold_nonnull_all),
            "gold_null_matched": c["gold_null"],
            "guesses": c["guesses"],
            "guess_rate": ratio(c["guesses"], c["gold_null"]),
            "guesses_on_scare": sum(1 for p in null_scare if p.pred.speaker),
            "scare_matched": len(null_scare),
            "guesses_on_ambiguous": sum(1 for p in null_amb if p.pred.speaker),
            "ambiguous_matched": len(null_amb),
        },
        "by_kind": by_kind,
        "by_tag": by_tag,
        "error_counts": {
            t: sum(1 for e in errors if e["type"] == t)
            for t in ("missed", "spurious", "wrong_speaker", "no_speaker", "guess")
        },
        "errors": errors,
    }


def fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def print_report(s: dict[str, Any], max_errors: int | None) -> None:
    d, n, sp = s["detection"], s["detection_without_scare"], s["speaker"]
    print(
        f"Quotes: {s['gold_quotes']} gold in {s['articles']} articles, "
        f"{s['predicted_quotes']} predicted"
    )
    print(f"Match rule: a predicted quote matches a gold one when {s['match_rule']}.")
    print()
    print("Quote detection              precision  recall   F1")
    for label, row in (("all labelled spans", d), ("without scare/titles", n)):
        print(f"  {label:27}{fmt(row['precision'])}      {fmt(row['recall'])}    {fmt(row['f1'])}")
    print()
    print(f"Speaker attribution on the {sp['matched_quotes']} matched quotes")
    print(
        f"  precision {fmt(sp['precision'])} ({sp['correct']}/{sp['predicted_nonnull']} "
        "predicted speakers correct)"
    )
    print(
        f"  recall    {fmt(sp['recall'])} ({sp['correct']}/{sp['gold_nonnull']} "
        "gold speakers found)"
    )
    print(
        f"  end-to-end recall {fmt(sp['recall_end_to_end'])} "
        "(correct / all gold speakers, detection included)"
    )
    print(
        f"  guesses: {sp['guesses']}/{sp['gold_null_matched']} null-speaker quotes got a speaker "
        f"(scare/titles {sp['guesses_on_scare']}/{sp['scare_matched']}, "
        f"ambiguous {sp['guesses_on_ambiguous']}/{sp['ambiguous_matched']})"
    )
    print(
        "  (correct = same as the gold speaker or one of its forms after case-folding and "
        "removing titles, or the same last word for a person)"
    )
    print()
    header = f"{'':22}{'gold':>5}{'found':>6}{'det R':>7}{'spk P':>7}{'spk R':>7}{'guess':>6}"

    def table(title: str, rows: dict[str, dict]) -> None:
        print(title)
        print(header)
        for name, row in rows.items():
            print(
                f"  {name:20}{row['gold']:>5}{row['detected']:>6}"
                f"{fmt(row['detection_recall']):>7}{fmt(row['speaker_precision']):>7}"
                f"{fmt(row['speaker_recall']):>7}{row['guesses']:>6}"
            )
        print()

    table("By kind", s["by_kind"])
    table("By attribution form (tags; a quote can have several)", s["by_tag"])
    counts = ", ".join(f"{k} {v}" for k, v in s["error_counts"].items())
    print(f"Errors: {counts}")
    errors = s["errors"] if max_errors is None else s["errors"][:max_errors]
    for e in errors:
        who = f"gold={e['gold_speaker']!r} predicted={e['predicted_speaker']!r}"
        print(f"  {e['type']:13} {e['article']}:{e['start']:<5} {who}")
        print(f"  {'':13} “{e['quote']}”")
    if max_errors is not None and len(s["errors"]) > max_errors:
        print(f"  ... {len(s['errors']) - max_errors} more (--errors 0 for all)")


# --- stand-ins, for --self-test and --baseline ------------------------------------------


def oracle_extractor(golds: Sequence[Gold], texts: dict[str, str]) -> Extractor:
    """Returns the gold labels themselves."""
    by_text: dict[str, list[Pred]] = defaultdict(list)
    for g in golds:
        by_text[texts[g.article]].append(Pred(g.start, g.end, g.speaker))
    return lambda text: by_text[text]


NAME = r"((?:[A-Z][\w’'.-]+\s){0,3}[A-Z][\w’'-]+)"
AFTER = re.compile(
    r"^\W{0,3}\s*(?:said|says|added)\s+"
    + NAME
    + r"|^\W{0,3}\s*"
    + NAME
    + r"\s+(?:said|says|added|wrote)"
)
BEFORE = re.compile(NAME + r"\s+(?:said|says|added|told reporters)[^.“\"]{0,40}:\s*$")


def naive_extractor(text: str) -> list[Pred]:
    """A deliberately simple floor: pair “ ” (or straight ") marks, name after/before."""
    preds = []
    for m in re.finditer(r"“([^”]+)”|(?<![\d\w])\"([^\"\n]+)\"", text):
        start, end = (m.start(1), m.end(1)) if m.group(1) is not None else (m.start(2), m.end(2))
        if text[end - 1] == ",":
            end -= 1
        after = AFTER.search(text[m.end() : m.end() + 60])
        before = BEFORE.search(text[max(0, m.start() - 80) : m.start()])
        speaker = None
        if after:
            speaker = after.group(1) or after.group(2)
        elif before:
            speaker = before.group(1)
        preds.append(Pred(start, end, speaker))
    return preds


def self_test(texts: dict[str, str], golds: Sequence[Gold]) -> None:
    """Check the scorer on stand-in extractors whose scores are known in advance."""
    n = len(golds)
    nonnull = [g for g in golds if g.speaker is not None]
    null = [g for g in golds if g.speaker is None]

    # 1. the gold labels score 1.0 everywhere, with no guesses and no errors
    s = summarise(run(oracle_extractor(golds, texts), texts, golds), golds)
    assert s["detection"]["precision"] == s["detection"]["recall"] == 1.0, s["detection"]
    assert s["speaker"]["precision"] == s["speaker"]["recall"] == 1.0, s["speaker"]
    assert s["speaker"]["guesses"] == 0 and not s["errors"], s["errors"][:3]
    assert all(row["detection_recall"] == 1.0 for row in s["by_kind"].values())
    print(f"ok  oracle: {n} quotes, detection P=R=1, speaker P=R=1, 0 guesses, 0 errors")

    # 2. spans that include the quotation marks and the trailing comma still match
    wide = [replace(g, start=g.start - 1, end=g.end + 2) for g in golds]
    s = summarise(run(oracle_extractor(wide, texts), texts, golds), golds)
    assert s["detection"]["recall"] == 1.0 and s["speaker"]["recall"] == 1.0, s["detection"]
    print("ok  spans widened by the marks still match")

    # 3. surname-only, titled and upper-cased speakers are accepted
    def variant(g: Gold) -> Gold:
        if g.speaker_type != "person" or g.speaker is None:
            return g
        return replace(g, speaker="Dr. " + g.speaker.split()[-1].upper())

    s = summarise(run(oracle_extractor([variant(g) for g in golds], texts), texts, golds), golds)
    shared = shared_surnames(golds)
    bad = [
        g
        for g in golds
        if g.speaker_type == "person"
        and g.speaker
        and g.speaker.split()[-1].casefold() in shared.get(g.article, set())
        and normalise(g.speaker.split()[-1]) not in {normalise(f) for f in g.speaker_forms}
    ]
    assert s["speaker"]["correct"] == len(nonnull) - len(bad), (s["speaker"], len(bad))
    print(f"ok  'Dr. SURNAME' accepted for people ({len(bad)} refused: surname shared)")

    # 4. known damage: drop every 4th quote, invent a speaker for every null, get every 3rd
    #    non-null speaker wrong, add one spurious quote per article
    kept = [g for i, g in enumerate(golds) if i % 4 != 0]
    damaged = []
    wrong = 0
    for i, g in enumerate(kept):
        if g.speaker is None:
            damaged.append(replace(g, speaker="Somebody Else"))
        elif i % 3 == 0:
            damaged.append(replace(g, speaker="Nobody Atall"))
            wrong += 1
        else:
            damaged.append(g)
    extra = [replace(golds[0], article=a, start=0, end=8, speaker=None) for a in texts]
    got = {g.article: (g.start, g.end) for g in extra}
    assert all(overlap_ratio(got[g.article], (g.start, g.end)) < MIN_OVERLAP for g in golds), (
        "spurious span overlaps a gold one"
    )
    s = summarise(run(oracle_extractor(damaged + extra, texts), texts, golds), golds)
    kept_nonnull = sum(1 for g in kept if g.speaker is not None)
    kept_null = len(kept) - kept_nonnull
    assert s["detection"]["recall"] == ratio(len(kept), n), s["detection"]
    assert s["detection"]["precision"] == ratio(len(kept), len(kept) + len(texts))
    assert s["speaker"]["correct"] == kept_nonnull - wrong
    assert s["speaker"]["predicted_nonnull"] == len(kept)
    assert s["speaker"]["precision"] == ratio(kept_nonnull - wrong, len(kept))
    assert s["speaker"]["recall"] == ratio(kept_nonnull - wrong, kept_nonnull)
    assert s["speaker"]["guesses"] == kept_null and s["speaker"]["guess_rate"] == 1.0
    assert s["error_counts"] == {
        "missed": n - len(kept),
        "spurious": len(texts),
        "wrong_speaker": wrong,
        "no_speaker": 0,
        "guess": kept_null,
    }, s["error_counts"]
    print(
        f"ok  damaged: recall {s['detection']['recall']}, precision "
        f"{s['detection']['precision']}, speaker P {s['speaker']['precision']} "
        f"R {s['speaker']['recall']}, guesses {kept_null}/{kept_null}"
    )

    # 5. a quote split into its paragraphs matches at most once; half a span does not match
    multi = [g for g in golds if "\n" in g.quote]
    assert multi, "the set should have multi-paragraph quotes"
    pieces = []
    for g in golds:
        if "\n" not in g.quote:
            pieces.append(g)
            continue
        offset = g.start
        for part in g.quote.split("\n"):
            part_start = offset + (1 if part.startswith(("“", "‘", '"')) else 0)
            pieces.append(replace(g, start=part_start, end=offset + len(part)))
            offset += len(part) + 1
    s = summarise(run(oracle_extractor(pieces, texts), texts, golds), golds)
    longest_half = sum(
        1
        for g in multi
        if max(len(p) for p in g.quote.split("\n")) >= MIN_OVERLAP * (g.end - g.start)
    )
    assert s["detection"]["matched"] == n - len(multi) + longest_half, s["detection"]
    g0 = nonnull[0]
    half = [Pred(g0.start, g0.start + (g0.end - g0.start) // 2 - 1, g0.speaker)]
    assert not match([g0], half)[0], "a prediction covering under half the quote matched"
    print(f"ok  multi-paragraph quotes split into paragraphs: {longest_half}/{len(multi)} match")

    # 6. an extractor that finds nothing, and the naive floor, run without errors
    s = summarise(run(lambda text: [], texts, golds), golds)
    assert s["detection"]["recall"] == 0.0 and s["detection"]["precision"] is None
    assert s["error_counts"]["missed"] == n
    s = summarise(run(naive_extractor, texts, golds), golds)
    assert 0 < s["detection"]["recall"] < 1 and 0 < s["speaker"]["correct"] < len(nonnull)
    print(
        f"ok  naive regex floor: detection P {s['detection']['precision']} "
        f"R {s['detection']['recall']}, speaker P {s['speaker']['precision']} "
        f"R {s['speaker']['recall']}, guesses {s['speaker']['guesses']}/"
        f"{s['speaker']['gold_null_matched']} (of {len(null)} null speakers)"
    )
    print("self-test passed")


def load_extractor() -> Extractor:
    try:
        from qa.quotes import extract_quotes
    except ImportError as exc:
        sys.exit(f"cannot import qa.quotes.extract_quotes: {exc} (try --self-test)")
    return extract_quotes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--self-test", action="store_true", help="check the scorer itself")
    parser.add_argument("--baseline", action="store_true", help="score a naive regex extractor")
    parser.add_argument(
        "--errors", type=int, default=40, help="errors to list (0 = all; default 40)"
    )
    parser.add_argument("--set", type=Path, default=SET_DIR, help="dataset directory")
    args = parser.parse_args()
    texts, golds = load_set(args.set)
    if args.self_test:
        self_test(texts, golds)
        return
    extractor: Extractor = naive_extractor if args.baseline else load_extractor()
    summary = summarise(run(extractor, texts, golds), golds)
    summary["extractor"] = "naive regex baseline" if args.baseline else "qa.quotes.extract_quotes"
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print_report(summary, None if args.errors == 0 else args.errors)


if __name__ == "__main__":
    main()
