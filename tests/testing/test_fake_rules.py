"""The fake's documented rules, one by one: idempotency, the account's limits, key kinds and
credits, timing by the fake's clock, cancellation, scripted outcomes, webhooks and faults."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from aigenstudio import AsyncClient, Client, RetryPolicy, verify_webhook
from aigenstudio.testing import Failure, FakeAPI, Fault, Timing

SANDBOX = "aigen_test_" + "rule" * 6
OTHER = "aigen_test_" + "othr" * 6
THIRD = "aigen_test_" + "thrd" * 6
LIVE = "aigen_live_" + "rule" * 6


def _images(*urls: str) -> list[dict[str, str]]:
    return [{"source_url": url, "external_id": f"sku-{n}"} for n, url in enumerate(urls)]


def _create(fake: FakeAPI, key: str, idem: str, body: dict[str, Any] | None = None) -> httpx.Response:
    body = body if body is not None else {"images": _images("https://shop.test/a.jpg")}
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": idem}
    return fake.transport().handle_request(
        httpx.Request("POST", fake.base_url + "/product-photo-jobs", json=body, headers=headers)
    )


def _get(fake: FakeAPI, key: str, job_id: str) -> dict[str, Any]:
    request = httpx.Request(
        "GET", f"{fake.base_url}/product-photo-jobs/{job_id}", headers={"Authorization": f"Bearer {key}"}
    )
    response = fake.transport().handle_request(request)
    assert response.status_code == 200, response.text
    job: dict[str, Any] = json.loads(response.content)["job"]
    return job


def test_the_same_key_and_body_replays_another_body_conflicts() -> None:
    fake = FakeAPI()
    first = _create(fake, SANDBOX, "idem-0001")
    replay = _create(fake, SANDBOX, "idem-0001")
    other = _create(fake, SANDBOX, "idem-0001", {"images": _images("https://shop.test/b.jpg")})
    assert (first.status_code, replay.status_code, other.status_code) == (201, 200, 409)
    assert json.loads(replay.content)["job"]["id"] == json.loads(first.content)["job"]["id"]
    assert json.loads(other.content)["error"]["code"] == "idempotency_key_reused"
    assert len(fake.jobs) == 1
    assert fake.ledger.charges("sku-0") == 1


def test_idempotency_keys_belong_to_their_api_key() -> None:
    fake = FakeAPI()
    mine = json.loads(_create(fake, SANDBOX, "idem-0002").content)["job"]["id"]
    theirs = json.loads(_create(fake, OTHER, "idem-0002").content)["job"]["id"]
    assert mine != theirs
    request = httpx.Request(
        "GET", f"{fake.base_url}/product-photo-jobs/{mine}", headers={"Authorization": f"Bearer {OTHER}"}
    )
    assert fake.transport().handle_request(request).status_code == 404  # another key's job


def test_one_active_job_per_key_and_two_per_account() -> None:
    fake = FakeAPI()
    assert _create(fake, SANDBOX, "limit-0001").status_code == 201
    second = _create(fake, SANDBOX, "limit-0002")
    assert second.status_code == 409
    assert "one per key" in json.loads(second.content)["error"]["message"]
    assert _create(fake, OTHER, "limit-0003").status_code == 201
    third = _create(fake, THIRD, "limit-0004")
    assert third.status_code == 409
    assert "2 active jobs" in json.loads(third.content)["error"]["message"]
    assert fake.active_jobs() == 2
    first_job = next(iter(fake.jobs))
    _get(fake, SANDBOX, first_job)  # its first read finishes it: the slot is free again
    assert _create(fake, THIRD, "limit-0004").status_code == 201


def test_live_keys_are_refused_unless_allowed_and_then_spend_credits() -> None:
    refused = _create(FakeAPI(), LIVE, "live-0001")
    assert refused.status_code == 401
    assert json.loads(refused.content)["error"]["code"] == "live_key_refused"

    fake = FakeAPI(allow_live_keys=True, live_credits=10)
    body = {
        "operation": "premium_ad",
        "images": _images("https://shop.test/ok.jpg", "https://shop.test/fail.jpg"),
    }
    created = json.loads(_create(fake, LIVE, "live-0002", body).content)
    assert created["job"]["sandbox"] is False
    assert created["job"]["credits_reserved"] == 8
    assert created["remaining_paid_credits"] == 2  # reserved at create
    job = _get(fake, LIVE, created["job"]["id"])
    assert job["credits_used"] == 4  # settled: the failed image is released
    assert fake.remaining_paid_credits() == 6
    assert _create(fake, LIVE, "live-0003", body).status_code == 402  # 8 > 6


def test_sandbox_jobs_move_no_paid_credits() -> None:
    fake = FakeAPI(live_credits=10)
    created = json.loads(_create(fake, SANDBOX, "sand-0001").content)
    assert created["job"]["sandbox"] is True
    assert created["remaining_paid_credits"] == 10
    assert all(entry.simulated for entry in fake.ledger.entries)


def test_a_job_timed_in_seconds_finishes_when_the_clock_is_advanced() -> None:
    fake = FakeAPI(timing=Timing.after_seconds(60), clock=lambda: 1000.0)
    job_id = json.loads(_create(fake, SANDBOX, "time-0001").content)["job"]["id"]
    assert _get(fake, SANDBOX, job_id)["status"] == "processing"
    assert _get(fake, SANDBOX, job_id)["status"] == "processing"  # reads alone do not finish it
    fake.advance(60)
    assert _get(fake, SANDBOX, job_id)["status"] == "completed"


def test_instant_jobs_are_final_in_the_create_answer() -> None:
    fake = FakeAPI(timing=Timing.instant())
    created = json.loads(_create(fake, SANDBOX, "inst-0001").content)
    assert created["job"]["status"] == "completed"


def test_a_cancelled_job_charges_nothing_and_sends_its_event() -> None:
    fake = FakeAPI(timing=Timing.after_polls(5))
    events: list[bytes] = []
    fake.register_webhook(lambda body, headers: events.append(body))
    job_id = json.loads(_create(fake, SANDBOX, "cncl-0001").content)["job"]["id"]
    fake.cancel(job_id)
    job = _get(fake, SANDBOX, job_id)
    assert job["status"] == "cancelled"
    assert job["credits_used"] == 0
    assert [item["error_code"] for item in job["items"]] == ["job_cancelled"]
    assert [json.loads(e)["type"] for e in events] == ["job.cancelled"]


def test_scripted_failures_and_an_all_failed_job() -> None:
    fake = FakeAPI()
    fake.script_failure("sku-0", Failure("image_too_small", "under 500 px"))
    body = {"images": _images("https://shop.test/small.jpg", "https://shop.test/FAIL.jpg")}
    job = _get(fake, SANDBOX, json.loads(_create(fake, SANDBOX, "scrp-0001", body).content)["job"]["id"])
    assert job["status"] == "failed"
    assert [item["error_code"] for item in job["items"]] == ["image_too_small", "image_processing_failed"]
    assert job["failed_items"] == 2
    assert job["credits_used"] == 0


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[bytes, dict[str, str]]]]]:
    got: list[tuple[bytes, dict[str, str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            got.append((self.rfile.read(int(self.headers["Content-Length"])), dict(self.headers.items())))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", got
    finally:
        server.shutdown()
        server.server_close()


def test_a_webhook_to_a_loopback_url_verifies(
    receiver: tuple[str, list[tuple[bytes, dict[str, str]]]],
) -> None:
    url, got = receiver
    fake = FakeAPI()
    fake.register_webhook(url)
    job_id = json.loads(_create(fake, SANDBOX, "hook-0001").content)["job"]["id"]
    _get(fake, SANDBOX, job_id)
    ((body, headers),) = got
    event = verify_webhook(body, headers, SANDBOX)
    assert event.payload == {
        "id": event.event_id,
        "type": "job.completed",
        "data": {"job_id": job_id, "status": "completed"},
    }
    assert fake.deliveries[0].answers == [204]
    with pytest.raises(Exception, match="signature"):
        verify_webhook(body, headers, OTHER)  # signed with the job's key only


def test_latency_and_5xx_are_survived_by_the_client() -> None:
    fake = FakeAPI()
    fake.inject(Fault.status(502, times=2, operation="listProductPhotoOperations"))
    fake.inject(Fault.latency(0.01, operation="listProductPhotoOperations"))
    fast = RetryPolicy(initial_backoff=0.01, max_backoff=0.02)
    with Client(SANDBOX, base_url=fake.base_url, transport=fake.transport(), retry_policy=fast) as client:
        assert client.product_photo_operations.list().operations
    seen = [(e.status, e.fault) for e in fake.requests if e.operation == "listProductPhotoOperations"]
    assert seen == [(502, "status"), (502, "status"), (200, "latency")]  # the third answered late
    assert fake.faults == []


async def test_the_async_transport_survives_a_lost_create_answer() -> None:
    fake = FakeAPI()
    fake.inject(Fault.lost_response(operation="createProductPhotoJob"))
    async with AsyncClient(SANDBOX, base_url=fake.base_url, transport=fake.async_transport()) as client:
        from aigenstudio_client.models import ProductPhotoJobCreateRequest

        body = ProductPhotoJobCreateRequest.from_dict({"images": _images("https://shop.test/z.jpg")})
        created = await client.product_photo_jobs.create(body=body, idempotency_key="async-0001")
    assert list(fake.jobs) == [str(created.job.id)]
    assert [e.status for e in fake.requests] == [201, 200]


def test_a_fault_for_one_operation_leaves_the_others_alone() -> None:
    fake = FakeAPI()
    fake.inject(Fault.reset(operation="createProductPhotoJob"))
    request = httpx.Request("GET", fake.base_url + "/product-photo-presets")
    assert fake.transport().handle_request(request).status_code == 200
    assert len(fake.faults) == 1
