"""`qa eval` on a real-document set, as a developer runs it: the real command and model.

Two small news pages (tests/fixtures/realdocs) in the format of bench/realdocs; the
JSON holds every figure the issue's targets name and the list of failed checks, each
saying what was expected, what came and why.
"""

from __future__ import annotations

import json

from helpers.cli import run_qa
from helpers.corpus import TESTS

PAIR = TESTS / "fixtures" / "realdocs"
FIGURES = (
    "right_passage_first",
    "right_answer_sentence",
    "short_wrong_of_given",
    "withheld",
    "withheld_in_shown",
    "unanswerable_answered",
    "speakers_right",
    "wrong_named_speaker",
    "extraction_headline",
    "extraction_first",
    "extraction_last",
    "extraction_absent",
)


def test_qa_eval_reports_the_figures_and_the_failures_of_a_real_document_set() -> None:
    status, out, err = run_qa("eval", str(PAIR), "--json")
    assert status == 0, err
    report = json.loads(out)
    assert (report["documents"], report["indexed"], report["answerable"]) == (2, 2, 3)
    for name in FIGURES:
        assert 0.0 <= report[name] <= 1.0, name
    # two pages, plain questions: the passage that answers comes first
    assert report["right_passage_first"] == 1.0
    assert report["extraction_first"] == 1.0 and report["extraction_last"] == 1.0
    for failure in report["failures"]:
        assert set(failure) == {"check", "file", "item", "expected", "got", "why"}
        assert failure["why"]
    # run from a script or a CI log (no terminal), it still says how far it is
    assert "qa: questions 5/5" in err  # 3 answerable, 2 not
