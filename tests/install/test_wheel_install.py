"""`qa` installed as Python tools are installed: a wheel, into a new virtual environment
made by this Python, with the pip that Python brings (23.2 here, never upgraded), then
every format indexed and asked. `./dev` upgrades pip first, so without this check an
install the way users make it could lose a format unseen (pip 23.2 left out
lxml_html_clean, and every HTML file was skipped)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.corpus import FIXTURE_DOCS, ROOT, SAMPLE_ARTICLE

# One document of each format, and a question only it answers, with words the answer holds.
DOCUMENTS = {
    SAMPLE_ARTICLE.name: ("How many North Korean soldiers were sent to Russia?", "10,000"),
    "article.html": ("How much did the bridge repairs cost?", "18 million euros"),
    "three_pages.pdf": ("How often is the horn sounded during fog?", "thirty seconds"),
    "report.docx": ("How many pear trees will be planted next quarter?", "forty new pear trees"),
}
INSTALL_SECONDS = 1800  # only stops a hung install; nothing asserts on time


def _run(*args: str | Path, env: dict[str, str], cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=INSTALL_SECONDS,
        check=False,
    )
    assert done.returncode == 0, f"{args}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The `qa` command of a wheel installed into a new environment, and the environment
    variables to run it with (none of the test environment's own)."""
    root = tmp_path_factory.mktemp("install")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["QA_CACHE_DIR"] = str(root / "cache")  # a new user's: no ONNX export yet
    # The wheel, built from a copy of the sources (so no build files land in the tree),
    # with this environment's setuptools.
    source = root / "source"
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, source / name)
    _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "-w", root / "dist", source, env=env,
    )  # fmt: skip
    (wheel,) = (root / "dist").glob("qa-*.whl")
    # A new environment with the base Python's own pip, then the README's two steps.
    venv = root / "venv"
    _run(getattr(sys, "_base_executable", sys.executable), "-m", "venv", venv, env=env)
    pip = venv / "bin" / "pip"
    constraints = ROOT / "constraints.txt"
    _run(pip, "install", "-c", constraints, "torch", env=env)
    _run(pip, "install", "-c", constraints, wheel, env=env)
    return venv / "bin" / "qa", env


def test_an_installed_wheel_indexes_and_answers_every_format(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
):
    qa, env = installed
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in DOCUMENTS:
        source = SAMPLE_ARTICLE if name == SAMPLE_ARTICLE.name else FIXTURE_DOCS / name
        shutil.copyfile(source, docs / name)
    index_dir = tmp_path / "index"
    out = _run(qa, "index", docs, "--index", index_dir, env=env, cwd=tmp_path)
    assert "4 indexed, 0 unchanged, 0 removed, 0 skipped" in out, out
    assert "skipped" not in out.replace("0 skipped", ""), out
    for name, (question, words) in DOCUMENTS.items():
        answer = json.loads(
            _run(qa, "ask", question, "--index", index_dir, "--json", env=env, cwd=tmp_path)
        )["answer"]
        assert answer is not None, (name, question)
        assert Path(answer["source"]).name == name and words in answer["text"], answer
    assert _run(qa, "--version", env=env).startswith("qa, version ")
