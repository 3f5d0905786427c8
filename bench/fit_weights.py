"""Fit the reranking weights (src/qa/weights.json) on the evaluation sets' development halves.

    .venv/bin/python bench/fit_weights.py ../shared/eval/squad ../shared/eval/covidqa

For each set: index its documents through the normal pipeline (kept under
bench/work/ so reruns are quick), gather each question's candidates exactly as
`qa ask` does, and record every candidate's features with its label (does the
passage hold a gold answer; does each sentence). Questions of one set asked against
the other set's index have no answer there: they calibrate "not found".

Then fit two small logistic regressions in NumPy (sentence choice, passage ranking),
each question's candidates weighted equally, with half of each set's questions held
out to report how the fitted weights generalise. The result is written as readable
JSON; nothing is pickled.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.answers import RERANK_DEPTH, score_candidates
from qa.chunking import DEFAULT_TARGET_CHARS
from qa.embedding import Embedder
from qa.evaluation import MAX_PASSAGE, MAX_SPAN, holds_gold, load_questions, write_corpus
from qa.index import OpenIndex, open_index
from qa.indexer import build_index
from qa.lexical import parse_query
from qa.retrieval import gather_candidates
from qa.scoring import PASSAGE_FEATURES, SENTENCE_FEATURES, default_weights

WORK = Path(__file__).parent / "work"
WEIGHTS = Path(__file__).parents[1] / "src" / "qa" / "weights.json"
BEST_SENTENCE = PASSAGE_FEATURES.index("best_sentence_score")


@dataclass
class Collected:
    """Features of every candidate of every question of one (questions, index) pair."""

    question: np.ndarray  # candidate -> question number
    passage: np.ndarray  # candidate -> PASSAGE_FEATURES
    passage_label: np.ndarray  # candidate holds a gold answer
    sentence_owner: np.ndarray  # sentence -> candidate number
    sentence: np.ndarray  # sentence -> SENTENCE_FEATURES
    sentence_label: np.ndarray
    answerable: bool


def build(dataset: Path, embedder: Embedder, target: int) -> tuple[OpenIndex, dict[str, str], Path]:
    corpus = WORK / dataset.name / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    names = write_corpus(dataset, corpus)
    index_dir = WORK / dataset.name / f"index-{target}"
    report = build_index([corpus], index_dir, embedder=embedder, target_chars=target)
    print(
        f"{dataset.name}: {report.chunks} chunks, indexed in {report.seconds:.0f} s",
        file=sys.stderr,
    )
    index = open_index(index_dir)
    assert index is not None
    return index, names, corpus


def collect(
    index: OpenIndex,
    questions: list,
    vectors: np.ndarray,
    expected: list[str | None],
    limit_sentences: bool = True,
) -> Collected:
    weights = default_weights()
    q_of, feats, labels, owner, sfeats, slabels = [], [], [], [], [], []
    for n, (q, qvec) in enumerate(zip(questions, vectors, strict=True)):
        query = parse_query(q.question)
        cands = gather_candidates(index, query, qvec, RERANK_DEPTH)
        for p in score_candidates(index, query, qvec, cands, weights):
            doc = index.store.document_text(p.doc_id)
            right_doc = expected[n] is not None and doc.source == expected[n]
            hit = right_doc and holds_gold(p.start, p.end, q.answers, MAX_PASSAGE)
            row = len(feats)
            q_of.append(n)
            feats.append(p.features)
            labels.append(hit)
            # Every candidate's sentences are kept: the passage model sees the best
            # sentence score of hits and misses alike (keeping only hits' sentences
            # would leak the label into that feature).
            for (s, e), sf in zip(p.sentences, p.sentence_features, strict=True):
                owner.append(row)
                sfeats.append(sf)
                slabels.append(hit and holds_gold(s, e, q.answers, MAX_SPAN))
    return Collected(
        np.array(q_of),
        np.vstack(feats),
        np.array(labels, dtype=bool),
        np.array(owner),
        np.vstack(sfeats) if sfeats else np.zeros((0, len(SENTENCE_FEATURES))),
        np.array(slabels, dtype=bool),
        expected[0] is not None,
    )


def save_sets(path: Path, sets: dict[str, Collected]) -> None:
    """Keep collected features as plain arrays (npz, no pickle) for refitting."""
    arrays = {}
    for name, c in sets.items():
        for key, value in vars(c).items():
            arrays[f"{name}|{key}"] = np.asarray(value)
    np.savez_compressed(path, **arrays)


def load_sets(path: Path) -> dict[str, Collected]:
    data = np.load(path, allow_pickle=False)
    fields: dict[str, dict] = {}
    for key in data.files:
        name, attr = key.split("|")
        fields.setdefault(name, {})[attr] = data[key]
    return {
        name: Collected(**{k: (bool(v) if k == "answerable" else v) for k, v in f.items()})
        for name, f in fields.items()
    }


def fit_logistic(
    x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray, l2: float = 1e-3, iterations: int = 50
) -> tuple[np.ndarray, float]:
    """Weighted L2-regularised logistic regression by Newton's method."""
    xb = np.hstack([x, np.ones((len(x), 1))]).astype(np.float64)
    w = np.zeros(xb.shape[1])
    sw = sample_weight / sample_weight.mean()
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (sw * (p - y)) / len(y) + l2 * np.r_[w[:-1], 0]
        ridge = l2 * np.diag(np.r_[np.ones(len(w) - 1), 0])
        hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb / len(y) + ridge
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return w[:-1], float(w[-1])


def per_question_weight(owner_question: np.ndarray) -> np.ndarray:
    counts = np.bincount(owner_question)
    return 1.0 / counts[owner_question]


def with_best_sentence(c: Collected, sw: np.ndarray, sb: float) -> np.ndarray:
    """Passage features with best_sentence_score recomputed under sentence weights."""
    feats = c.passage.copy()
    if len(c.sentence):
        scores = 1 / (1 + np.exp(-(c.sentence @ sw + sb)))
        best = np.zeros(len(feats))
        np.maximum.at(best, c.sentence_owner, scores)
        feats[:, BEST_SENTENCE] = best
    return feats


def ranking_figures(
    c: Collected, scores: np.ndarray, sentence_scores: np.ndarray, mask: np.ndarray
) -> dict[str, float]:
    """hit@1, hit@5 and answer-span hit@1 of the questions in ``mask``."""
    hits = {1: 0, 5: 0}
    span_hits = 0
    questions = np.unique(c.question[mask])
    starts = np.searchsorted(c.sentence_owner, np.arange(len(c.passage)))
    ends = np.searchsorted(c.sentence_owner, np.arange(len(c.passage)), side="right")
    for q in questions:
        rows = np.where((c.question == q) & mask)[0]
        order = rows[np.argsort(-scores[rows], kind="stable")]
        for k in hits:
            hits[k] += bool(c.passage_label[order[:k]].any())
        top = order[0]
        if ends[top] > starts[top]:
            best = starts[top] + int(np.argmax(sentence_scores[starts[top] : ends[top]]))
            span_hits += bool(c.sentence_label[best])
    n = max(len(questions), 1)
    return {"hit@1": hits[1] / n, "hit@5": hits[5] / n, "span_hit@1": span_hits / n, "n": n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="questions per set")
    parser.add_argument("--write", action="store_true", help="write src/qa/weights.json")
    parser.add_argument(
        "--target-chars", type=int, default=DEFAULT_TARGET_CHARS, help="chunk size to index with"
    )
    args = parser.parse_args()

    embedder = Embedder()
    built = {d.name: (d, *build(d, embedder, args.target_chars)) for d in args.datasets}
    sets: dict[str, Collected] = {}
    cache = WORK / f"features-v2-{args.target_chars}-{args.limit}.npz"
    if cache.exists():
        sets = load_sets(cache)
        built = {}
    for name, (dataset, index, names, corpus) in built.items():
        questions = load_questions(dataset)[: args.limit]
        t0 = time.perf_counter()
        qvecs = embedder.encode_many([q.question for q in questions])
        expected = [str(corpus / names[q.doc_id]) for q in questions]
        sets[name] = collect(index, questions, qvecs, expected)
        # The same questions against every other set's index have no answer there.
        for other, (_, oindex, _, _) in built.items():
            if other != name:
                sets[f"{name}->{other}"] = collect(
                    oindex, questions, qvecs, [None] * len(questions)
                )
        print(
            f"{name}: {len(questions)} questions collected in {time.perf_counter() - t0:.0f} s",
            file=sys.stderr,
        )

    if built:
        save_sets(cache, sets)
    answerable = [c for c in sets.values() if c.answerable]
    rng = np.random.default_rng(7)
    train_masks = {id(c): rng.random(c.question.max() + 1) < 0.5 for c in answerable}

    def stack(train: bool | None) -> tuple[np.ndarray, ...]:
        xs, ys, ws, sx, sy, swt = [], [], [], [], [], []
        for c in answerable:
            qmask = train_masks[id(c)]
            take_q = np.ones_like(qmask) if train is None else (qmask if train else ~qmask)
            rows = take_q[c.question]
            # Each set counts equally, each question within it equally.
            base = per_question_weight(c.question) / (c.question.max() + 1)
            xs.append(c.passage[rows])
            ys.append(c.passage_label[rows])
            ws.append(base[rows])
            # The sentence model learns which sentence of an answering passage answers.
            srows = rows[c.sentence_owner] & c.passage_label[c.sentence_owner]
            sx.append(c.sentence[srows])
            sy.append(c.sentence_label[srows])
            swt.append(
                per_question_weight(c.question[c.sentence_owner])[srows] / (c.question.max() + 1)
            )
        return (
            np.vstack(xs),
            np.concatenate(ys),
            np.concatenate(ws),
            np.vstack(sx),
            np.concatenate(sy),
            np.concatenate(swt),
        )

    report = {}
    for split in (True, None):
        _, y, w, sx, sy, swt = stack(split)
        sw, sb = fit_logistic(sx, sy.astype(float), swt)
        feats = [with_best_sentence(c, sw, sb) for c in answerable]
        x2 = []
        for c, f in zip(answerable, feats, strict=True):
            qmask = train_masks[id(c)]
            take = np.ones_like(qmask) if split is None else qmask
            x2.append(f[take[c.question]])
        pw, pb = fit_logistic(np.vstack(x2), y.astype(float), w)
        if split:
            for name, c in sets.items():
                if not c.answerable:
                    continue
                scores = 1 / (1 + np.exp(-(with_best_sentence(c, sw, sb) @ pw + pb)))
                sscores = c.sentence @ sw + sb
                held = ~train_masks[id(c)][c.question]
                report[name] = {"held-out half": ranking_figures(c, scores, sscores, held)}
        else:
            final = (sw, sb, pw, pb)
    sw, sb, pw, pb = final
    print(json.dumps(report, indent=1), file=sys.stderr)

    # "Not found": top score of answerable questions vs questions from another set.
    def top_scores(c: Collected) -> tuple[np.ndarray, np.ndarray]:
        scores = 1 / (1 + np.exp(-(with_best_sentence(c, sw, sb) @ pw + pb)))
        tops, labels = [], []
        for q in np.unique(c.question):
            rows = np.where(c.question == q)[0]
            best = rows[np.argmax(scores[rows])]
            tops.append(scores[best])
            labels.append(c.passage_label[best])
        return np.array(tops), np.array(labels)

    print("threshold  withheld(answerable, top right)  shown(unanswerable)", file=sys.stderr)
    right = np.concatenate([top_scores(c)[0][top_scores(c)[1]] for c in answerable])
    wrong = np.concatenate([top_scores(c)[0] for c in sets.values() if not c.answerable])
    for t in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
        print(f"{t:9.2f}  {np.mean(right < t):31.3f}  {np.mean(wrong >= t):19.3f}", file=sys.stderr)

    if args.write:
        data = json.loads(WEIGHTS.read_text())
        data["sentence"] = {
            "bias": round(sb, 4),
            "weights": {f: round(float(v), 4) for f, v in zip(SENTENCE_FEATURES, sw, strict=True)},
        }
        data["passage"] = {
            "bias": round(pb, 4),
            "weights": {f: round(float(v), 4) for f, v in zip(PASSAGE_FEATURES, pw, strict=True)},
        }
        WEIGHTS.write_text(json.dumps(data, indent=1) + "\n")
        print(f"wrote {WEIGHTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
