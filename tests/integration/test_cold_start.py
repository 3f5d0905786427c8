"""A first start on a document nobody has indexed: the wait for the first answer.

Reading, splitting into sentences (spaCy), finding quotations, loading the model (the
ONNX export, on a thread of its own while the document is read) and embedding must not
import torch: spaCy's import of torch was 1.3 s of the 3.5 s a reader waited for the
first answer to `qa chat article.txt` on this machine. Torch stays importable for what
needs it (the first ONNX export, the torch encoder when there is none).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from helpers.corpus import TESTS

SAMPLE = TESTS.parent / "docs" / "north-korean-troops-in-russia.txt"
SCRIPT = """
import sys
from pathlib import Path
from qa.session import Session

session = Session(Path(sys.argv[1]), [Path(sys.argv[2])])
session.prepare(lambda *args: None)
answer = session.ask("How many North Korean troops were sent to Russia?")
assert answer.answer is not None and "10,000" in answer.answer.text, answer
assert any(q.speaker == "Lee Woong-gil" for q in session.quotes() or []), "no quotations"
assert "torch" not in sys.modules, "torch was imported"
import thinc.compat
assert not thinc.compat.has_torch
import torch  # still importable afterwards
print("ok", torch.__version__)
"""


def test_a_first_start_on_a_new_document_does_not_import_torch(
    tmp_path: Path, question_export: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copyfile(SAMPLE, folder / SAMPLE.name)
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "index"), str(folder / SAMPLE.name)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("ok")
