"""Follow-up questions on multi-turn sets: CoQA's development half and our dialogues.

    .venv/bin/python bench/bench_dialogues.py ../shared/eval/coqa bench/dialogues [--limit N]

Indexes each set once under bench/work/<set>/ (kept between runs) and plays every
dialogue with the product's own answers (``qa.evaluation.dialogues``); prints the figures
for turns that need the conversation and for the others, and with ``--failures F`` writes
every missed turn to F (JSON lines) to read.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from qa.evaluation.dialogues import evaluate_dialogues

WORK = Path(__file__).parent / "work"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="only the first N dialogues")
    parser.add_argument("--failures", type=Path, default=None)
    args = parser.parse_args()
    out = args.failures.open("w", encoding="utf-8") if args.failures else None
    for dataset in args.datasets:
        work = WORK / f"dialogues-{dataset.name}"
        result = evaluate_dialogues(dataset, limit=args.limit, index_dir=work)
        print(json.dumps(result.summary()))
        if out:
            for o in result.outcomes:
                if o.first_hit != 1 or not o.span_hit:
                    out.write(json.dumps(o.to_json(), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
