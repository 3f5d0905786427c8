"""Answer quality on a fixed subset of the evaluation sets must not fall.

tests/fixtures/eval_subset holds three SQuAD and three COVID-QA articles with their
questions (see its README). Each is indexed and every question answered through
`qa eval`'s code, the same path as `qa ask`; the figures must stay at or above the
levels recorded below, which were measured with the weights in src/qa/weights.json.
A change that makes answers worse fails here, before it reaches a reader.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.evaluation import evaluate

from helpers.corpus import TESTS

SUBSET = TESTS / "fixtures" / "eval_subset"

# Measured on this subset with the weights of this commit; a question or two of slack
# (1/159 = 0.006, 1/120 = 0.008) for float noise across machines, none for real losses.
RECORDED = {
    "squad": {
        "hit@1": 0.950,
        "hit@5": 0.994,
        "answer_span_hit@1": 0.855,
        # Of ~46 short answers: one is 0.022. Re-recorded (0.537 -> 0.522) when "how
        # many" answers learnt the thing counted (issue 19): the one new short answer
        # that is not SQuAD-exact is "about 667,000" for "667,000 firms", right with its
        # qualifier; every wrong one is as before. All 5,665 SQuAD dev questions: exact
        # 0.691 -> 0.697, F1 0.747 -> 0.753.
        "short_exact_match": 0.522,
    },
    # Re-recorded when chunk vectors became sentence means and the weights were refitted:
    # on all 642 COVID-QA questions hit@1 went 0.632 -> 0.643 and the span 0.481 -> 0.488,
    # while these 120 went 0.867 -> 0.833 and 0.783 -> 0.733. Spans that take a following
    # sentence pointing back: all 642 0.488 -> 0.505, these 120 0.733 -> 0.725 (one).
    "covidqa": {"hit@1": 0.833, "hit@5": 0.967, "answer_span_hit@1": 0.725},
}
SLACK = 0.013


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_quality_holds_its_recorded_level(name: str, tmp_path: Path) -> None:
    figures = evaluate(SUBSET / name, work_dir=tmp_path).summary()
    for key, level in RECORDED[name].items():
        assert figures[key] >= level - SLACK, f"{name} {key} fell to {figures[key]} from {level}"
    assert figures["not_found"] <= 0.05  # answerable questions are not withheld
