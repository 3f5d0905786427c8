"""Rebuild a synthetic index's vector file (and manifest entry) from its saved float32
vectors, through ``VectorIndex.fit`` as `qa index` would: used when only the vector
index changed, so a 1M-chunk store need not be written again (17 minutes here).

    .venv/bin/python bench/scale/revector.py INDEX_DIR VECTORS.npy
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

from qa.files import sha256_file
from qa.index.vectors import VectorIndex


def main() -> None:
    index_dir, saved = Path(sys.argv[1]), Path(sys.argv[2])
    manifest = json.loads((index_dir / "manifest.json").read_text())
    started = time.perf_counter()
    ids = np.load(saved.with_suffix(".ids.npy"))
    index = VectorIndex.new(manifest["dimensions"])
    data = np.load(saved, mmap_mode="r")
    for start in range(0, len(ids), 100_000):
        index.add(ids[start : start + 100_000].tolist(), data[start : start + 100_000])
    index, kind, params = index.fit()
    path = index_dir / manifest["generation"] / "vectors.faiss"
    index.save(path)
    manifest["vector_index"], manifest["vector_params"] = kind, params
    if "vectors_sha256" in manifest:
        manifest["vectors_bytes"] = path.stat().st_size
        manifest["vectors_sha256"] = sha256_file(path)
    (index_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "vectors_s": round(time.perf_counter() - started, 1),
                "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
                "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
                "vector_index": kind,
                "vector_params": params,
            }
        )
    )


if __name__ == "__main__":
    main()
