"""Questions to an index on Lance tables kept on S3-compatible object storage.

    .venv/bin/python bench/lance/s3_questions.py bench/work/lance/qa-100k [N]

The index folder (made by ``convert.py`` or ``qa index --store lance``) is put on a
SeaweedFS S3 gateway started on loopback for the run (``tests/helpers/s3_server.py``),
then ``bench/scale/run.py _measure s3://… N`` asks it N questions through
``qa.answer.ask.ask`` in a fresh process: the first questions are cold (nothing read
yet), the measured ones warm (what Lance keeps in memory: index pages, the listing).
Prints the upload and the figures as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main(index_dir: Path, n: int) -> None:
    from helpers.s3_server import SeaweedS3

    with tempfile.TemporaryDirectory(dir=ROOT / "bench" / "work") as tmp:
        server = SeaweedS3(Path(tmp) / "seaweedfs")
        try:
            started = time.perf_counter()
            sent = server.put_tree(index_dir, server.bucket, "archive")
            upload_s = time.perf_counter() - started
            run = subprocess.run(
                [sys.executable, str(ROOT / "bench" / "scale" / "run.py"), "_measure",
                 f"s3://{server.bucket}/archive", str(n)],
                capture_output=True, text=True, cwd=ROOT, env={**os.environ, **server.env()},
            )  # fmt: skip
        finally:
            server.close()
    if run.returncode != 0:
        raise SystemExit(run.stderr)
    figures = json.loads(run.stdout.splitlines()[-1])
    print(
        json.dumps({"upload_mb": round(sent / 1e6, 1), "upload_s": round(upload_s, 1), **figures})
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 100)
