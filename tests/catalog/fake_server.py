"""A fake Product Photo API on 127.0.0.1 that counts what it charges, for crash tests.

Creates are idempotent (same idempotency key, same job, no new charge). Each API key (the
bearer token) may have one active job, and the account ``account_limit`` active jobs at once;
a create beyond either is refused with ``limit_status`` (409 by default; a 429 carries
``Retry-After: 0``). A job completes at its ``polls_to_finish``-th poll. ``charges`` counts,
per image (external_id, else source_url), how many created jobs included it: "never charged
twice" is ``max(charges.values()) == 1``. ``max_active`` records the most jobs active at
once, ``polls_while_active`` how many jobs were active at each poll.

``per_key`` scopes idempotency keys and jobs to the API key, as the vendor may: the same
idempotency key sent with another API key creates (and charges) another job, and a job read
with another API key is a 404. ``reads`` lists every job read as (job id, API key, found).
``drop_answers_for`` names an API key whose creates are performed but never answered (the
connection is closed instead): a create answer lost on the way. ``credits_per_item`` is what
each item costs (a float such as 10.0 goes on the wire as ``10.0``); ``item_error`` (code,
message) makes every item of a finished job fail with that error. ``hostile_job`` and
``hostile_items`` are merged into every finished job and its items: odd values a server may
send (a count beyond 64 bits, text with a lone surrogate from a JSON ``\\ud800``).
``hold_after_creates`` makes every create after that many wait until ``release`` is set: a
slow API, for stopping a client at a known point without timing (``holding`` is set once a
create waits).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OPERATIONS = [
    {"id": "marketplace_clean", "name": "Marketplace clean", "credits_per_image": 1},
    {"id": "premium_ad", "name": "Premium ad", "credits_per_image": 4},
]


@dataclass
class Job:
    id: str
    images: list[dict[str, Any]]
    polls: int = 0
    finish_at: int = 2
    api_key: str | None = None
    credits_per_item: float = 1  # 10.0 is sent as a JSON float (10.0), as a server may
    item_error: tuple[str, str] | None = None  # (code, message): every item fails with it
    hostile_job: dict[str, Any] = field(default_factory=dict)
    hostile_items: dict[str, Any] = field(default_factory=dict)
    running_job: dict[str, Any] = field(default_factory=dict)  # merged into it while processing

    @property
    def status(self) -> str:
        return "completed" if self.polls >= self.finish_at else "processing"

    def wire(self) -> dict[str, Any]:
        done = self.status == "completed"
        job: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "total_items": len(self.images),
            "credits_reserved": len(self.images),
            "sandbox": True,
            "items": [],
        }
        if done:
            job["credits_used"] = len(self.images) * self.credits_per_item
            job["items"] = [{**self._item(n, i), **self.hostile_items} for n, i in enumerate(self.images)]
            job.update(self.hostile_job)
        else:
            job.update(self.running_job)
        return job

    def _item(self, n: int, image: dict[str, Any]) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            **({"external_id": image["external_id"]} if "external_id" in image else {}),
            "credits_used": self.credits_per_item,
        }
        if self.item_error is not None:
            item["error_code"], item["error_message"] = self.item_error
        else:
            item["result_url"] = f"https://cdn.test/{self.id}/{n}.png"
            item["thumbnail_url"] = f"https://cdn.test/{self.id}/{n}.thumb.png"
        return item


@dataclass
class State:
    jobs: dict[str, Job] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    charges: Counter[str] = field(default_factory=Counter)
    creates: int = 0
    refusals: int = 0
    account_limit: int = 2
    polls_to_finish: int = 2
    throttle_creates: int = 0  # answer this many creates with 429 first
    limit_status: int = 409  # the answer to a create beyond a limit
    fail_creates_for: str | None = None  # an API key whose creates get a 402
    failed_creates: int = 0
    max_active: int = 0
    polls_while_active: list[int] = field(default_factory=list)
    per_key: bool = False
    reads: list[tuple[str, str, bool]] = field(default_factory=list)
    drop_answers_for: str | None = None
    credits_per_item: float = 1
    item_error: tuple[str, str] | None = None
    hostile_job: dict[str, Any] = field(default_factory=dict)  # merged into finished jobs
    hostile_items: dict[str, Any] = field(default_factory=dict)  # ... and their items
    running_job: dict[str, Any] = field(default_factory=dict)  # merged into jobs still processing
    hold_after_creates: int | None = None  # creates beyond this many wait for ``release``
    release: threading.Event = field(default_factory=threading.Event)
    holding: threading.Event = field(default_factory=threading.Event)  # set while a create waits
    lock: threading.Lock = field(default_factory=threading.Lock)

    def active(self, api_key: str | None = None) -> int:
        return sum(
            1
            for job in self.jobs.values()
            if job.status != "completed" and (api_key is None or job.api_key == api_key)
        )


class _Handler(BaseHTTPRequestHandler):
    server: FakeServer

    def log_message(self, *_: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, code: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, {"error": {"code": code, "message": code}, "request_id": "r"}, headers)

    def do_GET(self) -> None:
        path = self.path.split("?")[0].removeprefix("/api/v1")
        state = self.server.state
        with state.lock:
            if path == "/product-photo-operations":
                return self._send(200, {"operations": OPERATIONS, "request_id": "r"})
            job_id = path.rsplit("/", 1)[-1]
            api_key = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
            job = state.jobs.get(job_id)
            if job is not None and state.per_key and job.api_key != api_key:
                job = None  # another key's job: not visible
            state.reads.append((job_id, api_key, job is not None))
            if job is None:
                return self._error(404, "job_not_found")
            state.polls_while_active.append(state.active())
            job.polls += 1
            return self._send(200, {"job": job.wire(), "request_id": "r"})

    def do_POST(self) -> None:
        state = self.server.state
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        api_key = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        key = self.headers["Idempotency-Key"]
        if state.per_key:
            key = f"{api_key}\n{key}"
        if state.hold_after_creates is not None and state.creates >= state.hold_after_creates:
            state.holding.set()
            state.release.wait(300)  # a slow create: the test stops the client meanwhile
        with state.lock:
            if key in state.by_key:
                job = state.jobs[state.by_key[key]]
                return self._send(200, {"job": job.wire(), "remaining_paid_credits": 9, "request_id": "r"})
            if state.throttle_creates > 0:
                state.throttle_creates -= 1
                state.refusals += 1
                return self._error(429, "rate_limited", {"Retry-After": "0"})
            if state.fail_creates_for == api_key:
                state.failed_creates += 1
                return self._error(402, "insufficient_credits")
            if state.active() >= state.account_limit or state.active(api_key) >= 1:
                state.refusals += 1
                retry = {"Retry-After": "0"} if state.limit_status == 429 else None
                return self._error(state.limit_status, "active_job_limit", retry)
            job = Job(
                str(uuid.uuid4()),
                body["images"],
                finish_at=state.polls_to_finish,
                api_key=api_key,
                credits_per_item=state.credits_per_item,
                item_error=state.item_error,
                hostile_job=state.hostile_job,
                hostile_items=state.hostile_items,
                running_job=state.running_job,
            )
            state.jobs[job.id] = job
            state.by_key[key] = job.id
            state.creates += 1
            state.max_active = max(state.max_active, state.active())
            for image in body["images"]:
                state.charges[image.get("external_id") or image["source_url"]] += 1
            if state.drop_answers_for == api_key:
                self.close_connection = True  # created, but the answer is lost
                return None
            self._send(201, {"job": job.wire(), "remaining_paid_credits": 9, "request_id": "r"})


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = State()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/v1"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.shutdown()
        self.server_close()
