"""Fit the reranking weights (src/qa/answer/weights.json) on the eval sets' development halves.

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

from qa.answer.question import Question
from qa.answer.rerank import (
    PASSAGE_FEATURES,
    RERANK_DEPTH,
    SENTENCE_FEATURES,
    default_weights,
    score_candidates,
)
from qa.answer.retrieve import gather_candidates
from qa.embedding.encoder import Embedder
from qa.evaluation import MAX_PASSAGE, MAX_SPAN, holds_gold, load_questions, write_corpus
from qa.index.builder import build_index
from qa.index.reader import Index, open_index
from qa.ingest.chunking import DEFAULT_TARGET_CHARS

WORK = Path(__file__).parent / "work"
WEIGHTS = Path(__file__).parents[1] / "src" / "qa" / "answer" / "weights.json"
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


def build(dataset: Path, embedder: Embedder, target: int) -> tuple[Index, dict[str, str], Path]:
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
    index: Index,
    questions: list,
    vectors: np.ndarray,
    expected: list[str | None],
    limit_sentences: bool = True,
) -> Collected:
    weights = default_weights()
    q_of, feats, labels, owner, sfeats, slabels = [], [], [], [], [], []
    for n, (q, qvec) in enumerate(zip(questions, vectors, strict=True)):
        query = Question.parse(q.question)
        cands = gather_candidates(index, query, qvec, RERANK_DEPTH)
        for p in score_candidates(index, query, qvec, cands, weights):
            doc = index.document(p.doc_id)
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


def segments(groups: np.ndarray) -> np.ndarray:
    """Start index of each run of equal values (rows of one group are contiguous)."""
    return np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])


def fit_listwise(
    x: np.ndarray, groups: np.ndarray, labels: np.ndarray, weights: np.ndarray, l2: float = 1e-3
) -> np.ndarray:
    """Weights maximising the softmax probability of the right rows within each group.

    A listwise (conditional logit) objective: what matters for an answer is which
    candidate of a question ranks first, not each candidate's absolute score. Groups
    with no right row, or only right rows, teach nothing and are dropped.
    """
    from scipy.optimize import minimize

    starts = segments(groups)
    pos = np.add.reduceat(labels.astype(float), starts)
    size = np.diff(np.r_[starts, len(groups)])
    useful = (pos > 0) & (pos < size)
    keep = np.repeat(useful, size)
    x, groups, labels, weights = x[keep], groups[keep], labels[keep].astype(float), weights[keep]
    # Fitted on standardized features, so the L2 penalty weighs every feature alike
    # (on raw features it crushed the small-scale ones: SQuAD held-out hit@1 0.839
    # with l2=1e-3 on raw features, 0.850 standardized); the weights are mapped back.
    scale = x.std(axis=0) + 1e-6
    x = x / scale
    starts = segments(groups)
    size = np.diff(np.r_[starts, len(groups)])
    gw = weights[starts] / weights[starts].sum()

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        sc = x @ w
        m = np.repeat(np.maximum.reduceat(sc, starts), size)
        e = np.exp(sc - m)
        z = np.add.reduceat(e, starts)
        zp = np.add.reduceat(e * labels, starts)
        value = float(gw @ (np.log(z) - np.log(zp))) + l2 * float(w @ w)
        coef = np.repeat(gw, size) * (e / np.repeat(z, size) - labels * e / np.repeat(zp, size))
        return value, x.T @ coef + 2 * l2 * w

    result = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B")
    return result.x / scale


@dataclass
class Model:
    sw: np.ndarray
    sb: float
    pw: np.ndarray
    pb: float

    def passage_scores(self, c: Collected) -> np.ndarray:
        return 1 / (1 + np.exp(-(with_best_sentence(c, self.sw, self.sb) @ self.pw + self.pb)))


def fit_all(sets: dict[str, Collected], masks: dict[str, np.ndarray]) -> Model:
    """Sentence model, then passage model, each listwise, each calibrated to a probability.

    Calibration is a one-feature logistic regression on the listwise score, folded
    into the weights, so weights.json stays a plain logistic model: the sentence score
    is P(sentence holds the answer | its passage does), the passage score P(the top
    passage holds the answer), fitted with the other sets' questions as unanswerables.
    """
    answerable = {n: c for n, c in sets.items() if c.answerable}
    # Sentences: groups are the answering passages of training questions.
    sx, sg, sy, swt = [], [], [], []
    offset = 0
    for name, c in answerable.items():
        take = masks[name][c.question[c.sentence_owner]] & c.passage_label[c.sentence_owner]
        sx.append(c.sentence[take])
        sg.append(c.sentence_owner[take] + offset)
        sy.append(c.sentence_label[take])
        per_q = per_question_weight(c.question[c.sentence_owner])
        swt.append(per_q[take] / (c.question.max() + 1))
        offset += len(c.passage)
    sx_all, sy_all = np.vstack(sx), np.concatenate(sy)
    w_s = fit_listwise(sx_all, np.concatenate(sg), sy_all, np.concatenate(swt))
    a, b = fit_logistic((sx_all @ w_s)[:, None], sy_all.astype(float), np.concatenate(swt))
    sw, sb = w_s * a[0], b

    # Passages: groups are questions.
    px, pg, py, pwt = [], [], [], []
    offset = 0
    for name, c in answerable.items():
        take = masks[name][c.question]
        px.append(with_best_sentence(c, sw, sb)[take])
        pg.append(c.question[take] + offset)
        py.append(c.passage_label[take])
        pwt.append(per_question_weight(c.question)[take] / (c.question.max() + 1))
        offset += c.question.max() + 1
    w_p = fit_listwise(np.vstack(px), np.concatenate(pg), np.concatenate(py), np.concatenate(pwt))

    # Calibration on each question's top candidate: answerable (right or not) and
    # questions asked of another set's documents (never right).
    tops, labels, weights = [], [], []
    for name, c in sets.items():
        base = name.split("->")[0]
        qmask = masks[base] if base in masks else np.ones(c.question.max() + 1, dtype=bool)
        lin = with_best_sentence(c, sw, sb) @ w_p
        for q in np.flatnonzero(qmask):
            rows = np.flatnonzero(c.question == q)
            if len(rows) == 0:
                continue
            top = rows[np.argmax(lin[rows])]
            tops.append(lin[top])
            labels.append(bool(c.passage_label[top]))
            weights.append(1.0 / qmask.sum())
    a, b = fit_logistic(np.array(tops)[:, None], np.array(labels, dtype=float), np.array(weights))
    return Model(sw, sb, w_p * a[0], b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="questions per set")
    parser.add_argument("--write", action="store_true", help="write src/qa/answer/weights.json")
    parser.add_argument(
        "--target-chars", type=int, default=DEFAULT_TARGET_CHARS, help="chunk size to index with"
    )
    parser.add_argument(
        "--without",
        default="",
        help="comma-separated features to leave out (held at zero), to measure what each adds",
    )
    args = parser.parse_args()

    embedder = Embedder()
    built = {d.name: (d, *build(d, embedder, args.target_chars)) for d in args.datasets}
    sets: dict[str, Collected] = {}
    cache = WORK / f"features-v7-{args.target_chars}-{args.limit}.npz"
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
    for feature in filter(None, args.without.split(",")):
        for c in sets.values():
            if feature in PASSAGE_FEATURES:
                c.passage[:, PASSAGE_FEATURES.index(feature)] = 0.0
            if feature in SENTENCE_FEATURES:
                c.sentence[:, SENTENCE_FEATURES.index(feature)] = 0.0
    answerable = {name: c for name, c in sets.items() if c.answerable}
    rng = np.random.default_rng(7)
    halves = {name: rng.random(c.question.max() + 1) < 0.5 for name, c in answerable.items()}

    fitted = {}
    for split in ("train-half", "all"):
        masks = {
            name: (halves[name] if split == "train-half" else np.ones_like(halves[name]))
            for name in answerable
        }
        fitted[split] = fit_all(sets, masks)
        if split == "train-half":
            report = {}
            for name, c in answerable.items():
                model = fitted[split]
                held = ~halves[name][c.question]
                report[name] = ranking_figures(
                    c, model.passage_scores(c), c.sentence @ model.sw + model.sb, held
                )
            print(json.dumps({"held-out half": report}, indent=1), file=sys.stderr)
    model = fitted["all"]
    sw, sb, pw, pb = model.sw, model.sb, model.pw, model.pb

    # "Not found": top score of answerable questions vs questions from another set.
    def top_scores(c: Collected) -> tuple[np.ndarray, np.ndarray]:
        scores = model.passage_scores(c)
        tops, labels = [], []
        for q in np.unique(c.question):
            rows = np.where(c.question == q)[0]
            best = rows[np.argmax(scores[rows])]
            tops.append(scores[best])
            labels.append(c.passage_label[best])
        return np.array(tops), np.array(labels)

    print("threshold  withheld(answerable, top right)  shown(unanswerable)", file=sys.stderr)
    right = np.concatenate([top_scores(c)[0][top_scores(c)[1]] for c in answerable.values()])
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
