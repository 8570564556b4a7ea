"""job_results: completed by external_id, failed items to retry, and their original inputs."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from aigenstudio import aio
from aigenstudio._workflow.results import job_results
from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput
from aigenstudio_client.models.product_photo_job import ProductPhotoJob

JOB_ID = uuid.UUID(int=7)


def make_job(status: str, items: list[dict[str, Any]] | None) -> ProductPhotoJob:
    data: dict[str, Any] = {
        "id": str(JOB_ID),
        "status": status,
        "total_items": 4,
        "credits_reserved": 4,
        "sandbox": True,
    }
    if items is not None:
        data["items"] = [{"id": str(uuid.UUID(int=100 + n)), **item} for n, item in enumerate(items)]
    return ProductPhotoJob.from_dict(data)


ITEMS = [
    {"external_id": "a", "result_url": "https://cdn.test/a.png"},
    {"external_id": "b", "error_code": "source_unreachable", "error_message": "404 at source"},
    {"external_id": "c"},  # neither a result nor an error
    {"result_url": "https://cdn.test/anonymous.png"},  # completed, but cannot be keyed
]
INPUTS = [ProductPhotoImageInput(source_url=f"https://img.test/{x}.jpg", external_id=x) for x in "abcd"]


def test_terminal_job_sorts_items() -> None:
    results = job_results(make_job("partially_completed", ITEMS))
    assert list(results.completed_by_external_id) == ["a"]
    assert results.completed_by_external_id["a"].result_url == "https://cdn.test/a.png"
    assert len(results.completed) == 2  # the anonymous item is completed too
    # "c" will never get a result once the job is terminal: it counts as failed.
    assert [i.external_id for i in results.failed] == ["b", "c"]
    assert results.pending == []


def test_running_job_keeps_unfinished_items_pending() -> None:
    results = job_results(make_job("processing", ITEMS))
    assert [i.external_id for i in results.failed] == ["b"]
    assert [i.external_id for i in results.pending] == ["c"]
    assert results.missing_external_ids == []


def test_retry_inputs_map_failed_and_missing_items_to_originals() -> None:
    results = job_results(make_job("partially_completed", ITEMS), INPUTS)
    # "d" was sent but the job never reported it: retried as well, in input order.
    assert results.missing_external_ids == ["d"]
    assert [i.source_url for i in results.retry_inputs()] == [
        "https://img.test/b.jpg",
        "https://img.test/c.jpg",
        "https://img.test/d.jpg",
    ]


def test_retry_inputs_accepts_a_mapping() -> None:
    mapping = {i.external_id: i for i in INPUTS if isinstance(i.external_id, str)}
    results = job_results(make_job("failed", ITEMS[:3]), mapping)
    assert [i.external_id for i in results.retry_inputs()] == ["b", "c", "d"]


def test_unmatched_failed_items_are_not_dropped_silently() -> None:
    results = job_results(make_job("failed", [*ITEMS, {"error_code": "x"}]), INPUTS[:2])
    with pytest.raises(LookupError, match=r"c, item .* \(no external_id\)"):
        results.retry_inputs()
    assert [i.external_id for i in results.retry_inputs(skip_unknown=True)] == ["b"]


def test_job_without_items_is_refused() -> None:
    with pytest.raises(ValueError, match="carries no items"):
        job_results(make_job("completed", None))


def test_duplicate_external_ids_in_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate external_id 'a'"):
        job_results(make_job("completed", ITEMS), [INPUTS[0], INPUTS[0]])


def test_async_namespace_exposes_the_same_function() -> None:
    # No I/O: the async namespace re-exports the one implementation.
    assert aio.job_results is job_results
