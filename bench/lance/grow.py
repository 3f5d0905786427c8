"""A larger index on Lance tables made of copies of a smaller one, for the 1M-chunk figures.

    .venv/bin/python bench/lance/grow.py bench/work/lance/qa-100k bench/work/lance/qa-1m 10

The scale suite's 1M archive is itself made of near-copies of a thousand real chunks
(``bench/scale``); embedding a million chunks here would take ~35 h. This writes
``TIMES`` copies of every document, chunk (vectors included), quotation and term count
of an index made by ``convert.py`` or ``qa index --store lance``, each copy under its
own sources (``copy-N/…``) and ids, makes the tables' indexes (IVF_PQ above 50k chunks,
BM25, look-ups) and commits. Prints the build's figures as JSON.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))


def _bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def grow(source: Path, target: Path, times: int) -> dict[str, object]:
    import pyarrow.compute as pc

    from qa.index.lance_tables import CHUNKS, DOCUMENTS, QUOTES, TERMS, connect, read_commit
    from qa.index.lance_writer import LanceWriter, commit_tables, new_tables

    started = time.perf_counter()
    src = connect(source)
    commit = read_commit(src, source)
    assert commit is not None
    manifest = commit[1]
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    db = connect(target)
    tables = new_tables(db, manifest.generation, manifest.dimensions)
    steps = {role: 0 for role in (DOCUMENTS, CHUNKS, QUOTES)}
    for role in steps:
        name, version = manifest.tables[role]
        table = src.open_table(name)
        table.checkout(int(version))
        data = table.to_arrow()
        steps[role] = int(pc.max(data["id"]).as_py() or 0) + 1
        for n in range(times):
            copy = data.set_column(
                data.schema.get_field_index("id"), "id", pc.add(data["id"], n * steps[role])
            )
            if role != DOCUMENTS:
                i = copy.schema.get_field_index("doc_id")
                copy = copy.set_column(i, "doc_id", pc.add(copy["doc_id"], n * steps[DOCUMENTS]))
            else:
                i = copy.schema.get_field_index("source")
                copy = copy.set_column(
                    i, "source", pc.binary_join_element_wise(f"copy-{n}", copy["source"], "/")
                )
            for start in range(0, copy.num_rows, 50_000):
                tables[role].add(copy.slice(start, 50_000))
            print(f"{role} copy {n}", file=sys.stderr, flush=True)
    name, version = manifest.tables[TERMS]
    terms = src.open_table(name)
    terms.checkout(int(version))
    counts = terms.to_arrow()
    counts = counts.set_column(1, "chunks", pc.multiply(counts["chunks"], times))
    tables[TERMS].add(counts)
    written_s = time.perf_counter() - started
    started = time.perf_counter()
    vector_kind = LanceWriter(db, tables, manifest.dimensions).ensure_indexes()
    indexes_s = time.perf_counter() - started
    documents = {f"copy-{n}/{s}": h for n in range(times) for s, h in manifest.documents.items()}
    commit_tables(
        db,
        tables,
        generation=manifest.generation,
        model=(manifest.model_name, manifest.model_sha256, manifest.dimensions),
        target_chars=manifest.chunk_target_chars,
        documents=documents,
        chunks=manifest.chunks * times,
        vector_kind=vector_kind,
        created=manifest.created,
    )
    return {
        "chunks": manifest.chunks * times,
        "write_s": round(written_s, 1),
        "indexes_s": round(indexes_s, 1),
        "vector_index": vector_kind,
        "disk_mb": round(_bytes(target) / 1e6, 1),
    }


if __name__ == "__main__":
    print(json.dumps(grow(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))))
