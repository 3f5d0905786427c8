"""Compare the speakers two source trees give every quotation of the same documents.

    .venv/bin/python bench/quotes/compare_attribution.py ../main/src        # main vs this tree
    .venv/bin/python bench/quotes/compare_attribution.py OLD/src NEW/src --json

A change to how quotations are parsed (what text spaCy sees, how names are completed)
can move speakers without any labelled set noticing, so this runs the extraction of
both trees on the same real text and lists every quotation whose speaker differs:
document, content offsets, the head of the quoted words, and speaker before -> after.

The documents are those of both eval sets (``../shared/eval/{squad,covidqa}``, each
written to ``<id>.txt`` as the README there says) and the repository's ``docs/``. Each
tree runs in its own child process (``PYTHONPATH=<tree>``, this script with
``--extract``), which lays the documents out as ``qa index`` does (``extract``, then
``chunk_text``) and calls ``extract_quotes`` with the paragraphs, and the chunker's
sentences when that tree's ``extract_quotes`` takes them. The children answer in JSON
lines, one document a line. They run one after the other: each is a whole spaCy pass.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
EVAL = REPO.parent / "shared" / "eval"
SETS = ("squad", "covidqa")
HEAD_CHARS = 60


def write_documents(folder: Path, eval_dir: Path, docs_dir: Path) -> list[tuple[str, Path]]:
    """Every document as a file (what ``qa index`` reads), named ``set/id`` for the report."""
    out: list[tuple[str, Path]] = []
    for name in SETS:
        source = eval_dir / name / "documents.jsonl"
        if not source.exists():
            print(f"warning: {source} not found, skipped", file=sys.stderr)
            continue
        (folder / name).mkdir()
        for line in source.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            path = folder / name / f"{doc['id']}.txt"
            path.write_text(doc["text"], encoding="utf-8")
            out.append((f"{name}/{doc['id']}", path))
    if docs_dir.is_dir():
        for path in sorted(p for p in docs_dir.rglob("*") if p.is_file()):
            out.append((f"docs/{path.relative_to(docs_dir)}", path))
    return out


def extract_all(listing: Path) -> None:
    """Child side: quotations of every listed document, one JSON line each, with the
    speakers this interpreter's ``qa`` gives (``PYTHONPATH`` chooses the tree)."""
    import qa
    from qa.ingest.chunking import chunk_text
    from qa.ingest.extract import SUPPORTED_SUFFIXES, extract
    from qa.quotes import extract_quotes

    takes_sentences = "sentences" in inspect.signature(extract_quotes).parameters
    print(json.dumps({"qa": qa.__file__}), flush=True)
    for line in listing.read_text(encoding="utf-8").splitlines():
        name, path = json.loads(line)
        if Path(path).suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        extracted = extract(Path(path))
        layout = chunk_text(extracted)
        paragraphs = [(p.start, p.end) for p in layout.paragraphs]
        if takes_sentences:
            sentences = [s for chunk in layout.chunks for s in chunk.sentences]
            quotes = extract_quotes(extracted.text, paragraphs, sentences)
        else:
            quotes = extract_quotes(extracted.text, paragraphs)
        rows = [[q.start, q.end, q.speaker, extracted.text[q.start : q.end]] for q in quotes]
        print(json.dumps({"doc": name, "quotes": rows}, ensure_ascii=False), flush=True)


def run_tree(src: Path, listing: Path) -> tuple[dict[str, list[list[Any]]], float]:
    """Quotations per document as the tree at ``src`` extracts them, and the seconds taken."""
    env = os.environ | {"PYTHONPATH": str(src)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--extract", str(listing)],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{src}: extraction failed:\n{done.stderr[-3000:]}")
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    imported = Path(lines[0]["qa"]).resolve()
    if src.resolve() not in imported.parents:
        sys.exit(f"{src}: the child imported {imported}, not this tree's qa")
    return {d["doc"]: d["quotes"] for d in lines[1:]}, seconds


def differences(
    before: dict[str, list[list[Any]]], after: dict[str, list[list[Any]]]
) -> list[dict[str, Any]]:
    """Quotations whose speaker differs, or that only one side finds."""
    out: list[dict[str, Any]] = []
    for doc in sorted(set(before) | set(after)):
        old = {(q[0], q[1]): q for q in before.get(doc, [])}
        new = {(q[0], q[1]): q for q in after.get(doc, [])}
        for key in sorted(set(old) | set(new)):
            a, b = old.get(key), new.get(key)
            if a is not None and b is not None and a[2] == b[2]:
                continue
            text = (a or b)[3]  # type: ignore[index]
            out.append(
                {
                    "doc": doc,
                    "start": key[0],
                    "end": key[1],
                    "head": " ".join(text.split())[:HEAD_CHARS],
                    "before": a[2] if a else "<no quote>",
                    "after": b[2] if b else "<no quote>",
                }
            )
    return out


def kind(change: dict[str, Any]) -> str:
    """A first sorting of a change for the reader (who judges better or worse)."""
    if change["before"] is None:
        return "gained"
    if change["after"] is None:
        return "lost"
    if "<no quote>" in (change["before"], change["after"]):
        return "quote"
    return "changed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, nargs="?", help="the src folder of the old tree")
    parser.add_argument(
        "after", type=Path, nargs="?", default=REPO / "src", help="the new src (default: this)"
    )
    parser.add_argument("--eval", type=Path, default=EVAL, help="folder of the eval sets")
    parser.add_argument("--docs", type=Path, default=REPO / "docs", help="extra documents")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--extract", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.extract is not None:
        extract_all(args.extract)
        return
    if args.before is None:
        parser.error("the old tree's src folder is required")
    with tempfile.TemporaryDirectory(prefix="qa-compare-") as tmp:
        folder = Path(tmp)
        listing = folder / "listing.jsonl"
        documents = write_documents(folder, args.eval, args.docs)
        listing.write_text("".join(json.dumps([n, str(p)]) + "\n" for n, p in documents))
        before, before_s = run_tree(args.before, listing)
        after, after_s = run_tree(args.after, listing)
    changes = differences(before, after)
    total = sum(len(q) for q in before.values())
    summary = {
        "documents": len(before),
        "quotes": total,
        "speakers_before": sum(1 for qs in before.values() for q in qs if q[2]),
        "speakers_after": sum(1 for qs in after.values() for q in qs if q[2]),
        "changed": len(changes),
        "seconds": {"before": round(before_s, 1), "after": round(after_s, 1)},
        "changes": changes,
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return
    for c in changes:
        print(f"{kind(c):8} {c['doc']} {c['start']}-{c['end']} “{c['head']}”")
        print(f"         {c['before']!r} -> {c['after']!r}")
    print(
        f"{summary['changed']} of {total} quotes changed speaker in {len(before)} documents; "
        f"speakers {summary['speakers_before']} -> {summary['speakers_after']}; "
        f"extraction {before_s:.1f} s -> {after_s:.1f} s"
    )


if __name__ == "__main__":
    main()
