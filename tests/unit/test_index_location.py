"""Where an index lives: a folder, or a prefix on S3-compatible object storage whose
endpoint and keys come from the standard AWS_* variables or a qa.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.errors import QaError
from qa.index.lance_tables import is_lance_index, storage_options
from qa.index.location import IndexPath, remote_uri

AWS = (
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
)


@pytest.fixture(autouse=True)
def no_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in AWS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)


def test_an_s3_index_prints_and_resolves_as_given():
    where = IndexPath("s3://newsroom/archive/2026")
    assert str(where) == "s3://newsroom/archive/2026"
    assert f"at {where}" == "at s3://newsroom/archive/2026"
    assert remote_uri(where) == "s3://newsroom/archive/2026"
    assert remote_uri(Path("s3://newsroom/archive")) == "s3://newsroom/archive"
    assert is_lance_index(where)
    assert remote_uri(IndexPath("index")) is None and not is_lance_index(Path("index"))


def test_keys_and_endpoint_come_from_the_aws_variables(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://minio.local:9000")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "reporter")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert storage_options(IndexPath("s3://news/archive")) == {
        "aws_endpoint": "http://minio.local:9000",
        "aws_access_key_id": "reporter",
        "aws_secret_access_key": "s3cret",
        "aws_region": "eu-west-1",
        "allow_http": "true",
    }
    assert storage_options(Path("index")) == {}


def test_qa_toml_fills_what_the_variables_leave_unset(monkeypatch: pytest.MonkeyPatch):
    Path("qa.toml").write_text(
        '[s3]\nendpoint = "https://s3.newsroom.example"\nregion = "auto"\n'
        'access_key_id = "desk"\nsecret_access_key = "from-file"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "from-env")
    options = storage_options(IndexPath("s3://news/archive"))
    assert options == {
        "aws_endpoint": "https://s3.newsroom.example",
        "aws_region": "auto",
        "aws_access_key_id": "desk",
        "aws_secret_access_key": "from-env",
    }


def test_a_broken_qa_toml_is_a_one_line_error():
    Path("qa.toml").write_text("[s3\nendpoint = ", encoding="utf-8")
    with pytest.raises(QaError, match=r"^qa.toml cannot be read \("):
        storage_options(IndexPath("s3://news/archive"))
