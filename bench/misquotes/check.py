"""Re-check bench/misquotes/*.jsonl: formats, offsets, counts and the dev/holdout split.

    python3 bench/misquotes/check.py [DIR]

Independent of make.py: reads the three files as a scorer would and checks that every
``real``/``gold`` text is ``text[start:end]`` of its article and occurs there exactly once,
that ids are unique, that every misquote differs from its real text and is not in the article,
that no invented quote occurs in its article, that a misquote's speaker is the one
``bench/quotes/labels.jsonl`` gives the quotation holding it (null for ``narration``), that
the kinds are known, that the counts reach the brief's minimums and that ``dev`` and
``holdout`` differ by one case at most within each kind (first kind listed) and overall.
Prints the counts; exits 1 listing every problem found.
"""

# ruff: noqa: E501  (hand-written cases: one per line reads best)

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
BUNDLED = "docs/north-korean-troops-in-russia.txt"
ARTICLES = "bench/quotes/articles/"
MISQUOTE_KINDS = {"contraction", "synonym", "reorder", "dropped", "added", "paraphrase", "phrase", "narration"}  # fmt: skip
INVENTED_KINDS = {"topic", "negation", "mixed", "swap"}
SPLITS = {"dev", "holdout"}
MISQUOTE_KEYS = {"id", "source", "misquote", "real", "start", "end", "speaker", "kinds", "split"}
INVENTED_KEYS = {"id", "source", "quote", "kinds", "split"}
TOPIC_KEYS = {"id", "source", "speaker", "topic", "gold", "split"}
# minimum cases per kind (any position in ``kinds``), a little under the brief's mix
MISQUOTE_MIN = {"contraction": 8, "synonym": 10, "reorder": 6, "paraphrase": 10, "phrase": 6, "narration": 3}  # fmt: skip
MIN_DROPPED_ADDED = 8
# the bundled article's speakers (bench/quotes/labels.jsonl does not cover it)
BUNDLED_SPEAKERS = {
    "Kim Jong-un", "Volodymyr Zelenskyy", "Center for Strategic and International Studies",
    "Lee Woong-gil", "Choi Jung-hoon", "one former North Korean soldier",
}  # fmt: skip
MIN_MISQUOTES, MIN_INVENTED, MIN_TOPICS, MIN_BUNDLED = 64, 60, 16, 8


def norm(s: str) -> str:
    """Lower-case words only, quotation marks and apostrophes straightened."""
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(re.findall(r"[\w']+", s.casefold()))


def read(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def balance(rows: list[dict], what: str, errors: list[str]) -> None:
    """dev and holdout differ by one at most, per first kind and overall."""
    by_kind: dict[str, Counter[str]] = {}
    for r in rows:
        key = r["kinds"][0] if "kinds" in r else "all"
        by_kind.setdefault(key, Counter())[r["split"]] += 1
    total: Counter[str] = Counter(r["split"] for r in rows)
    for key, c in [*by_kind.items(), ("overall", total)]:
        if abs(c["dev"] - c["holdout"]) > 1:
            errors.append(f"{what} {key}: dev {c['dev']} / holdout {c['holdout']}")


def check(folder: Path) -> list[str]:
    errors: list[str] = []
    texts: dict[str, str] = {}

    def article(src: str, where: str) -> str | None:
        if src != BUNDLED and not (src.startswith(ARTICLES) and src.endswith(".txt")):
            errors.append(
                f"{where}: source {src!r} is neither the bundled article nor bench/quotes"
            )
            return None
        if src not in texts:
            path = ROOT / src
            if not path.is_file():
                errors.append(f"{where}: no file {src}")
                return None
            texts[src] = path.read_text(encoding="utf-8")
        return texts[src]

    def span(text: str, real: str, start: int, end: int, where: str) -> None:
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            errors.append(f"{where}: bad offsets {start}:{end}")
        elif text[start:end] != real:
            errors.append(f"{where}: text[{start}:{end}] = {text[start:end]!r} != {real!r}")
        if text.count(real) != 1:
            errors.append(f"{where}: {real!r} occurs {text.count(real)} times")

    labels: dict[str, list[dict]] = {}
    for d in read(ROOT / "bench" / "quotes" / "labels.jsonl"):
        labels.setdefault(ARTICLES + d["article"], []).append(d)

    ids: set[str] = set()

    def new_id(row: dict, prefix: str) -> str:
        rid = row.get("id", "?")
        if not re.fullmatch(prefix + r"\d+", str(rid)):
            errors.append(f"{rid}: id does not start with {prefix}")
        if rid in ids:
            errors.append(f"{rid}: id used twice")
        ids.add(rid)
        if row.get("split") not in SPLITS:
            errors.append(f"{rid}: split {row.get('split')!r}")
        return rid

    # misremembered quotes
    misquotes = read(folder / "misquotes.jsonl")
    for r in misquotes:
        rid = new_id(r, "mq-")
        if set(r) != MISQUOTE_KEYS:
            errors.append(f"{rid}: keys {sorted(r)}")
            continue
        kinds = r["kinds"]
        if not kinds or not set(kinds) <= MISQUOTE_KINDS or len(set(kinds)) != len(kinds):
            errors.append(f"{rid}: kinds {kinds}")
        text = article(r["source"], rid)
        if text is None:
            continue
        span(text, r["real"], r["start"], r["end"], rid)
        if norm(r["misquote"]) == norm(r["real"]):
            errors.append(f"{rid}: the misquote is its real text")
        if norm(r["misquote"]) in norm(text):
            errors.append(f"{rid}: the misquote occurs in the article")
        if "narration" in kinds and r["speaker"] is not None:
            errors.append(f"{rid}: narration with a speaker")
        if (
            r["source"] == BUNDLED
            and "narration" not in kinds
            and r["speaker"] not in BUNDLED_SPEAKERS
        ):
            errors.append(f"{rid}: speaker {r['speaker']!r} is not one of the bundled article's")
        if r["source"] in labels:
            holders = [
                d for d in labels[r["source"]] if d["start"] <= r["start"] and r["end"] <= d["end"]
            ]
            if "narration" in kinds:
                if any(
                    d["start"] < r["end"] and r["start"] < d["end"] for d in labels[r["source"]]
                ):
                    errors.append(f"{rid}: narration overlaps a labelled quotation")
            elif len(holders) != 1 or holders[0]["kind"] == "scare":
                errors.append(f"{rid}: real text is not inside one labelled quotation")
            elif holders[0]["speaker"] != r["speaker"]:
                errors.append(
                    f"{rid}: speaker {r['speaker']!r}, labels say {holders[0]['speaker']!r}"
                )

    # invented quotes
    invented = read(folder / "invented.jsonl")
    for r in invented:
        rid = new_id(r, "inv-")
        if set(r) != INVENTED_KEYS:
            errors.append(f"{rid}: keys {sorted(r)}")
            continue
        if len(r["kinds"]) != 1 or r["kinds"][0] not in INVENTED_KINDS:
            errors.append(f"{rid}: kinds {r['kinds']}")
        text = article(r["source"], rid)
        if text is not None and norm(r["quote"]) in norm(text):
            errors.append(f"{rid}: the invented quote occurs in its article")
    quotes = [norm(r["quote"]) for r in invented]
    if len(set(quotes)) != len(quotes):
        errors.append("invented: the same quote twice")

    # speaker-topic questions
    topics = read(folder / "topics.jsonl")
    for r in topics:
        rid = new_id(r, "tp-")
        if set(r) != TOPIC_KEYS:
            errors.append(f"{rid}: keys {sorted(r)}")
            continue
        if not r["speaker"].strip() or not r["topic"].strip() or not r["gold"]:
            errors.append(f"{rid}: empty speaker, topic or gold")
        text = article(r["source"], rid)
        if text is None:
            continue
        for g in r["gold"]:
            span(text, g["real"], g["start"], g["end"], rid)

    # counts, coverage and balance
    any_kind = Counter(k for r in misquotes for k in r.get("kinds", []))
    for kind, least in MISQUOTE_MIN.items():
        if any_kind[kind] < least:
            errors.append(f"misquotes: {any_kind[kind]} {kind}, want {least} or more")
    if any_kind["dropped"] + any_kind["added"] < MIN_DROPPED_ADDED:
        errors.append(
            f"misquotes: too few dropped/added ({any_kind['dropped'] + any_kind['added']})"
        )
    for name, rows, least in (
        ("misquotes", misquotes, MIN_MISQUOTES),
        ("invented", invented, MIN_INVENTED),
        ("topics", topics, MIN_TOPICS),
    ):
        if len(rows) < least:
            errors.append(f"{name}: {len(rows)}, want {least} or more")
    bundled = sum(r.get("source") == BUNDLED for r in misquotes)
    if bundled < MIN_BUNDLED:
        errors.append(f"misquotes: {bundled} on the bundled article, want {MIN_BUNDLED} or more")
    articles = sorted(p.name for p in (ROOT / ARTICLES).glob("*.txt"))
    covered = {r.get("source", "").removeprefix(ARTICLES) for r in misquotes}
    for name in articles:
        if name not in covered:
            errors.append(f"misquotes: nothing on {name}")
    inv_kinds = Counter(r["kinds"][0] for r in invented if r.get("kinds"))
    for kind in ("negation", "mixed", "swap"):
        if inv_kinds[kind] * 8 < len(invented):
            errors.append(f"invented: {inv_kinds[kind]} {kind}, want about 1 in 6")
    balance(misquotes, "misquotes", errors)
    balance(invented, "invented", errors)
    balance(topics, "topics", errors)

    first = Counter((r["kinds"][0], r["split"]) for r in misquotes if r.get("kinds"))
    print(f"misquotes: {len(misquotes)} ({bundled} on the bundled article)")
    for kind in sorted({k for k, _ in first}):
        print(f"  {kind:12} dev {first[kind, 'dev']:3}  holdout {first[kind, 'holdout']:3}"
              f"  (listed in any position: {any_kind[kind]})")  # fmt: skip
    print(f"invented: {len(invented)}")
    for kind in sorted(inv_kinds):
        dev = sum(1 for r in invented if r["kinds"][0] == kind and r["split"] == "dev")
        print(f"  {kind:12} dev {dev:3}  holdout {inv_kinds[kind] - dev:3}")
    dev = sum(r.get("split") == "dev" for r in topics)
    print(f"topics: {len(topics)} (dev {dev}, holdout {len(topics) - dev}),"
          f" {sum(len(r.get('gold', [])) for r in topics)} gold quotations")  # fmt: skip
    return errors


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    errors = check(folder)
    if errors:
        print(f"{len(errors)} problem(s):", file=sys.stderr)
        for e in errors:
            print(f"  {e}", file=sys.stderr)
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
