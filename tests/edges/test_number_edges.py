"""Numbers from the server reach callers as the types the spec promises.

JSON Schema counts ``10.0`` as an integer, so a body with ``"credits_used": 10.0`` passes the
response check; the models then held a float, and sums that take only ``int`` (the catalog's
credits) skipped it. Every integer field now holds an ``int`` whatever its JSON form.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from aigenstudio import APIResponseValidationError

from tests.client.conftest import JOB_ID, SANDBOX_KEY, Api, create_body, job_summary

ITEM_ID = "0b6f3a52-2c1e-4d5f-9a7b-1c2d3e4f5a6b"
# Three spellings of an integral JSON number that json.loads turns into a float.
FORMS = ["10.0", "1e1", "1.0E1"]


def _job(number: str) -> dict[str, Any]:
    item = {"id": ITEM_ID, "credits_reserved": number, "credits_used": number}
    return {
        **job_summary(),
        "total_items": number,
        "credits_reserved": number,
        "completed_items": number,
        "failed_items": number,
        "credits_used": number,
        "items": [item],
    }


def _bodies(number: str) -> dict[str, dict[str, Any]]:
    """Per operation, a body whose integer fields all hold the marker ``number``."""
    summary = {**job_summary(), "total_items": number, "credits_reserved": number}
    op = {"id": "studio_packshot", "name": "Studio packshot", "credits_per_image": number}
    return {
        "list_product_photo_operations": {"operations": [op], "request_id": "r"},
        "list_product_photo_jobs": {"jobs": [summary], "request_id": "r", "next_cursor": None},
        "get_product_photo_job": {"job": _job(number), "request_id": "r"},
        "create_product_photo_job": {"job": summary, "remaining_paid_credits": number, "request_id": "r"},
    }


def _raw(body: dict[str, Any], number: str) -> bytes:
    """``body`` as JSON with the marker written as a bare number (``"10.0"`` -> ``10.0``)."""
    return json.dumps(body).replace(json.dumps(number), number).encode()


def _integers(operation: str, parsed: Any) -> list[Any]:
    """Every integer field of an operation's parsed model."""
    if operation == "list_product_photo_operations":
        return [parsed.operations[0].credits_per_image]
    if operation == "list_product_photo_jobs":
        return [parsed.jobs[0].total_items, parsed.jobs[0].credits_reserved]
    if operation == "create_product_photo_job":
        return [parsed.remaining_paid_credits, parsed.job.total_items, parsed.job.credits_reserved]
    job = parsed.job
    item = job.items[0]
    return [
        job.total_items,
        job.credits_reserved,
        job.completed_items,
        job.failed_items,
        job.credits_used,
        item.credits_reserved,
        item.credits_used,
    ]


def _kwargs(operation: str) -> dict[str, Any]:
    if operation == "create_product_photo_job":
        return {"idempotency_key": "idem_12345678", "body": create_body()}
    if operation == "get_product_photo_job":
        return {"job_id": JOB_ID}
    return {}


def _serve(api: Api, operation: str, number: str) -> None:
    status = 201 if operation == "create_product_photo_job" else 200
    content = _raw(_bodies(number)[operation], number)
    api.recorder.handler = lambda r: httpx.Response(
        status, content=content, headers={"Content-Type": "application/json"}
    )


@pytest.mark.parametrize("number", FORMS)
@pytest.mark.parametrize("operation", list(_bodies("0")))
async def test_integral_numbers_reach_the_models_as_int(api: Api, operation: str, number: str) -> None:
    _serve(api, operation, number)
    parsed = await api.call(operation, api.client(SANDBOX_KEY), **_kwargs(operation))
    values = _integers(operation, parsed)
    assert [type(v) for v in values] == [int] * len(values)
    assert values == [10] * len(values)


@pytest.mark.parametrize("operation", list(_bodies("0")))
async def test_a_fractional_number_for_an_integer_is_still_refused(api: Api, operation: str) -> None:
    _serve(api, operation, "10.5")
    with pytest.raises(APIResponseValidationError):
        await api.call(operation, api.client(SANDBOX_KEY), **_kwargs(operation))


async def test_a_huge_integral_number_is_an_exact_int(api: Api) -> None:
    # 1e308 is an integral float: it becomes the int Python computes for it (309 digits),
    # never inf; what to store it as is the journal's concern.
    _serve(api, "get_product_photo_job", "1e308")
    parsed = await api.call("get_product_photo_job", api.client(SANDBOX_KEY), job_id=JOB_ID)
    assert type(parsed.job.credits_used) is int
    assert parsed.job.credits_used == int(1e308)
    assert len(str(parsed.job.credits_used)) == 309


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity", "-Infinity"])
async def test_a_non_finite_number_is_refused(api: Api, number: str) -> None:
    _serve(api, "get_product_photo_job", number)
    with pytest.raises(APIResponseValidationError):
        await api.call("get_product_photo_job", api.client(SANDBOX_KEY), job_id=JOB_ID)
