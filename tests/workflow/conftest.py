"""A fake Product Photo API behind httpx.MockTransport, clients for it, and a fake clock.

Every workflow test runs twice: behind a bare generated ``AuthenticatedClient`` (errors come
back as parsed bodies, the helpers type them) and behind our ``aigenstudio.Client`` (errors
are raised by the client itself). No sockets, no real sleeping.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aigenstudio_client.client import AuthenticatedClient

BASE_URL = "https://api.test/api/v1"
API_KEY = "aigen_test_workflow0123456789"
TERMINAL = {"completed", "partially_completed", "failed", "cancelled"}

Handler = Callable[[httpx.Request], httpx.Response]


def envelope(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"error": {"code": code, "message": message}, "request_id": "req_fake"}
    return httpx.Response(status, json=body, headers=headers)


@dataclass
class FakeJob:
    id: uuid.UUID
    images: list[dict[str, Any]]
    # Statuses returned by successive GETs; the last one repeats.
    script: list[str]
    # external_ids whose items end with an error instead of a result.
    failing: set[str] = field(default_factory=set)
    polls: int = 0

    @property
    def status(self) -> str:
        return self.script[min(self.polls, len(self.script)) - 1] if self.polls else self.script[0]

    def summary(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "status": self.status,
            "total_items": len(self.images),
            "credits_reserved": len(self.images),
            "sandbox": True,
        }

    def detail(self) -> dict[str, Any]:
        done = self.status in TERMINAL
        items = []
        for index, image in enumerate(self.images):
            item: dict[str, Any] = {"id": str(uuid.uuid5(self.id, str(index)))}
            if "external_id" in image:
                item["external_id"] = image["external_id"]
            if done and image.get("external_id") in self.failing:
                item.update(error_code="source_unreachable", error_message="could not fetch the source")
            elif done and self.status != "cancelled":
                item["result_url"] = f"https://cdn.test/{self.id}/{index}.png"
            items.append(item)
        completed = sum(1 for i in items if "result_url" in i)
        failed = sum(1 for i in items if "error_code" in i)
        return {**self.summary(), "completed_items": completed, "failed_items": failed, "items": items}


class FakeApi:
    """Create, get and list jobs like the API: idempotent creates and one active job per key."""

    def __init__(self) -> None:
        self.jobs: dict[uuid.UUID, FakeJob] = {}
        self.by_key: dict[str, uuid.UUID] = {}
        self.requests: list[httpx.Request] = []
        self.script = ["queued", "processing", "completed"]
        self.failing: set[str] = set()
        self.max_active_seen = 0
        self.crash_after_creates: int | None = None  # simulate the caller dying after N creates
        self.creates = 0
        # Answers served before the normal ones, for GET /product-photo-jobs/{id} (429s...).
        self.get_interjections: list[httpx.Response] = []
        self.list_pages: dict[str | None, dict[str, Any]] = {}

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix("/api/v1")
        if request.method == "POST" and path == "/product-photo-jobs":
            return self._create(request)
        if request.method == "GET" and path == "/product-photo-jobs":
            return self._list(request)
        if request.method == "GET" and path.startswith("/product-photo-jobs/"):
            return self._get(uuid.UUID(path.rsplit("/", 1)[1]))
        return envelope(404, "not_found", "no such route")

    def active(self) -> list[FakeJob]:
        return [job for job in self.jobs.values() if job.status not in TERMINAL]

    def _create(self, request: httpx.Request) -> httpx.Response:
        key = request.headers["Idempotency-Key"]
        if key in self.by_key:
            job = self.jobs[self.by_key[key]]
            return httpx.Response(
                200, json={"job": job.summary(), "remaining_paid_credits": 0, "request_id": "r"}
            )
        if self.active():
            return envelope(409, "active_job_limit", "one active job per key")
        body = json.loads(request.content)
        job = FakeJob(uuid.uuid4(), body["images"], list(self.script), set(self.failing))
        self.jobs[job.id] = job
        self.by_key[key] = job.id
        self.creates += 1
        self.max_active_seen = max(self.max_active_seen, len(self.active()))
        if self.crash_after_creates is not None and self.creates >= self.crash_after_creates:
            raise SimulatedCrash(job.id)
        return httpx.Response(
            201, json={"job": job.summary(), "remaining_paid_credits": 100, "request_id": "r"}
        )

    def _get(self, job_id: uuid.UUID) -> httpx.Response:
        if self.get_interjections:
            return self.get_interjections.pop(0)
        job = self.jobs.get(job_id)
        if job is None:
            return envelope(404, "job_not_found", "Product Photo job not found")
        job.polls += 1
        return httpx.Response(200, json={"job": job.detail(), "request_id": "r"})

    def _list(self, request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        page = self.list_pages.get(cursor)
        if page is None:
            return envelope(400, "invalid_payload", f"unknown cursor {cursor}")
        return httpx.Response(200, json=page)


class SimulatedCrash(Exception):
    """Raised from inside the transport: the caller's process 'dies' after the server created a job."""


@dataclass
class FakeClock:
    """``clock`` and ``sleep`` for the helpers: sleeping advances time and is recorded."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def _our_client_class(is_async: bool) -> type[Any] | None:
    try:
        from aigenstudio import AsyncClient, Client
    except ImportError:  # the Client is built in parallel; bare clients still cover the helpers
        return None
    return AsyncClient if is_async else Client


CLIENT_KINDS = ["bare", "ours"]


def make_client(kind: str, handler: Handler, *, is_async: bool = False) -> Any:
    transport = httpx.MockTransport(handler)
    if kind == "bare":
        return AuthenticatedClient(base_url=BASE_URL, token=API_KEY, httpx_args={"transport": transport})
    cls = _our_client_class(is_async)
    if cls is None:
        pytest.skip("aigenstudio.Client is not available yet")
    # max_retries=0: these tests are about the helpers' own waiting, not the retry layer's.
    return cls(API_KEY, base_url=BASE_URL, transport=transport, max_retries=0)


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=CLIENT_KINDS)
def client_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(client_kind: str, api: FakeApi) -> Any:
    return make_client(client_kind, api.handler)


@pytest.fixture
def async_client(client_kind: str, api: FakeApi) -> Any:
    return make_client(client_kind, api.handler, is_async=True)
