"""Call cases for every operation: valid input Prism must accept, and input our guards refuse.

Operations are found by module name under ``aigenstudio_client.api`` (any tag package), so a
tag regrouping does not break the suite; an operation without a valid case fails
``test_every_operation_has_a_contract_case``.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput
from aigenstudio_client.models.product_photo_job_create_request import ProductPhotoJobCreateRequest
from aigenstudio_client.models.product_photo_job_create_request_preservation_level import (
    ProductPhotoJobCreateRequestPreservationLevel,
)
from aigenstudio_client.models.product_photo_job_create_response import ProductPhotoJobCreateResponse
from aigenstudio_client.models.product_photo_job_list_response import ProductPhotoJobListResponse
from aigenstudio_client.models.product_photo_job_status import ProductPhotoJobStatus
from aigenstudio_client.models.product_photo_job_status_response import ProductPhotoJobStatusResponse
from aigenstudio_client.models.product_photo_operation_id import ProductPhotoOperationId
from aigenstudio_client.models.product_photo_operation_list_response import (
    ProductPhotoOperationListResponse,
)
from aigenstudio_client.models.product_photo_preset_list_response import ProductPhotoPresetListResponse


def image(n: int = 0) -> ProductPhotoImageInput:
    return ProductPhotoImageInput(source_url=f"https://client.example/images/{n}.jpg", external_id=f"sku-{n}")


def create_body(**overrides: Any) -> ProductPhotoJobCreateRequest:
    fields: dict[str, Any] = {"images": [image()]}
    fields.update(overrides)
    return ProductPhotoJobCreateRequest(**fields)


@dataclass(frozen=True)
class Case:
    id: str
    operation: str
    kwargs: Callable[[], dict[str, Any]]  # built per call: models are mutable
    expected: type | None = None
    field: str = ""  # for guard cases: the RequestValidationError's field


VALID_CASES = [
    Case("list-operations", "list_product_photo_operations", dict, ProductPhotoOperationListResponse),
    Case("list-presets", "list_product_photo_presets", dict, ProductPhotoPresetListResponse),
    Case(
        "create-minimal",
        "create_product_photo_job",
        lambda: {"body": create_body(), "idempotency_key": "idem_contract_min"},
        ProductPhotoJobCreateResponse,
    ),
    Case(
        "create-every-field",
        "create_product_photo_job",
        lambda: {
            "body": create_body(
                images=[image(n) for n in range(20)],  # the documented maximum
                operation=ProductPhotoOperationId.MARKETPLACE_CLEAN,
                preset="white-background",
                preservation_level=ProductPhotoJobCreateRequestPreservationLevel.BALANCED,
                instructions="Keep the label readable.",
                webhook_url="https://hooks.client.example/aigen",
            ),
            "idempotency_key": "k" * 160,
            "x_request_id": "req_contract_create",
        },
        ProductPhotoJobCreateResponse,
    ),
    Case("list-jobs-default", "list_product_photo_jobs", dict, ProductPhotoJobListResponse),
    Case(
        "list-jobs-limit-cursor-status",
        "list_product_photo_jobs",
        lambda: {
            "limit": 100,
            "cursor": datetime.datetime(2026, 6, 1, 12, 30, tzinfo=datetime.UTC),
            "status": ProductPhotoJobStatus.PARTIALLY_COMPLETED,
        },
        ProductPhotoJobListResponse,
    ),
    Case("list-jobs-limit-1", "list_product_photo_jobs", lambda: {"limit": 1}, ProductPhotoJobListResponse),
    Case(
        "get-job",
        "get_product_photo_job",
        lambda: {"job_id": uuid.UUID("0b5e4f7e-3c1a-4b8e-9a51-2f8f3d2c9e10")},
        ProductPhotoJobStatusResponse,
    ),
]

GUARD_CASES = [
    Case(
        "21-images",
        "create_product_photo_job",
        lambda: {
            "body": create_body(images=[image(n) for n in range(21)]),
            "idempotency_key": "idem_guard_1",
        },
        field="body.images",
    ),
    Case(
        "empty-instructions",
        "create_product_photo_job",
        lambda: {"body": create_body(instructions=""), "idempotency_key": "idem_guard_2"},
        field="body.instructions",
    ),
    Case("limit-0", "list_product_photo_jobs", lambda: {"limit": 0}, field="limit"),
    Case("limit-101", "list_product_photo_jobs", lambda: {"limit": 101}, field="limit"),
    Case("job-id-not-uuid", "get_product_photo_job", lambda: {"job_id": "not-a-uuid"}, field="job_id"),
    Case(
        "http-webhook-url",
        "create_product_photo_job",
        lambda: {
            "body": create_body(webhook_url="http://hooks.client.example/aigen"),
            "idempotency_key": "idem_guard_3",
        },
        field="body.webhook_url",
    ),
    Case(
        "control-char-request-id",
        "list_product_photo_operations",
        lambda: {"x_request_id": "req_1\r\nX-Injected: yes"},
        field="x_request_id",
    ),
    Case(
        "short-idempotency-key",
        "create_product_photo_job",
        lambda: {"body": create_body(), "idempotency_key": "short"},
        field="idempotency_key",
    ),
]
