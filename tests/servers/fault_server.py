"""A loopback stand-in for the API that breaks on purpose, one fault per scenario.

It implements just enough of the Product Photo API (create, get and list jobs, the two public
listings) with the real idempotency rule -- a repeated ``Idempotency-Key`` returns the
existing job with 200 -- and records every request, so a test can count what was sent and
how many jobs were created. A fault applies to the first ``times`` requests that match its
method and path; later requests get the normal answer (so a retry can recover).
"""

from __future__ import annotations

import email.utils
import json
import socket
import struct
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

JOBS_PATH = "/product-photo-jobs"

# Every fault the server can inject; names are used in reports.
FAULTS = (
    "reset_before_create",
    "reset_after_create",
    "html_502",
    "retry_after_503",
    "http_date_429",
    "truncated_json",
    "missing_required_field",
    "slow_response",
    "unknown_enum_value",
    "error_envelope_200",
)


@dataclass
class Fault:
    name: str
    method: str = "POST"
    path: str = JOBS_PATH
    times: int = 1
    slow_seconds: float = 0.5

    def __post_init__(self) -> None:
        if self.name not in FAULTS:
            raise ValueError(f"unknown fault {self.name!r}")


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FaultState:
    fault: Fault | None = None
    injected: int = 0
    requests: list[Recorded] = field(default_factory=list)
    jobs_by_key: dict[str, dict[str, Any]] = field(default_factory=dict)
    jobs_created: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The fault to inject into this request, if one is still due."""
        with self.lock:
            fault = self.fault
            if fault is None or fault.method != method or path.split("?")[0] != fault.path:
                return None
            if self.injected >= fault.times:
                return None
            self.injected += 1
            return fault

    def create_job(self, key: str, total_items: int) -> tuple[dict[str, Any], bool]:
        """The job for ``key``: (job, created now?). The API's idempotency rule."""
        with self.lock:
            existing = self.jobs_by_key.get(key)
            if existing is not None:
                return existing, False
            job = {
                "id": str(uuid.uuid4()),
                "status": "queued",
                "total_items": total_items,
                "credits_reserved": 0,
                "sandbox": True,
            }
            self.jobs_by_key[key] = job
            self.jobs_created += 1
            return job, True


class _Handler(BaseHTTPRequestHandler):
    server: _FaultHTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive, like the real API behind its proxy

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean (the suite searches captured output for the key)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        with state.lock:
            state.requests.append(Recorded(self.command, self.path, headers, body))
        request_id = headers.get("x-request-id") or f"req_srv_{uuid.uuid4().hex[:12]}"
        fault = state.take_fault(self.command, self.path)
        if fault is not None and self._inject(fault, body, headers, request_id):
            return
        status, payload = self._normal_answer(body, headers, request_id)
        self._send_json(status, payload, request_id)

    # -- the well-behaved API ------------------------------------------------------------

    def _normal_answer(
        self, body: bytes, headers: dict[str, str], request_id: str
    ) -> tuple[int, dict[str, Any]]:
        path = self.path.split("?")[0]
        if self.command == "POST" and path == JOBS_PATH:
            key = headers.get("idempotency-key")
            if not key:
                return 422, _envelope("invalid_payload", "Idempotency-Key is required", request_id)
            job, created = self.server.state.create_job(key, _image_count(body))
            return (201 if created else 200), {
                "job": job,
                "remaining_paid_credits": 0,
                "request_id": request_id,
            }
        if self.command == "GET" and path == JOBS_PATH:
            jobs = list(self.server.state.jobs_by_key.values())
            return 200, {"jobs": jobs, "request_id": request_id, "next_cursor": None}
        if self.command == "GET" and path.startswith(JOBS_PATH + "/"):
            job_id = path.rsplit("/", 1)[1]
            for job in self.server.state.jobs_by_key.values():
                if job["id"] == job_id:  # a sandbox job: done by the time anyone asks
                    done = {**job, "status": "completed", "completed_items": job["total_items"]}
                    return 200, {"job": {**done, "items": []}, "request_id": request_id}
            return 404, _envelope("not_found", "Product Photo job not found", request_id)
        if self.command == "GET" and path == "/product-photo-operations":
            operation = {"id": "studio_packshot", "name": "Studio packshot", "credits_per_image": 5}
            return 200, {"operations": [operation], "request_id": request_id}
        if self.command == "GET" and path == "/product-photo-presets":
            return 200, {"presets": [{"id": "white", "name": "White"}], "request_id": request_id}
        return 404, _envelope("not_found", f"no route {self.command} {path}", request_id)

    # -- the faults ------------------------------------------------------------------------

    def _inject(self, fault: Fault, body: bytes, headers: dict[str, str], request_id: str) -> bool:
        """Answer with ``fault``; False when the fault only alters the normal answer."""
        name = fault.name
        if name == "reset_before_create":
            self._reset()
        elif name == "reset_after_create":
            self._normal_answer(body, headers, request_id)  # the job exists from here on
            self._reset()
        elif name == "html_502":
            page = b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
            # A gateway page: no request id header, no JSON.
            self._send(502, page, "text/html", extra={})
        elif name == "retry_after_503":
            payload = _envelope("unavailable", "Service unavailable, retry later", request_id)
            self._send_json(503, payload, request_id, extra={"Retry-After": "0"})
        elif name == "http_date_429":
            # An HTTP date one second in the past: "retry now", in the date form.
            when = email.utils.formatdate(time.time() - 1, usegmt=True)
            payload = _envelope("rate_limited", "Too many requests", request_id)
            self._send_json(429, payload, request_id, extra={"Retry-After": when})
        elif name == "truncated_json":
            status, payload = self._normal_answer(body, headers, request_id)
            raw = json.dumps(payload).encode()
            self._send(status, raw[: len(raw) // 2], "application/json", request_id=request_id)
        elif name == "missing_required_field":
            status, payload = self._normal_answer(body, headers, request_id)
            payload.pop("job", None)
            payload.pop("jobs", None)
            self._send_json(status, payload, request_id)
        elif name == "slow_response":
            status, payload = self._normal_answer(body, headers, request_id)
            time.sleep(fault.slow_seconds)
            self._send_json(status, payload, request_id)
        elif name == "unknown_enum_value":
            status, payload = self._normal_answer(body, headers, request_id)
            job = payload.get("job")
            if isinstance(job, dict):
                payload["job"] = {**job, "status": "awaiting_moderation"}
            self._send_json(status, payload, request_id)
        elif name == "error_envelope_200":
            payload = _envelope("internal_error", "Something went wrong", request_id)
            self._send_json(200, payload, request_id)
        return True

    def _reset(self) -> None:
        """Drop the connection with a TCP RST: no status line ever reaches the client."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _send_json(
        self, status: int, payload: dict[str, Any], request_id: str, extra: dict[str, str] | None = None
    ) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", request_id, extra)

    def _send(
        self,
        status: int,
        content: bytes,
        content_type: str,
        request_id: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(content)))
            if request_id is not None:
                self.send_header("X-Request-Id", request_id)
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up first (the slow scenario)


def _envelope(code: str, message: str, request_id: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}, "request_id": request_id}


def _image_count(body: bytes) -> int:
    try:
        images = json.loads(body).get("images")
    except (ValueError, AttributeError):
        return 0
    return len(images) if isinstance(images, list) else 0


class _FaultHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = FaultState()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a reset connection is the point of some scenarios, not an error to print


class FaultServer:
    """Handle on a running fault server: configure a fault, then inspect what happened."""

    def __init__(self, httpd: _FaultHTTPServer) -> None:
        self._httpd = httpd

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def state(self) -> FaultState:
        return self._httpd.state

    def inject(self, fault: Fault | None) -> None:
        """Apply ``fault`` from the next request on (None: behave normally again)."""
        with self.state.lock:
            self.state.fault = fault
            self.state.injected = 0

    def requests_to(self, method: str, path: str = JOBS_PATH) -> list[Recorded]:
        with self.state.lock:
            return [r for r in self.state.requests if r.method == method and r.path.split("?")[0] == path]


@contextmanager
def running_fault_server() -> Iterator[FaultServer]:
    httpd = _FaultHTTPServer()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield FaultServer(httpd)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
