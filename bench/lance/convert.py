"""Copy a SQLite + FAISS qa index into an index on Lance tables, for side-by-side figures.

    .venv/bin/python bench/lance/convert.py bench/work/scale/index-100k bench/work/lance/qa-100k

The scale suite's synthetic archives (``bench/scale/run.py --sizes 100k --only sizes
--keep``) took hours of embedding; this writes the same documents, chunks (their
vectors, sentence vectors and keyword bodies), quotations and term counts as
``qa index --store lance`` would have, then makes the tables' indexes and commits, so
both stores can be asked the same questions (``bench/scale/run.py _measure INDEX N``).
Prints the build's figures as JSON.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
BATCH = 20_000


def _bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def convert(source: Path, target: Path) -> dict[str, float]:
    import pyarrow as pa

    from qa.index.lance_tables import CHUNKS, DOCUMENTS, QUOTES, TERMS, connect
    from qa.index.lance_writer import LanceWriter, commit_tables, new_tables, stemmed, table_schemas
    from qa.index.manifest import read_manifest
    from qa.index.vectors import VectorIndex

    manifest = read_manifest(source)
    assert manifest is not None
    gen = source / manifest.generation
    started = time.perf_counter()
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    db = connect(target)
    tables = new_tables(db, manifest.generation, manifest.dimensions)
    schemas = table_schemas(manifest.dimensions)
    conn = sqlite3.connect(f"{(gen / 'store.sqlite').resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    documents = [dict(r) for r in conn.execute("SELECT * FROM documents ORDER BY id")]
    tables[DOCUMENTS].add(pa.Table.from_pylist(documents, schema=schemas[DOCUMENTS]))
    titles = {d["id"]: d["title"] for d in documents}
    layouts = {d["id"]: (d["text"], json.loads(d["paragraphs"])) for d in documents}
    del documents
    quotes = [dict(r) for r in conn.execute("SELECT * FROM quotes ORDER BY id")]
    if quotes:
        tables[QUOTES].add(pa.Table.from_pylist(quotes, schema=schemas[QUOTES]))
    faiss_index = VectorIndex.load(gen / "vectors.faiss")  # kept: the vectors are its view
    ids, data = faiss_index.all_vectors()
    vectors = dict(zip(ids.tolist(), range(len(ids)), strict=True))
    terms: Counter[str] = Counter()
    rows = conn.execute(
        "SELECT c.*, f.body FROM chunks c JOIN chunks_fts f ON f.rowid = c.id ORDER BY c.id"
    )
    while batch := rows.fetchmany(BATCH):
        out = []
        for r in batch:
            row = dict(r)
            text, paragraphs = layouts[row["doc_id"]]
            h = row["heading_index"]
            row["heading"] = None if h is None else text[paragraphs[h][0] : paragraphs[h][1]]
            row["vector"] = data[vectors[row["id"]]].astype(np.float32)
            row["terms"] = stemmed(row["body"])
            terms.update(set(row["terms"].split()))
            out.append(row)
        tables[CHUNKS].add(pa.Table.from_pylist(out, schema=schemas[CHUNKS]))
        print(f"chunks {out[-1]['id']}", file=sys.stderr, flush=True)
    conn.close()
    del titles
    tables[TERMS].add(
        pa.Table.from_pylist(
            [{"term": t, "chunks": n} for t, n in terms.items()], schema=schemas[TERMS]
        )
    )
    written_s = time.perf_counter() - started
    started = time.perf_counter()
    writer = LanceWriter(db, tables, manifest.dimensions)
    vector_kind = writer.ensure_indexes()
    indexes_s = time.perf_counter() - started
    commit_tables(
        db,
        tables,
        generation=manifest.generation,
        model=(manifest.model_name, manifest.model_sha256, manifest.dimensions),
        target_chars=manifest.chunk_target_chars,
        documents=dict(manifest.documents),
        chunks=manifest.chunks,
        vector_kind=vector_kind,
        created=manifest.created,
    )
    return {
        "chunks": manifest.chunks,
        "write_s": round(written_s, 1),
        "indexes_s": round(indexes_s, 1),
        "vector_index": vector_kind,
        "disk_mb": round(_bytes(target) / 1e6, 1),
        "sqlite_disk_mb": round(_bytes(gen) / 1e6, 1),
    }


if __name__ == "__main__":
    print(json.dumps(convert(Path(sys.argv[1]), Path(sys.argv[2]))))
