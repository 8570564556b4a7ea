"""A fast loopback HTTP/1.1 keep-alive server for the overhead benchmarks (not Prism).

It answers from pre-encoded bodies so that the server costs as little as possible next
to the clients being measured:

- ``GET /api/v1/product-photo-operations``: a small body (six operations);
- ``GET /api/v1/product-photo-jobs/{id}``: a larger body (a job with 20 items);
- ``GET /v1/models/{model}`` and ``GET /v1/models``: the shapes openai-python's ``Model``
  and ``SyncPage[Model]`` parse (one model; a list of 20), for the peer SDK row.

It runs in its own process (``BenchServer``), so the client's timings never share the GIL
with it, and counts the connections it accepts in shared memory so the parent can check
connection reuse. It stops by itself: after ``lifetime`` seconds, or as soon as its parent
process is gone.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import multiprocessing.synchronize
import os
import socket
import time
import uuid
from multiprocessing.sharedctypes import Synchronized
from typing import Any

__all__ = ["JOB_ID", "MODEL_ID", "BenchServer", "job_body", "model_body", "models_body", "operations_body"]

PREFIX = b"/api/v1"
OPERATIONS_PATH = PREFIX + b"/product-photo-operations"
JOBS_PATH = PREFIX + b"/product-photo-jobs/"
JOB_ID = "6f1c2b9e-3a4d-4e5f-8a7b-1c2d3e4f5a6b"
MODELS_PATH = b"/v1/models"
MODEL_ID = "bench-model"
OPERATION_IDS = (
    "product_photo_enhance",
    "remove_background",
    "studio_packshot",
    "marketplace_clean",
    "natural_lifestyle",
    "premium_ad",
)
_MAX_HEADER_BYTES = 16_384
_POLL_SECONDS = 0.2


def operations_body() -> dict[str, Any]:
    return {
        "operations": [
            {
                "id": op,
                "name": op.replace("_", " ").capitalize(),
                "credits_per_image": 5,
                "description": f"The {op} operation.",
            }
            for op in OPERATION_IDS
        ],
        "request_id": "req_bench_operations",
    }


def job_body(items: int = 20) -> dict[str, Any]:
    ns = uuid.UUID(JOB_ID)
    return {
        "job": {
            "id": JOB_ID,
            "status": "completed",
            "total_items": items,
            "credits_reserved": 5 * items,
            "sandbox": True,
            "completed_items": items,
            "failed_items": 0,
            "credits_used": 5 * items,
            "items": [
                {
                    "id": str(uuid.uuid5(ns, str(n))),
                    "external_id": f"sku-{n:04d}",
                    "credits_reserved": 5,
                    "credits_used": 5,
                    "result_url": f"https://cdn.aigenstudio.example/results/{JOB_ID}/{n}.png",
                    "thumbnail_url": f"https://cdn.aigenstudio.example/thumbs/{JOB_ID}/{n}.webp",
                }
                for n in range(items)
            ],
        },
        "request_id": "req_bench_job",
    }


def model_body(model: str = MODEL_ID) -> dict[str, Any]:
    return {"id": model, "object": "model", "created": 0, "owned_by": "x"}


def models_body(count: int = 20) -> dict[str, Any]:
    return {"object": "list", "data": [model_body(f"{MODEL_ID}-{n:02d}") for n in range(count)]}


def _response(status: str, body: bytes, request_id: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "x-request-id: "
    ).encode()
    return head + request_id + b"\r\n\r\n" + body


class _Http(asyncio.Protocol):
    """Just enough HTTP/1.1 for GET requests on a keep-alive connection."""

    def __init__(
        self, routes: dict[bytes, bytes], job_prefix_body: bytes, counter: Synchronized[int]
    ) -> None:
        self._routes = routes
        self._job_body = job_prefix_body
        self._counter = counter
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        with self._counter.get_lock():
            self._counter.value += 1

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while True:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > _MAX_HEADER_BYTES and self._transport is not None:
                    self._transport.close()
                return
            head, self._buffer = self._buffer[:end], self._buffer[end + 4 :]
            self._answer(head)

    def _answer(self, head: bytes) -> None:
        assert self._transport is not None
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ")
        path = parts[1].split(b"?", 1)[0] if len(parts) > 1 else b""
        request_id = b"req_bench"
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"x-request-id":
                request_id = value.strip()  # echo the caller's id, as the real API does
        if path == OPERATIONS_PATH:
            body, status = self._routes[path], "200 OK"
        elif path.startswith(JOBS_PATH):
            body, status = self._job_body, "200 OK"
        elif path in self._routes:
            body, status = self._routes[path], "200 OK"
        elif path.startswith(MODELS_PATH + b"/"):
            body, status = self._routes[MODELS_PATH + b"/"], "200 OK"
        else:
            body, status = (
                b'{"error":{"code":"not_found","message":"no route"},"request_id":"x"}',
                "404 Not Found",
            )
        self._transport.write(_response(status, body, request_id))


async def _serve(sock: socket.socket, counter: Synchronized[int], lifetime: float, parent: int) -> None:
    compact = {"separators": (",", ":")}
    routes = {
        OPERATIONS_PATH: json.dumps(operations_body(), **compact).encode(),  # type: ignore[arg-type]
        MODELS_PATH: json.dumps(models_body(), **compact).encode(),  # type: ignore[arg-type]
        MODELS_PATH + b"/": json.dumps(model_body(), **compact).encode(),  # type: ignore[arg-type]
    }
    job = json.dumps(job_body(), **compact).encode()  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Http(routes, job, counter), sock=sock)
    async with server:
        for _ in range(max(1, int(lifetime / _POLL_SECONDS))):  # bounded: never outlives lifetime
            if os.getppid() != parent:
                break  # the parent is gone (killed): nobody will stop us
            await asyncio.sleep(_POLL_SECONDS)


def _main(sock: socket.socket, counter: Synchronized[int], lifetime: float, parent: int) -> None:
    asyncio.run(_serve(sock, counter, lifetime, parent))


class BenchServer:
    """The benchmark server in a child process; use as a context manager."""

    def __init__(self, lifetime: float = 300.0) -> None:
        self._lifetime = lifetime
        ctx = multiprocessing.get_context("spawn")  # a clean interpreter, no inherited state
        self._counter: Synchronized[int] = ctx.Value("i", 0)
        # Bound in the parent so the port is known (and listening) before the child starts.
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(1024)
        self.port: int = self._sock.getsockname()[1]
        self._process = ctx.Process(
            target=_main, args=(self._sock, self._counter, lifetime, os.getpid()), daemon=True
        )

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/api/v1"

    @property
    def connections(self) -> int:
        """Connections accepted since the last ``reset_connections``."""
        return int(self._counter.value)

    def reset_connections(self) -> None:
        with self._counter.get_lock():
            self._counter.value = 0

    def __enter__(self) -> BenchServer:
        self._process.start()
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self._process.is_alive():
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                probe.sendall(b"GET " + OPERATIONS_PATH + b" HTTP/1.1\r\nhost: x\r\n\r\n")
                if probe.recv(16).startswith(b"HTTP/1.1 200"):
                    self.reset_connections()
                    return
            time.sleep(0.05)
        raise RuntimeError("the benchmark server did not start (the entry script needs a __main__ guard)")

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._sock.close()
