"""Process a whole catalog: split into jobs of at most the documented size, one job at a time.

The API allows one active job per key, so each batch is created, waited to a terminal
status, and only then is the next created. Every batch carries an idempotency key derived
from the caller's ``namespace`` and the batch's exact request body: re-running the same
import after a crash sends the same keys, and the API hands back the jobs it already has
instead of charging again. All batches are built and validated before the first request.
"""

from __future__ import annotations

import enum
import functools
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput
from aigenstudio_client.models.product_photo_job import ProductPhotoJob
from aigenstudio_client.models.product_photo_job_create_request import ProductPhotoJobCreateRequest

from .._contract.spec import load_spec
from .._core.errors import ArgumentTypeError, RequestValidationError
from .._http.idempotency import idempotency_key_for
from .facade import ApiClient, async_jobs, call, call_async, jobs
from .results import JobResults, job_results
from .waiting import wait_for_job, wait_for_job_async

__all__ = [
    "BatchOutcome",
    "CatalogReport",
    "ItemReport",
    "images_per_job",
    "process_catalog",
    "process_catalog_async",
]

_CREATE_OPERATION = "create_product_photo_job"
_CREATE_OPERATION_ID = "createProductPhotoJob"
# The documented limit (vendor prose and the create body's images.maxItems); used only if
# the bundled spec cannot be read or stops stating it.
MAX_IMAGES_PER_JOB = 20


@functools.cache
def images_per_job() -> int:
    """The create body's ``images.maxItems`` from the bundled spec (else MAX_IMAGES_PER_JOB)."""
    spec = load_spec()
    create = spec.operations.get(_CREATE_OPERATION_ID)
    if create is None:
        return MAX_IMAGES_PER_JOB
    try:
        body = spec.deref(create.body_schema)
        limit = spec.deref(body["properties"]["images"])["maxItems"]
    except (LookupError, TypeError):
        return MAX_IMAGES_PER_JOB
    return limit if isinstance(limit, int) and limit >= 1 else MAX_IMAGES_PER_JOB


@dataclass(frozen=True)
class ItemReport:
    """The outcome of one catalog image, keyed by its ``external_id`` in the report."""

    external_id: str
    status: Literal["completed", "failed"]
    job_id: uuid.UUID
    batch: int
    result_url: str | None = None
    error_code: str | None = None
    error_message: str | None = None


@dataclass(frozen=True)
class BatchOutcome:
    """One finished batch: its terminal job and sorted items (also passed to ``on_batch``)."""

    index: int
    idempotency_key: str
    job: ProductPhotoJob
    results: JobResults


@dataclass(frozen=True)
class CatalogReport:
    """Per-item outcomes in input order, plus the batches that produced them."""

    items: dict[str, ItemReport]
    batches: list[BatchOutcome]
    inputs: dict[str, ProductPhotoImageInput]

    @property
    def completed(self) -> list[ItemReport]:
        return [r for r in self.items.values() if r.status == "completed"]

    @property
    def failed(self) -> list[ItemReport]:
        return [r for r in self.items.values() if r.status == "failed"]

    def retry_inputs(self) -> list[ProductPhotoImageInput]:
        """The original images of every failed item, ready for another ``process_catalog``."""
        return [self.inputs[r.external_id] for r in self.failed]


@dataclass(frozen=True)
class _Batch:
    index: int
    images: list[ProductPhotoImageInput]
    body: ProductPhotoJobCreateRequest
    key: str


ImageLike = ProductPhotoImageInput | Mapping[str, Any]


def _plan(
    images: Iterable[ImageLike], namespace: str, job_options: Mapping[str, Any]
) -> tuple[list[_Batch], dict[str, ProductPhotoImageInput]]:
    """Every batch, validated, with its key: a bad catalog fails before anything is sent."""
    if not isinstance(namespace, str) or not namespace:
        raise RequestValidationError("namespace", "a non-empty string")
    inputs = _checked_inputs(images)
    options = {name: _plain(value) for name, value in job_options.items() if value is not None}
    size = images_per_job()
    listed = list(inputs.values())
    create = load_spec().operations.get(_CREATE_OPERATION_ID)
    batches = []
    for index, start in enumerate(range(0, len(listed), size)):
        chunk = listed[start : start + size]
        body = ProductPhotoJobCreateRequest.from_dict({**options, "images": [i.to_dict() for i in chunk]})
        if body.additional_properties:
            unknown = ", ".join(sorted(body.additional_properties))
            raise ArgumentTypeError("job_options", f"unknown job option(s): {unknown}")
        key = idempotency_key_for(namespace, body)
        if create is not None:  # the spec's own limits (instructions, webhook_url, enums...)
            create.validate_arguments(json=body.to_dict(), headers={"Idempotency-Key": key})
        batches.append(_Batch(index, chunk, body, key))
    return batches, inputs


def _checked_inputs(images: Iterable[ImageLike]) -> dict[str, ProductPhotoImageInput]:
    inputs: dict[str, ProductPhotoImageInput] = {}
    for position, image in enumerate(images):
        where = f"images[{position}]"
        if isinstance(image, Mapping):
            if not image.get("source_url"):
                raise RequestValidationError(f"{where}.source_url", "required")
            image = ProductPhotoImageInput.from_dict(image)
        if not isinstance(image, ProductPhotoImageInput):
            raise RequestValidationError(where, "a ProductPhotoImageInput or a mapping")
        if not isinstance(image.source_url, str) or not image.source_url:
            raise RequestValidationError(f"{where}.source_url", "required")
        external_id = image.external_id
        if not isinstance(external_id, str) or not external_id:
            raise RequestValidationError(f"{where}.external_id", "required: it keys the per-item report")
        if external_id in inputs:
            raise RequestValidationError(f"{where}.external_id", f"unique (repeats {external_id!r})")
        inputs[external_id] = image
    if not inputs:
        raise RequestValidationError("images", "at least 1 image")
    return inputs


def _plain(value: Any) -> Any:
    # Options go through the model's from_dict, which takes wire values.
    return value.value if isinstance(value, enum.Enum) else value


def _outcome(batch: _Batch, job: ProductPhotoJob) -> BatchOutcome:
    return BatchOutcome(batch.index, batch.key, job, job_results(job, batch.images))


def _report(outcomes: list[BatchOutcome], inputs: dict[str, ProductPhotoImageInput]) -> CatalogReport:
    items = {
        external_id: _item_report(external_id, outcome)
        for outcome in outcomes
        for external_id in outcome.results.inputs
    }
    ordered = {key: items[key] for key in inputs if key in items}
    return CatalogReport(items=ordered, batches=outcomes, inputs=inputs)


def _item_report(external_id: str, outcome: BatchOutcome) -> ItemReport:
    job_id, batch = outcome.job.id, outcome.index
    done = outcome.results.completed_by_external_id.get(external_id)
    if done is not None:
        return ItemReport(external_id, "completed", job_id, batch, result_url=str(done.result_url))
    for item in outcome.results.failed:
        if item.external_id == external_id:
            code = item.error_code if isinstance(item.error_code, str) else None
            message = item.error_message if isinstance(item.error_message, str) else "no result"
            return ItemReport(external_id, "failed", job_id, batch, error_code=code, error_message=message)
    # A terminal job that does not mention an input never processed it.
    return ItemReport(
        external_id, "failed", job_id, batch, error_message="the job reported no item for this image"
    )


def process_catalog(
    client: ApiClient,
    images: Iterable[ImageLike],
    *,
    namespace: str,
    wait_timeout: float = 1800.0,
    poll_interval: float = 2.0,
    max_interval: float = 30.0,
    on_batch: Callable[[BatchOutcome], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
    **job_options: Any,
) -> CatalogReport:
    """Run every image through jobs of at most :func:`images_per_job` images, one at a time.

    ``images`` need a ``source_url`` and a unique ``external_id``. ``job_options`` are the
    create body's other fields (``operation``, ``preset``, ``instructions``, ...), the same
    for every batch. ``namespace`` names this import: the same namespace and images give the
    same idempotency keys, so a re-run resumes without duplicate charges. ``wait_timeout``
    applies per batch; a :class:`JobWaitTimeout` stops the run (re-run it to resume).
    """
    batches, inputs = _plan(images, namespace, job_options)
    outcomes = []
    resource = jobs(client).with_raw_response
    for batch in batches:
        created = call(
            client,
            _CREATE_OPERATION,
            lambda batch=batch: resource.create(body=batch.body, idempotency_key=batch.key),  # type: ignore[misc]
        )
        job = wait_for_job(
            client,
            created.job.id,
            timeout=wait_timeout,
            poll_interval=poll_interval,
            max_interval=max_interval,
            clock=clock,
            sleep=sleep,
        )
        outcome = _outcome(batch, job)
        outcomes.append(outcome)
        if on_batch is not None:
            on_batch(outcome)
    return _report(outcomes, inputs)


async def process_catalog_async(
    client: ApiClient,
    images: Iterable[ImageLike],
    *,
    namespace: str,
    wait_timeout: float = 1800.0,
    poll_interval: float = 2.0,
    max_interval: float = 30.0,
    on_batch: Callable[[BatchOutcome], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] | None = None,
    **job_options: Any,
) -> CatalogReport:
    """The async twin of :func:`process_catalog`."""
    batches, inputs = _plan(images, namespace, job_options)
    wait_extra: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
    outcomes = []
    resource = async_jobs(client).with_raw_response
    for batch in batches:
        created = await call_async(
            client,
            _CREATE_OPERATION,
            lambda batch=batch: resource.create(body=batch.body, idempotency_key=batch.key),  # type: ignore[misc]
        )
        job = await wait_for_job_async(
            client,
            created.job.id,
            timeout=wait_timeout,
            poll_interval=poll_interval,
            max_interval=max_interval,
            clock=clock,
            **wait_extra,
        )
        outcome = _outcome(batch, job)
        outcomes.append(outcome)
        if on_batch is not None:
            on_batch(outcome)
    return _report(outcomes, inputs)
