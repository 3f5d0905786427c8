"""Measuring `qa` on labelled sets, through the same path as `qa ask`.

Two formats: the offsets-labelled sets of ``shared/eval`` (``shared_eval``: documents.jsonl
and questions.jsonl) and the real-document set of ``bench/realdocs`` (``realdocs``: real
files in ``docs/`` and one label file per document in ``labels/``). ``is_realdocs`` tells
them apart for `qa eval`.
"""

from qa.evaluation.realdocs import RealDocsResult, evaluate_realdocs, is_realdocs
from qa.evaluation.shared_eval import (
    KS,
    MAX_PASSAGE,
    MAX_SPAN,
    EvalResult,
    Gold,
    Question,
    doc_filename,
    evaluate,
    holds_gold,
    load_documents,
    load_questions,
    score_one,
    token_f1,
    write_corpus,
)

__all__ = [
    "KS",
    "MAX_PASSAGE",
    "MAX_SPAN",
    "EvalResult",
    "Gold",
    "Question",
    "RealDocsResult",
    "doc_filename",
    "evaluate",
    "evaluate_realdocs",
    "holds_gold",
    "is_realdocs",
    "load_documents",
    "load_questions",
    "score_one",
    "token_f1",
    "write_corpus",
]
