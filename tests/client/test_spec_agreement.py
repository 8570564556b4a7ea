"""The client's pre-send checks agree with the spec (as Prism/JSON Schema read it) on the wire form.

Each case goes through the client's own httpx client at the wire level (the path, query
string, headers and JSON body as the server would receive them): what the spec allows is
sent, what it forbids is refused before sending with the field and the rule. These are the
disagreements a generated-request comparison with Prism found in the hand-written checks.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from aigenstudio import Client, RequestValidationError

from .conftest import BASE_URL, JOB_ID, SANDBOX_KEY, Recorder

IMAGE = {"source_url": "https://cdn.example.com/a.jpg"}
KEY_HEADER = {"Idempotency-Key": "idem_12345678"}


def send(recorder: Recorder, method: str, path: str, **kwargs: Any) -> None:
    with Client(SANDBOX_KEY, base_url=BASE_URL, transport=recorder.transport(), max_retries=0) as client:
        client.get_httpx_client().request(method, path, **kwargs)


def accepted(method: str, path: str, **kwargs: Any) -> None:
    recorder = Recorder()
    send(recorder, method, path, **kwargs)
    assert len(recorder.requests) == 1


def refused(method: str, path: str, field: str, **kwargs: Any) -> RequestValidationError:
    recorder = Recorder()
    with pytest.raises(RequestValidationError) as caught:
        send(recorder, method, path, **kwargs)
    assert recorder.requests == []
    assert caught.value.field == field
    return caught.value


# -- what the spec allows is never refused ----------------------------------------------


@pytest.mark.parametrize("request_id", ["", "x", "r" * 160])
def test_any_request_id_within_max_length_is_sent(request_id: str) -> None:
    accepted("GET", "/product-photo-operations", headers={"X-Request-Id": request_id})


@pytest.mark.parametrize("limit", ["1", "1.0", "100", "1e2", "20.0"])
def test_integral_limits_in_any_number_form_are_sent(limit: str) -> None:
    accepted("GET", "/product-photo-jobs", params={"limit": limit})


@pytest.mark.parametrize(
    "cursor",
    [
        "2024-05-01T12:00:00Z",
        "2024-05-01t12:00:00z",
        "2024-05-01T12:00:00.123456+05:30",
        "2024-02-29T00:00:00-00:00",
    ],
)
def test_rfc3339_cursors_are_sent(cursor: str) -> None:
    accepted("GET", "/product-photo-jobs", params={"cursor": cursor})


@pytest.mark.parametrize("job_id", [JOB_ID, JOB_ID.upper()])
def test_canonical_uuids_in_either_case_are_sent(job_id: str) -> None:
    accepted("GET", f"/product-photo-jobs/{job_id}")


# -- what the spec forbids is refused before sending -----------------------------------


@pytest.mark.parametrize("limit", ["0", "101", "1.5", "abc", "", "-1"])
def test_limits_outside_the_spec_are_refused(limit: str) -> None:
    refused("GET", "/product-photo-jobs", "limit", params={"limit": limit})


@pytest.mark.parametrize(
    "cursor",
    [
        "2024-05-01T12:00:00",  # naive: no offset
        "2024-05-01T12:00:00+05:30:15",  # an offset with seconds
        "2024-05-01 12:00:00Z",  # a space for T
        "2023-02-29T00:00:00Z",  # not a leap year
        "2024-05-01T12:00:00+0530",
    ],
)
def test_cursors_that_are_not_rfc3339_are_refused(cursor: str) -> None:
    error = refused("GET", "/product-photo-jobs", "cursor", params={"cursor": cursor})
    assert "RFC 3339" in error.limit


@pytest.mark.parametrize(
    "job_id",
    [
        "{" + JOB_ID + "}",
        JOB_ID.replace("-", ""),
        "urn:uuid:" + JOB_ID,
        "uuid:" + JOB_ID,
        "urn:" + JOB_ID,
        JOB_ID[:8] + JOB_ID[9:],
        "not-a-uuid",
    ],
)
def test_non_canonical_job_ids_are_refused(job_id: str) -> None:
    error = refused("GET", f"/product-photo-jobs/{job_id}", "job_id")
    assert "UUID" in error.limit


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.com/a b.jpg",
        "https://cdn.example.com/<a>.jpg",
        "https://cdn.example.com/{a}.jpg",
        "https://cdn.example.com/a|b.jpg",
        "https://cdn.example.com/a\\b.jpg",
        "https://cdn.example.com/a^b.jpg",
        "https://cdn.example.com/a`b.jpg",
        "https://cdn.example.com/a\x00.jpg",
        "https://cdn.example.com/a%zz.jpg",
        "https://cdn.example.com/bücher.jpg",
        "https://[::1/a.jpg",
        "cdn.example.com/a.jpg",
    ],
)
def test_source_urls_that_are_not_rfc3986_uris_are_refused(url: str) -> None:
    body = {"images": [IMAGE, {"source_url": url}]}
    error = refused("POST", "/product-photo-jobs", "body.images[1].source_url", json=body, headers=KEY_HEADER)
    assert "URI" in error.limit


def test_unknown_body_fields_are_sent_when_the_schema_allows_them() -> None:
    # ProductPhotoJobCreateRequest does not set additionalProperties: false.
    accepted("POST", "/product-photo-jobs", json={"images": [IMAGE], "surprise": 1}, headers=KEY_HEADER)


def test_the_rule_is_in_plain_words() -> None:
    body = {"images": [IMAGE] * 21}
    error = refused("POST", "/product-photo-jobs", "body.images", json=body, headers=KEY_HEADER)
    assert error.limit == "at most 20 items"
    assert str(error) == "body.images: at most 20 items (got 21)"


def test_a_request_that_is_not_json_is_refused() -> None:
    error = refused(
        "POST",
        "/product-photo-jobs",
        "body",
        content=b"images=1",
        headers={**KEY_HEADER, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert "JSON" in error.limit


def test_a_wrong_typed_response_is_still_caught() -> None:
    recorder = Recorder(lambda r: httpx.Response(200, json={"operations": [{"id": 1}], "request_id": "r"}))
    from aigenstudio import APIResponseValidationError, find_operation

    client = Client(SANDBOX_KEY, base_url=BASE_URL, transport=recorder.transport())
    with client, pytest.raises(APIResponseValidationError, match=r"response\.operations\[0\]"):
        find_operation("list_product_photo_operations").sync(client=client)
