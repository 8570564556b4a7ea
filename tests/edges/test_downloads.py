"""Downloads (issue 22, item 1): a success whose body is bytes is streamed to the caller.

The client is generated from tests/fixtures/specs/v1.1/binary.yaml into a temp directory
once; each scenario (download_scenarios.py) runs in a subprocess with that package first on
its path, against a raw loopback server in this process. Memory is measured with
tracemalloc in the client process; no timing is asserted.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers.raw_socket import RawSocketServer
from tools.generate import generate_into

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "tests" / "fixtures" / "specs" / "v1.1" / "binary.yaml"
SCENARIOS = Path(__file__).with_name("download_scenarios.py")
KEY = "aigen_test_" + "x" * 24

BLOCK = 64 * 1024
BIG = 50 * 1024 * 1024  # 800 blocks
PDF = b"%PDF-1.7\n" + b"0" * 1000 + b"\n%%EOF\n"
ZEROS = BIG
GZIPPED = gzip.compress(bytes(ZEROS))  # 50 KiB on the wire


def _block(index: int) -> bytes:
    return bytes([index % 251]) * BLOCK


def _big_digest() -> str:
    digest = hashlib.sha256()
    for index in range(BIG // BLOCK):
        digest.update(_block(index))
    return digest.hexdigest()


class DownloadServer(RawSocketServer):
    """Answers the fixture spec's downloads, one response per connection."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        super().__init__()

    def answer(self, conn: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            data = conn.recv(65536)
            if not data:
                return
            request += data
        path = request.split(b" ", 2)[1].decode()
        self.requests[path] += 1
        getattr(self, "_" + path.strip("/").replace("/", "_").replace("-", "_"), self._missing)(conn)

    @staticmethod
    def _head(conn: socket.socket, status: str, headers: dict[str, str]) -> None:
        lines = [f"HTTP/1.1 {status}", "X-Request-Id: req_download_1", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())

    def _exports_big_download(self, conn: socket.socket) -> None:
        self._head(conn, "200 OK", {"Content-Type": "application/zip", "Content-Length": str(BIG)})
        for index in range(BIG // BLOCK):
            conn.sendall(_block(index))

    def _exports_chunked_download(self, conn: socket.socket) -> None:
        self._head(conn, "200 OK", {"Content-Type": "application/zip", "Transfer-Encoding": "chunked"})
        for index in range(48):  # 3 MiB, no declared length
            conn.sendall(f"{BLOCK:x}\r\n".encode() + _block(index) + b"\r\n")
        conn.sendall(b"0\r\n\r\n")

    def _exports_short_download(self, conn: socket.socket) -> None:
        self._head(conn, "200 OK", {"Content-Type": "application/zip", "Content-Length": str(16 * BLOCK)})
        conn.sendall(_block(0) * 2)  # then the connection drops

    def _exports_huge_download(self, conn: socket.socket) -> None:
        self._head(conn, "200 OK", {"Content-Type": "application/zip", "Content-Length": str(10 * 1024**3)})
        conn.sendall(_block(0))

    def _exports_unavailable_download(self, conn: socket.socket) -> None:
        body = json.dumps({"error": {"code": "internal_error", "message": "try later"}}).encode()
        self._head(
            conn,
            "500 Internal Server Error",
            {"Content-Type": "application/json", "Content-Length": str(len(body))},
        )
        conn.sendall(body)

    def _exports_gzipped_download(self, conn: socket.socket) -> None:
        headers = {"Content-Type": "application/zip", "Content-Encoding": "gzip"}
        self._head(conn, "200 OK", {**headers, "Content-Length": str(len(GZIPPED))})
        conn.sendall(GZIPPED)

    def _invoices_inv_1(self, conn: socket.socket) -> None:
        self._head(conn, "200 OK", {"Content-Type": "application/pdf", "Content-Length": str(len(PDF))})
        conn.sendall(PDF)

    def _missing(self, conn: socket.socket) -> None:
        envelope = {"error": {"code": "not_found", "message": "no such export"}, "request_id": "req_missing"}
        body = json.dumps(envelope).encode()
        self._head(
            conn, "404 Not Found", {"Content-Type": "application/json", "Content-Length": str(len(body))}
        )
        conn.sendall(body)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("binary-client")
    generate_into(SPEC, workdir)
    return workdir


@pytest.fixture
def server() -> Iterator[DownloadServer]:
    running = DownloadServer()
    try:
        yield running
    finally:
        running.close()


def _run(generated: Path, server: DownloadServer, *args: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(generated), str(ROOT / "overrides"), str(ROOT)]),
        "AIGENSTUDIO_BASE_URL": f"http://127.0.0.1:{server.port}",
        "AIGENSTUDIO_API_KEY": KEY,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    done = subprocess.run(
        [sys.executable, str(SCENARIOS), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_50_mb_download_is_streamed_in_order_with_bounded_memory(
    generated: Path, server: DownloadServer
) -> None:
    found = _run(generated, server, "stream_sync", "big")
    assert (found["sha256"], found["size"]) == (_big_digest(), BIG)  # every byte, in order
    assert found["largest"] <= 256 * 1024  # handed over in the chunks asked for
    assert found["peak"] < BIG // 10, found["peak"]  # never the whole body in memory
    assert (found["content_type"], found["request_id"], found["closed"]) == (
        "application/zip",
        "req_download_1",
        True,
    )


def test_an_async_download_is_streamed_with_bounded_memory(generated: Path, server: DownloadServer) -> None:
    found = _run(generated, server, "stream_async", "big")
    assert (found["sha256"], found["size"], found["closed"]) == (_big_digest(), BIG, True)
    assert found["peak"] < BIG // 10, found["peak"]


def test_write_to_file_streams_to_disk_and_leaves_no_part_file(
    generated: Path, server: DownloadServer, tmp_path: Path
) -> None:
    target = tmp_path / "export.zip"
    found = _run(generated, server, "write_file", "big", str(target))
    assert (found["written"], found["files"]) == (BIG, ["export.zip"])
    assert found["peak"] < BIG // 10, found["peak"]
    digest = hashlib.sha256()
    with target.open("rb") as written:
        for block in iter(lambda: written.read(1 << 20), b""):
            digest.update(block)
    assert digest.hexdigest() == _big_digest()


def test_a_broken_download_leaves_no_file_under_the_final_name(
    generated: Path, server: DownloadServer, tmp_path: Path
) -> None:
    found = _run(generated, server, "write_file", "short", str(tmp_path / "export.zip"))
    assert (found["error"], found["files"]) == ("APIConnectionError", [])
    assert server.requests["/exports/short/download"] == 1  # a half-read body is never retried


@pytest.mark.parametrize("how", ["close", "break", "gc"])
def test_an_unfinished_download_releases_its_connection(
    generated: Path, server: DownloadServer, how: str
) -> None:
    # A pool of one connection: the invoice call would time out waiting for it otherwise.
    assert _run(generated, server, "released", "big", how) == {"second": len(PDF)}


def test_an_error_status_of_a_download_is_its_typed_error(generated: Path, server: DownloadServer) -> None:
    found = _run(generated, server, "error", "missing")
    assert (found["error"], found["status"]) == ("NotFoundError", 404)
    assert "no such export" in found["message"]


def test_a_5xx_of_a_download_is_retried_then_typed(generated: Path, server: DownloadServer) -> None:
    found = _run(generated, server, "error", "unavailable")
    assert (found["error"], found["status"]) == ("InternalServerError", 500)
    assert server.requests["/exports/unavailable/download"] == 3  # GET: retried as any call


def test_a_declared_length_over_max_download_size_is_refused_before_reading(
    generated: Path, server: DownloadServer
) -> None:
    found = _run(generated, server, "error", "huge")
    assert found["error"] == "APIConnectionError"
    assert "max_download_size" in found["message"]
    assert server.requests["/exports/huge/download"] == 1


def test_an_undeclared_length_is_cut_off_at_max_download_size(
    generated: Path, server: DownloadServer
) -> None:
    found = _run(generated, server, "error", "chunked", str(1024 * 1024))
    assert found["error"] == "APIConnectionError"
    assert "max_download_size (1048576 bytes" in found["message"]
    assert _run(generated, server, "error", "chunked") == {"error": None}  # the default fits 3 MiB


def test_a_short_body_is_a_typed_error_async(generated: Path, server: DownloadServer) -> None:
    found = _run(generated, server, "async_error", "short")
    assert found["error"] == "APIConnectionError"
    assert server.requests["/exports/short/download"] == 1


def test_an_encoded_download_is_decoded_within_max_download_size(
    generated: Path, server: DownloadServer
) -> None:
    found = _run(generated, server, "stream_sync", "gzipped")
    assert (found["sha256"], found["size"]) == (hashlib.sha256(bytes(ZEROS)).hexdigest(), ZEROS)
    assert found["peak"] < ZEROS // 10, found["peak"]
    bomb = _run(generated, server, "error", "gzipped", str(1024 * 1024))  # 50 KiB inflating to 50 MiB
    assert bomb["error"] == "APIConnectionError"
    assert "max_download_size (1048576 bytes decoded)" in bomb["message"]
