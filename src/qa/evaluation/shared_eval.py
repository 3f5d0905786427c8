"""Measuring answer quality on a set in the format of shared/eval, through the same path
as `qa ask`.

The data format is that of ``shared/eval`` (documents.jsonl and questions.jsonl, gold
answers as character offsets). Each document is written to its own ``<id>.txt``, all
are indexed together by the normal indexer, and every question is answered by
``qa.answer.ask.ask``, as `qa ask` answers it. Scoring follows the eval README: a passage is
a hit when it comes from the right document, holds a gold answer whole, and is at most
1,500 characters; an answer span counts only up to 500 characters.
"""

from __future__ import annotations

import json
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MAX_PASSAGE = 1500
MAX_SPAN = 500
KS = (1, 3, 5, 10)


@dataclass(frozen=True)
class Gold:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Question:
    id: str
    doc_id: str
    question: str
    answers: tuple[Gold, ...]


@dataclass
class EvalResult:
    dataset: str
    questions: int = 0
    hits: dict[int, int] = field(default_factory=lambda: dict.fromkeys(KS, 0))
    reciprocal_ranks: float = 0.0
    span_hits: int = 0  # the answer given (not withheld) holds a gold answer
    highlight_hits: int = 0  # the top passage's highlight holds one, answer or not
    not_found: int = 0
    short_given: int = 0  # answers that gave short answer words
    short_exact: float = 0.0  # summed over those: exact match with a gold answer (SQuAD rules)
    short_f1: float = 0.0  # ... and token F1
    latencies_ms: list[float] = field(default_factory=list)
    index_seconds: float = 0.0
    chunks: int = 0
    index_bytes: int = 0

    def summary(self) -> dict[str, float | int | str]:
        n = max(self.questions, 1)
        lat = sorted(self.latencies_ms) or [0.0]
        out: dict[str, float | int | str] = {"dataset": self.dataset, "questions": self.questions}
        for k in KS:
            out[f"hit@{k}"] = round(self.hits[k] / n, 4)
        out["mrr@10"] = round(self.reciprocal_ranks / n, 4)
        out["answer_span_hit@1"] = round(self.span_hits / n, 4)
        out["highlight_hit@1"] = round(self.highlight_hits / n, 4)
        out["not_found"] = round(self.not_found / n, 4)
        given = max(self.short_given, 1)
        out["short_given"] = round(self.short_given / n, 4)
        out["short_exact_match"] = round(self.short_exact / given, 4)
        out["short_f1"] = round(self.short_f1 / given, 4)
        out["ms_p50"] = round(statistics.median(lat), 1)
        out["ms_p95"] = round(p95(lat), 1)
        out["index_seconds"] = round(self.index_seconds, 1)
        out["chunks"] = self.chunks
        out["chunks_per_s"] = (
            round(self.chunks / self.index_seconds, 1) if self.index_seconds else 0
        )
        out["index_mb"] = round(self.index_bytes / 1e6, 2)
        return out


_UNSAFE = re.compile(r"[^\w.\-]+")


def doc_filename(doc_id: str) -> str:
    return _UNSAFE.sub("_", doc_id) + ".txt"


def p95(values: list[float]) -> float:
    """The 95th percentile of ``values`` (0 for none): the figure every eval reports."""
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def read_jsonl(path: Path) -> Iterator[dict]:
    """The objects of a JSON Lines file, blank lines skipped."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def load_documents(dataset: Path) -> Iterator[dict]:
    return read_jsonl(dataset / "documents.jsonl")


def load_questions(dataset: Path) -> list[Question]:
    return [
        Question(
            str(q["id"]),
            str(q["doc_id"]),
            q["question"],
            tuple(Gold(a["text"], int(a["start"])) for a in q["answers"]),
        )
        for q in read_jsonl(dataset / "questions.jsonl")
    ]


def write_corpus(dataset: Path, folder: Path) -> dict[str, str]:
    """Write each document as ``<id>.txt``; returns doc id -> file name."""
    names = {}
    for doc in load_documents(dataset):
        name = doc_filename(str(doc["id"]))
        (folder / name).write_text(doc["text"], encoding="utf-8")
        names[str(doc["id"])] = name
    return names


_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = re.compile(r"[^\w\s]")


def _norm(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, articles or extra spaces."""
    return " ".join(_ARTICLES.sub(" ", _PUNCT.sub("", text.lower())).split())


def token_f1(predicted: str, gold: str) -> float:
    """SQuAD's token F1 between a short answer and a gold answer."""
    p, g = _norm(predicted).split(), _norm(gold).split()
    common = sum(min(p.count(w), g.count(w)) for w in set(p))
    if not p or not g or common == 0:
        return float(p == g)
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def holds_gold(start: int, end: int, golds: tuple[Gold, ...], limit: int) -> bool:
    return end - start <= limit and any(start <= g.start and g.end <= end for g in golds)


def evaluate(
    dataset: Path,
    k: int = 10,
    limit: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    work_dir: Path | None = None,
    storage: str | None = None,
    ray: bool = False,
) -> EvalResult:
    """Index ``dataset`` in a temporary index (``storage``: "sqlite", the default, or
    "lance"; ``ray``: on Lance tables by a local Ray job, ``qa index --ray``) and score
    every question on it."""
    from qa.answer.ask import ask
    from qa.embedding.encoder import Embedder
    from qa.index.builder import build_index
    from qa.index.reader import open_index

    progress = progress or (lambda *_: None)
    embedder = Embedder()
    result = EvalResult(dataset.name)
    with tempfile.TemporaryDirectory(prefix="qa-eval-", dir=work_dir) as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        names = write_corpus(dataset, corpus)
        started = time.perf_counter()
        if ray:
            from qa.index.ray_build import build_index_on_ray

            report = build_index_on_ray([corpus], Path(tmp) / "index")
        else:
            report = build_index(
                [corpus], Path(tmp) / "index", embedder=embedder, progress=progress, storage=storage
            )
        result.index_seconds = time.perf_counter() - started
        result.chunks = report.chunks
        result.index_bytes = sum(
            f.stat().st_size for f in (Path(tmp) / "index").rglob("*") if f.is_file()
        )
        index = open_index(Path(tmp) / "index")
        assert index is not None
        questions = load_questions(dataset)[:limit]
        try:
            for n, q in enumerate(questions, 1):
                expected = str(corpus / names[q.doc_id])
                t0 = time.perf_counter()
                answer = ask(index, embedder, q.question, k=max(k, 10))
                result.latencies_ms.append((time.perf_counter() - t0) * 1000)
                score_one(result, q, answer, expected)
                progress("questions", n, len(questions))
        finally:
            index.close()
    return result


def score_one(result: EvalResult, q: Question, answer: object, expected_source: str) -> None:
    """Add one answered question to the tallies."""
    result.questions += 1
    first_hit = None
    for p in answer.passages[:10]:  # type: ignore[attr-defined]
        if p.source == expected_source and holds_gold(p.start, p.end, q.answers, MAX_PASSAGE):
            first_hit = p.rank
            break
    for kk in KS:
        if first_hit is not None and first_hit <= kk:
            result.hits[kk] += 1
    if first_hit is not None:
        result.reciprocal_ranks += 1 / first_hit
    a = answer.answer  # type: ignore[attr-defined]
    if a is None:
        result.not_found += 1
    else:
        if a.source == expected_source and holds_gold(a.start, a.end, q.answers, MAX_SPAN):
            result.span_hits += 1
        if a.short_text is not None:
            result.short_given += 1
            said = _norm(a.short_text)
            result.short_exact += max(float(said == _norm(g.text)) for g in q.answers)
            result.short_f1 += max(token_f1(a.short_text, g.text) for g in q.answers)
    if answer.passages:  # type: ignore[attr-defined]
        top = answer.passages[0]  # type: ignore[attr-defined]
        h = top.highlight
        if top.source == expected_source and holds_gold(h.start, h.end, q.answers, MAX_SPAN):
            result.highlight_hits += 1
