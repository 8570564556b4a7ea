"""The fake keeps to the contract: it implements every operation of the compiled contract, refuses
(422) every request the client's own checks refuse, and every answer passes the spec's response
schemas -- checked here with jsonschema-rs on the spec's schemas, and by Prism's validating proxy
(``prism proxy --errors``) in front of the loopback server, for every operation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema_rs
import pytest
from aigenstudio._contract.spec import load_spec
from aigenstudio.testing import FakeAPI, FakeServer, Timing

from tests.servers.prism import require_prism
from tools.prism import start_prism

SANDBOX = "aigen_test_" + "cont" * 6
LIVE = "aigen_live_" + "cont" * 6
NO_JOB = "00000000-0000-4000-8000-000000000000"
JOB_BODY = {
    "operation": "premium_ad",
    "images": [
        {"source_url": "https://shop.test/ok.jpg", "external_id": "ok"},
        {"source_url": "https://shop.test/fail.jpg", "external_id": "bad"},
    ],
}


def _schema_problem(operation_id: str, status: int, body: Any) -> str | None:
    """The answer checked against the contract's schema for it (not the fake's own check)."""
    spec = load_spec()
    schema = spec.operations[operation_id].response_schemas.get(status)
    if schema is None:
        return None
    validator = jsonschema_rs.validator_for({**schema, "$defs": spec.contract["response_schemas"]})
    errors = [str(e) for e in validator.iter_errors(body)]
    return "; ".join(errors) or None


def _exchanges(base_url: str, fake: FakeAPI) -> Iterator[tuple[str, httpx.Response]]:
    """One of every answer each operation can give: (operation id, response)."""
    auth = {"Authorization": f"Bearer {SANDBOX}"}
    with httpx.Client(base_url=base_url, timeout=30) as http:
        yield "listProductPhotoOperations", http.get("/product-photo-operations")
        yield "listProductPhotoPresets", http.get("/product-photo-presets")
        create = {**auth, "Idempotency-Key": "contract-0001"}
        yield "createProductPhotoJob", http.post("/product-photo-jobs", json=JOB_BODY, headers=create)
        replay = http.post("/product-photo-jobs", json=JOB_BODY, headers=create)
        yield "createProductPhotoJob", replay
        job_id = replay.json()["job"]["id"]
        yield (
            "createProductPhotoJob",
            http.post(
                "/product-photo-jobs",
                json=JOB_BODY,
                headers={"Authorization": f"Bearer {LIVE}", "Idempotency-Key": "contract-0002"},
            ),
        )
        for _ in range(3):  # processing, then final with items
            yield "getProductPhotoJob", http.get(f"/product-photo-jobs/{job_id}", headers=auth)
        yield (
            "getProductPhotoJob",
            http.get("/product-photo-jobs/00000000-0000-4000-8000-000000000000", headers=auth),
        )
        yield "listProductPhotoJobs", http.get("/product-photo-jobs", params={"limit": 1}, headers=auth)
        yield (
            "listProductPhotoJobs",
            http.get("/product-photo-jobs", params={"status": "completed"}, headers=auth),
        )
        fake.cancel(job_id)
        yield "getProductPhotoJob", http.get(f"/product-photo-jobs/{job_id}", headers=auth)


def test_the_fake_implements_every_operation_of_the_contract() -> None:
    with FakeServer(FakeAPI(timing=Timing.after_polls(2))) as server:
        seen = {name for name, _ in _exchanges(server.base_url, server.api)}
    assert seen == set(load_spec().operations)


def test_every_answer_passes_the_response_schemas() -> None:
    with FakeServer(FakeAPI(timing=Timing.after_polls(2))) as server:
        answers = list(_exchanges(server.base_url, server.api))
    statuses = sorted({(name, response.status_code) for name, response in answers})
    assert statuses == [
        ("createProductPhotoJob", 200),
        ("createProductPhotoJob", 201),
        ("createProductPhotoJob", 401),
        ("getProductPhotoJob", 200),
        ("getProductPhotoJob", 404),
        ("listProductPhotoJobs", 200),
        ("listProductPhotoOperations", 200),
        ("listProductPhotoPresets", 200),
    ]
    for name, response in answers:
        assert _schema_problem(name, response.status_code, response.json()) is None, (name, response.text)
    job = answers[7][1].json()["job"]  # the third read: final, with items
    assert job["status"] == "partially_completed"
    assert [item.get("error_code") for item in job["items"]] == [None, "image_processing_failed"]
    assert job["credits_used"] == 4  # premium_ad: 4 per image; the failed image is not charged


def test_a_broken_answer_would_be_caught_by_the_same_check() -> None:
    # The check above can fail: a job summary without its required counts breaks the schema.
    broken = {
        "job": {"id": "00000000-0000-4000-8000-000000000000"},
        "request_id": "r",
        "remaining_paid_credits": 0,
    }
    assert _schema_problem("createProductPhotoJob", 201, broken) is not None


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({"images": []}, {"Idempotency-Key": "contract-0003"}),  # minItems
        ({"images": [{"source_url": "not a uri"}]}, {"Idempotency-Key": "contract-0004"}),
        (JOB_BODY, {}),  # the required Idempotency-Key
        (JOB_BODY, {"Idempotency-Key": "short"}),  # minLength 8
        ({**JOB_BODY, "webhook_url": "https://127.0.0.1/hook"}, {"Idempotency-Key": "contract-0005"}),
    ],
    ids=["no-images", "bad-uri", "no-key", "short-key", "private-webhook"],
)
def test_a_request_the_client_refuses_is_refused_422(body: Any, headers: dict[str, str]) -> None:
    fake = FakeAPI()
    request = httpx.Request(
        "POST",
        fake.base_url + "/product-photo-jobs",
        content=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {SANDBOX}", "Content-Type": "application/json", **headers},
    )
    reply = fake.handle(request)
    assert reply.status == 422
    assert reply.body["error"]["code"] == "invalid_request"
    assert fake.jobs == {}


@pytest.mark.slow
@pytest.mark.prism
def test_every_operation_passes_prisms_validating_proxy() -> None:
    require_prism()
    with FakeServer(FakeAPI(timing=Timing.after_polls(2))) as server:
        prism = start_prism(upstream=server.base_url)
        try:
            answers = list(_exchanges(prism.base_url, server.api))
            log = prism.log_tail()
        finally:
            prism.stop()
    assert {name for name, _ in answers} == set(load_spec().operations)
    for name, response in answers:
        assert "sl-violations" not in response.headers, (name, response.headers["sl-violations"])
        assert response.status_code < 500, (name, response.text)
    assert [e.status for e in server.api.requests] == [r.status_code for _, r in answers]
    assert "violation" not in log.lower()


@pytest.mark.slow
@pytest.mark.prism
def test_prisms_proxy_catches_a_broken_answer() -> None:
    # The proxy test above can fail: an upstream answer breaking the schema is a 500 with violations.
    require_prism()

    def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"operations": "not a list"})

    api = FakeAPI(base_url="http://127.0.0.1/api/v1")
    api.respond = lambda request, fault=None: broken(request)  # type: ignore[method-assign]
    with FakeServer(api) as server:
        prism = start_prism(upstream=server.base_url)
        try:
            response = httpx.get(prism.base_url + "/product-photo-operations", timeout=30)
        finally:
            prism.stop()
    assert response.status_code == 500
    assert "must be array" in response.headers["sl-violations"]
