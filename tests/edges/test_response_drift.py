"""A live API that drifts from openapi.yaml: ``strict_response_validation=False`` reads what it
can and warns; and a 2xx that breaks the spec on a request that changed state (a created job)
never reads as a failure inviting a paying retry: the error says the server accepted it and
carries the idempotency key and every id it could read."""

from __future__ import annotations

import logging
import pickle
from typing import Any

import httpx
import pytest
from aigenstudio import (
    AcceptedResponseValidationError,
    APIResponseValidationError,
    APIStatusError,
    Client,
    ConfigurationError,
)
from aigenstudio_client.models import ProductPhotoJobCreateRequest

from tests.client.conftest import BASE_URL, JOB_ID, SANDBOX_KEY, job_summary

KEY = "drift-key-0001"
BODY = ProductPhotoJobCreateRequest.from_dict(
    {"images": [{"source_url": "https://cdn.example.com/a.jpg", "external_id": "a"}]}
)


def client_answering(answer: httpx.Response, **kwargs: Any) -> Client:
    transport = httpx.MockTransport(lambda request: answer)
    return Client(SANDBOX_KEY, base_url=BASE_URL, transport=transport, max_retries=0, **kwargs)


def create(client: Client) -> Any:
    return client.product_photo_jobs.create(body=BODY, idempotency_key=KEY)


DRIFTED_OPERATIONS = {  # credits_per_image as a string: the spec says integer
    "operations": [{"id": "studio_packshot", "name": "Studio packshot", "credits_per_image": "5"}],
    "request_id": "req_drift_ops",
}


def test_strict_by_default_a_drifted_body_raises() -> None:
    answer = httpx.Response(200, json=DRIFTED_OPERATIONS)
    with client_answering(answer) as client, pytest.raises(APIResponseValidationError) as caught:
        client.product_photo_operations.list()
    assert not caught.value.accepted  # a GET changed nothing


def test_not_strict_a_drifted_body_is_read_as_it_is_and_warned(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="aigenstudio")
    answer = httpx.Response(200, json=DRIFTED_OPERATIONS)
    with client_answering(answer, strict_response_validation=False) as client:
        listed = client.product_photo_operations.list()
    assert listed.operations[0].credits_per_image == "5"  # as sent: nothing invented
    [record] = [r for r in caplog.records if r.name == "aigenstudio"]
    assert record.levelname == "WARNING"
    assert "does not match the API spec" in record.getMessage()
    assert "credits_per_image" in record.getMessage()
    assert record.request_id == "req_drift_ops"  # type: ignore[attr-defined]


def test_not_strict_a_body_no_model_can_hold_still_raises() -> None:
    answer = httpx.Response(200, json={"request_id": "req_x"})  # no operations at all
    with (
        client_answering(answer, strict_response_validation=False) as client,
        pytest.raises(APIResponseValidationError),
    ):
        client.product_photo_operations.list()


def test_the_option_is_a_bool() -> None:
    with pytest.raises(ConfigurationError, match="strict_response_validation"):
        Client(SANDBOX_KEY, base_url=BASE_URL, strict_response_validation="no")  # type: ignore[arg-type]


def drifted_create() -> dict[str, Any]:
    job = {**job_summary(), "status": 7}  # status must be a string
    return {"job": job, "remaining_paid_credits": 10, "request_id": "req_created"}


def test_a_drifted_create_says_the_server_accepted_it() -> None:
    with (
        client_answering(httpx.Response(201, json=drifted_create())) as client,
        pytest.raises(AcceptedResponseValidationError) as caught,
    ):
        create(client)
    error = caught.value
    assert isinstance(error, APIResponseValidationError)
    assert not isinstance(error, APIStatusError)
    assert error.accepted
    assert error.idempotency_key == KEY
    assert error.ids == {"job.id": JOB_ID}
    assert error.request_id == "req_created"
    message = str(error)
    assert "accepted" in message
    assert KEY in message
    assert JOB_ID in message
    assert "same idempotency key" in message
    assert SANDBOX_KEY not in message + repr(error)
    back = pickle.loads(pickle.dumps(error))
    assert (type(back), back.ids, back.idempotency_key) == (AcceptedResponseValidationError, error.ids, KEY)


def test_a_create_answered_with_no_json_is_still_accepted() -> None:
    answer = httpx.Response(201, content=b"<html>created</html>", headers={"Content-Type": "text/html"})
    with client_answering(answer) as client, pytest.raises(AcceptedResponseValidationError) as caught:
        create(client)
    assert (caught.value.ids, caught.value.idempotency_key) == ({}, KEY)


def test_not_strict_a_create_no_model_can_hold_is_accepted_too() -> None:
    body = {"job": {"id": JOB_ID}, "request_id": "req_created"}  # most required fields missing
    answer = httpx.Response(201, json=body)
    with (
        client_answering(answer, strict_response_validation=False) as client,
        pytest.raises(AcceptedResponseValidationError) as caught,
    ):
        create(client)
    assert caught.value.ids == {"job.id": JOB_ID}


def test_hostile_ids_are_bounded_and_cleaned() -> None:
    many = [{"id": f"id-{n}\r\nX-Injected: 1", "item_id": n} for n in range(5000)]
    body = {"job": {"id": "j" * 10_000, "items": many}, "request_id": "req_created"}
    with (
        client_answering(httpx.Response(201, json=body)) as client,
        pytest.raises(AcceptedResponseValidationError) as caught,
    ):
        create(client)
    ids = caught.value.ids
    assert 0 < len(ids) <= 50
    assert all("\r" not in value and "\n" not in value and len(value) <= 200 for value in ids.values())
    assert len(str(caught.value)) < 5000
