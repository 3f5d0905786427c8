"""`qa eval` on a real-document set, end to end on two small pages, without the model.

The fake encoder stands in for MiniLM (what is tested is the reading of the set, the
one shared index, the quote index and the tallies, not the model's judgement), so this
runs in the fast tier; tests/integration/test_realdocs_cli.py runs the real `qa eval`.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from qa.evaluation.realdocs import evaluate_realdocs

from helpers.cli import qa
from helpers.corpus import TESTS
from helpers.fake_encoder import FakeEncoder

PAIR = TESTS / "fixtures" / "realdocs"
CHECKS = {
    "not indexed",
    "passage",
    "sentence",
    "withheld",
    "short missing",
    "short wrong",
    "answered unanswerable",
    "quote missing",
    "speaker wrong",
    "speaker missing",
    "headline",
    "first",
    "last",
    "absent",
}


def test_both_pages_are_indexed_together_and_every_label_is_counted(tmp_path: Path) -> None:
    result = evaluate_realdocs(PAIR, embedder=FakeEncoder(), work_dir=tmp_path)
    s = result.summary()
    assert (s["documents"], s["indexed"]) == (2, 2)
    assert (s["answerable"], s["unanswerable"], s["quotes"]) == (3, 2, 4)
    assert s["short_expected"] == 2
    # the body is extracted whole, whatever the model
    assert s["extraction_first"] == 1.0 and s["extraction_last"] == 1.0
    # "said Ishbel Grant, the trust's survey coordinator": her name, not her title
    assert result.quotes_found >= 3
    assert all(
        f.check in CHECKS and f.file in {"harbour-seals.html", "bakery-prize.html"}
        for f in result.failures
    )
    # every failed rate has its failures listed, and nothing passes and fails at once
    failed = {f.check for f in result.failures}
    if s["right_passage_first"] < 1.0:
        assert "passage" in failed
    if s["speakers_right"] < 1.0:
        assert failed & {"quote missing", "speaker wrong", "speaker missing"}


def test_a_page_that_cannot_be_read_is_scored_as_failing_not_left_out(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    shutil.copytree(PAIR, folder)
    (folder / "docs" / "bakery-prize.html").write_bytes(b"")
    result = evaluate_realdocs(folder, embedder=FakeEncoder(), work_dir=tmp_path)
    s = result.summary()
    assert (s["documents"], s["indexed"]) == (2, 1)
    assert s["answerable"] == 3 and s["quotes"] == 4  # its labels still count
    assert any(f.check == "not indexed" and f.file == "bakery-prize.html" for f in result.failures)
    assert s["extraction_first"] == 0.5


def test_qa_eval_says_in_one_line_what_is_wrong_with_a_label(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    shutil.copytree(PAIR, folder)
    label = folder / "labels" / "bakery-prize.html.json"
    data = json.loads(label.read_text(encoding="utf-8"))
    data["questions"][0]["answer"] = "318 entries"
    label.write_text(json.dumps(data), encoding="utf-8")
    result = qa("eval", str(folder))
    assert result.exit_code != 0
    assert result.output.startswith(
        "qa: error: malformed labels: bakery-prize.html.json: question 1"
    )


def test_qa_eval_names_both_formats_when_a_folder_is_neither(tmp_path: Path) -> None:
    result = qa("eval", str(tmp_path))
    assert result.exit_code != 0
    assert "nor docs/ and labels/" in result.output


def test_qa_eval_prints_the_figures_and_with_failures_each_failed_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the command as a developer types it, on the fake encoder instead of the model
    monkeypatch.setattr("qa.embedding.encoder.Embedder", FakeEncoder)
    brief = qa("eval", str(PAIR))
    assert brief.exit_code == 0, brief.output
    lines = brief.output.splitlines()
    assert any(line.split() == ["documents", "2"] for line in lines)
    assert any(line.strip().startswith("speakers_right") for line in lines)
    assert "(--failures lists them)" in brief.output or "failed checks  none" in brief.output
    listed = qa("eval", str(PAIR), "--failures")
    assert listed.exit_code == 0, listed.output
    headers = [line for line in listed.output.splitlines() if line.startswith("[")]
    checks = {line[1 : line.index("]")] for line in headers}
    assert checks <= CHECKS
    assert len(headers) == sum(
        int(n) for n in re.findall(r" (\d+)(?:,|$)", _line(listed.output, "failed checks"))
    )


def _line(output: str, key: str) -> str:
    return next(line for line in output.splitlines() if line.strip().startswith(key))
