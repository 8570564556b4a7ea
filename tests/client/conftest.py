"""Fixtures for the Client/AsyncClient tests: one test body runs sync and async.

Endpoint modules are located by operation name (``find_operation``, which walks
``aigenstudio_client.api``) so the same tests pass on a client generated from a spec that
groups operations under other tags.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aigenstudio import AsyncClient, Client
from aigenstudio._workflow.operations import find_operation as endpoint

SANDBOX_KEY = "aigen_test_" + "s3cr3tS4ndb0xK3y" * 2
LIVE_KEY = "aigen_live_" + "l1v3S3cr3tK3y" * 2
BASE_URL = "https://api.example.test/api/v1"
JOB_ID = "7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f"

Handler = Callable[[httpx.Request], httpx.Response]


def ok_operations(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "operations": [{"id": "studio_packshot", "name": "Studio packshot", "credits_per_image": 5}],
            "request_id": "req_server_ops",
        },
    )


def job_summary() -> dict[str, Any]:
    return {"id": JOB_ID, "status": "queued", "total_items": 1, "credits_reserved": 5, "sandbox": True}


def default_handler(request: httpx.Request) -> httpx.Response:
    """A tiny well-behaved fake of the API, enough for every operation."""
    path = request.url.path
    if path.endswith("/product-photo-operations"):
        return ok_operations(request)
    if path.endswith("/product-photo-presets"):
        return httpx.Response(
            200, json={"presets": [{"id": "p1", "name": "P"}], "request_id": "req_server_presets"}
        )
    if request.method == "POST" and path.endswith("/product-photo-jobs"):
        body = {"job": job_summary(), "remaining_paid_credits": 10, "request_id": "req_server_create"}
        return httpx.Response(201, json=body)
    if path.endswith("/product-photo-jobs"):
        return httpx.Response(
            200, json={"jobs": [job_summary()], "request_id": "req_server_list", "next_cursor": None}
        )
    return httpx.Response(200, json={"job": {**job_summary(), "items": []}, "request_id": "req_server_job"})


@dataclass
class Recorder:
    """A MockTransport that keeps every request that reached the 'wire'."""

    handler: Handler = default_handler
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


@dataclass
class Api:
    """Calls generated endpoint functions the way a sync or an async user would."""

    mode: str
    recorder: Recorder
    clients: list[Client | AsyncClient] = field(default_factory=list)

    def client(self, *args: Any, **kwargs: Any) -> Client | AsyncClient:
        kwargs.setdefault("base_url", BASE_URL)
        kwargs.setdefault("max_retries", 0)
        kwargs.setdefault("transport", self.recorder.transport())
        cls = Client if self.mode == "sync" else AsyncClient
        made = cls(*args, **kwargs)
        self.clients.append(made)
        return made

    async def call(self, operation: str, client: Client | AsyncClient, **kwargs: Any) -> Any:
        module = endpoint(operation)
        if self.mode == "sync":
            return module.sync(client=client, **kwargs)
        return await module.asyncio(client=client, **kwargs)

    async def detailed(self, operation: str, client: Client | AsyncClient, **kwargs: Any) -> Any:
        module = endpoint(operation)
        if self.mode == "sync":
            return module.sync_detailed(client=client, **kwargs)
        return await module.asyncio_detailed(client=client, **kwargs)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIGENSTUDIO_API_KEY", raising=False)
    monkeypatch.delenv("AIGENSTUDIO_BASE_URL", raising=False)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest, recorder: Recorder) -> Iterator[Api]:
    made = Api(request.param, recorder)
    yield made
    for client in made.clients:
        if isinstance(client, AsyncClient):
            asyncio.run(client.close())
        else:
            client.close()


def create_body(**overrides: Any) -> Any:
    """A valid ProductPhotoJobCreateRequest, built from a dict so tests read like JSON."""
    from aigenstudio_client.models import ProductPhotoJobCreateRequest

    body: dict[str, Any] = {"images": [{"source_url": "https://cdn.example.com/a.jpg", "external_id": "a"}]}
    body.update(overrides)
    return ProductPhotoJobCreateRequest.from_dict(body)


def json_body(request: httpx.Request) -> Any:
    return json.loads(request.content)


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()
