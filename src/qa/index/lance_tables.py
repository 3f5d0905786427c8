"""Where a Lance index lives and how its tables are committed together.

An index on Lance tables (``qa index --store lance``, or any ``--index s3://…``) is a
LanceDB database: a local folder or a prefix on S3-compatible object storage. It holds
the data tables (documents, chunks, quotes, terms) and one small table, ``commits``,
whose single row is the index's manifest: which version of each data table belongs to
the index. Lance commits each table on its own; the row in ``commits`` (rewritten by one
overwrite, itself atomic) is what makes a set of table versions the index. A writer
killed before it rewrites that row leaves newer table versions that no manifest names:
readers never see them, and the next writer restores each table to the committed
version before it starts.

S3 endpoint and credentials come from the standard ``AWS_*`` variables or, for what
they leave unset, the ``[s3]`` table of a ``qa.toml`` in the working folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from qa.errors import IndexUnusable, QaError
from qa.index.location import remote_uri
from qa.index.manifest import Manifest, manifest_from_json

COMMITS = "commits"
DOCUMENTS, CHUNKS, QUOTES, TERMS = "documents", "chunks", "quotes", "terms"
DATA_TABLES = (DOCUMENTS, CHUNKS, QUOTES, TERMS)
STORAGE = "lance"
CONFIG_FILE = "qa.toml"


def store_error(index_dir: Path, exc: BaseException) -> IndexUnusable:
    """An object store's (or Lance's) failure as one line saying what is wrong: the
    bucket, the endpoint, the keys, or the first words of what the store said."""
    text = str(exc)
    where = str(index_dir)
    if "NoSuchBucket" in text:
        bucket = where.removeprefix("s3://").split("/", 1)[0]
        reason = f"the bucket {bucket} does not exist"
    elif "Connect" in text or "Connection refused" in text or "dns error" in text:
        endpoint = storage_options(index_dir).get("aws_endpoint", "the default AWS endpoint")
        reason = f"cannot reach the object store at {endpoint} (AWS_ENDPOINT_URL)"
    elif any(code in text for code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNot")):
        reason = "access denied: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    else:
        # Lance's messages end with the Rust source line that raised them: not for users.
        first = re.split(r",\s*/\S+\.rs:\d+", (text.splitlines() or ["unreadable"])[0])[0]
        reason = f"it is damaged ({first[:160]}); run `qa index --rebuild`"
    return IndexUnusable(f"the index at {where} cannot be used: {reason}")


# What Lance raises when a table or the object store under it fails (its Rust core's
# errors come through as these).
STORE_ERRORS = (OSError, RuntimeError, ValueError)


@contextlib.contextmanager
def store_errors(index_dir: Path) -> Iterator[None]:
    """Turn a Lance or object-store failure inside into ``store_error``'s one line."""
    try:
        yield
    except STORE_ERRORS as exc:
        raise store_error(index_dir, exc) from None


def is_lance_index(index_dir: Path) -> bool:
    """Whether ``index_dir`` is (or, remote, can only be) an index on Lance tables."""
    return remote_uri(index_dir) is not None or (index_dir / f"{COMMITS}.lance").is_dir()


def database_uri(index_dir: Path) -> str:
    return remote_uri(index_dir) or str(index_dir)


def _config_file() -> dict[str, Any]:
    path = Path(CONFIG_FILE)
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise QaError(f"{path} cannot be read ({exc})") from None
    section = data.get("s3", {})
    return section if isinstance(section, dict) else {}


def storage_options(index_dir: Path) -> dict[str, str]:
    """What the object store client needs for a remote index: endpoint, region and
    keys from ``AWS_*`` variables, else from ``qa.toml``'s ``[s3]``; empty for a local
    folder. A plain-HTTP endpoint (a store on the local network) is allowed as such."""
    if remote_uri(index_dir) is None:
        return {}
    config = _config_file()
    pairs = {
        "aws_endpoint": ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "endpoint"),
        "aws_region": ("AWS_REGION", "AWS_DEFAULT_REGION", "region"),
        "aws_access_key_id": ("AWS_ACCESS_KEY_ID", None, "access_key_id"),
        "aws_secret_access_key": ("AWS_SECRET_ACCESS_KEY", None, "secret_access_key"),
        "aws_session_token": ("AWS_SESSION_TOKEN", None, "session_token"),
    }
    options: dict[str, str] = {}
    for key, (env, fallback_env, config_key) in pairs.items():
        value = os.environ.get(env) or (os.environ.get(fallback_env) if fallback_env else None)
        value = value or config.get(config_key)
        if value:
            options[key] = str(value)
    options.setdefault("aws_region", "us-east-1")
    if options.get("aws_endpoint", "").startswith("http://"):
        options["allow_http"] = "true"
    return options


def import_lancedb() -> Any:
    """lancedb, or a one-line error saying how to install it (it is an optional extra).
    Its Rust core's log is kept to errors: its warnings (a table "will be created") are
    not the user's business."""
    os.environ.setdefault("LANCEDB_LOG", "error")
    try:
        import lancedb
    except ImportError:
        raise QaError(
            "indexes on Lance tables (--store lance, s3://) need lancedb: pip install 'qa[archive]'"
        ) from None
    return lancedb


def connect(index_dir: Path) -> Any:
    """The LanceDB connection of an index (local folder or object store)."""
    lancedb = import_lancedb()
    return lancedb.connect(database_uri(index_dir), storage_options=storage_options(index_dir))


def table_names(db: Any) -> set[str]:
    listed = db.list_tables()
    return set(getattr(listed, "tables", listed))


def read_commit(db: Any, index_dir: Path) -> tuple[int, Manifest] | None:
    """The committed manifest and the version of ``commits`` that holds it; None when
    no index was ever committed there."""
    try:
        if COMMITS not in table_names(db):
            return None
        table = db.open_table(COMMITS)
        rows = table.to_arrow().to_pylist()
        version = int(table.version)
    except STORE_ERRORS as exc:
        raise store_error(index_dir, exc) from None
    if len(rows) != 1:
        raise IndexUnusable(f"the index at {index_dir} has no single commit; rebuild it")
    try:
        return version, manifest_from_json(json.loads(rows[0]["manifest"]))
    except (ValueError, TypeError) as exc:
        raise IndexUnusable(
            f"the index at {index_dir} has a damaged commit ({exc}); run `qa index --rebuild`"
        ) from None


def commit_version(index_dir: Path) -> int | None:
    """The version of ``commits`` now: a reader moves to a newer index when it changes."""
    try:
        db = connect(index_dir)
        if COMMITS not in table_names(db):
            return None
        return int(db.open_table(COMMITS).version)
    except STORE_ERRORS:
        return None


def write_commit(db: Any, manifest: Manifest) -> None:
    """Make ``manifest`` (and the table versions it names) the index, in one overwrite."""
    import pyarrow as pa

    row = pa.table({"manifest": [json.dumps(asdict(manifest), sort_keys=True)]})
    if COMMITS in table_names(db):
        db.open_table(COMMITS).add(row, mode="overwrite")
    else:
        db.create_table(COMMITS, data=row)
