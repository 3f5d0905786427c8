"""`qa ask - --conversation`, as a real `qa` process on the bundled article: the lines of
standard input are one conversation, an empty line starts a new one, and each answer
says what it was understood as; without `--conversation` every line stands alone."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from helpers.cli import HANG_SECONDS, QA

WHO = "Who is Choi Jung-hoon?"
SAY = "What did he say?"
# A follow-up, an empty line, then the same follow-up as the first line of a new
# conversation, where "he" points back to no one.
DIALOGUE = f"{WHO}\n{SAY}\n\n{SAY}\n"


def ask_lines(index_dir: Any, stdin: str, *options: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [QA, "ask", "-", "--index", str(index_dir), *options],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def test_conversation_json_says_what_each_line_was_understood_as(sample_index: Any) -> None:
    status, out, err = ask_lines(sample_index.index_dir, DIALOGUE, "--conversation", "--json")
    assert status == 0, err
    answers = [json.loads(line) for line in out.splitlines()]
    assert [(a["question"], a["understood_as"]) for a in answers] == [
        (WHO, WHO),  # the first turn needs nothing from before
        (SAY, "What did Choi Jung-hoon say?"),
        (SAY, SAY),  # after the empty line: a new conversation, no one to refer to
    ]
    said = answers[1]["answer"]
    assert said is not None and said["speaker"] == "Choi Jung-hoon"
    assert "major repercussions" in said["text"]


def test_without_conversation_every_line_is_asked_alone(sample_index: Any) -> None:
    status, out, err = ask_lines(sample_index.index_dir, DIALOGUE, "--json")
    assert status == 0, err
    answers = [json.loads(line) for line in out.splitlines()]
    assert [(a["question"], a["understood_as"]) for a in answers] == [
        (WHO, WHO),
        (SAY, SAY),
        (SAY, SAY),
    ]


def test_conversation_text_says_understood_as_before_the_answer(sample_index: Any) -> None:
    status, out, err = ask_lines(sample_index.index_dir, DIALOGUE, "--conversation")
    assert status == 0, err
    lines = out.splitlines()
    questions = [n for n, line in enumerate(lines) if line.startswith("Q: ")]
    assert [lines[n] for n in questions] == [f"Q: {WHO}", f"Q: {SAY}", f"Q: {SAY}"]
    # Only the follow-up was read as another question, and it says so at once.
    assert [line for line in lines if line.startswith("understood as: ")] == [
        "understood as: What did Choi Jung-hoon say?"
    ]
    assert lines[questions[1] + 1] == "understood as: What did Choi Jung-hoon say?"
