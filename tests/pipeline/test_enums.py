"""Forward-compatible enums: unknown values in responses parse; constructing stays strict."""

from __future__ import annotations

import pytest
from aigenstudio_client.models.product_photo_job_create_request import ProductPhotoJobCreateRequest
from aigenstudio_client.models.product_photo_job_status_response import ProductPhotoJobStatusResponse
from aigenstudio_client.models.product_photo_operation_id import ProductPhotoOperationId
from aigenstudio_client.models.product_photo_operation_list_response import (
    ProductPhotoOperationListResponse,
)

OPERATIONS = {
    "operations": [
        {"id": "new_op", "name": "New", "credits_per_image": 3},
        {"id": "studio_packshot", "name": "Studio packshot", "credits_per_image": 5},
    ],
    "request_id": "req_1",
}


def test_unknown_operation_id_parses_and_is_visible() -> None:
    parsed = ProductPhotoOperationListResponse.from_dict(OPERATIONS)
    unknown, known = parsed.operations
    assert unknown.id.value == "new_op"
    assert unknown.id == "new_op"
    assert unknown.id.is_known is False
    assert isinstance(unknown.id, ProductPhotoOperationId)
    assert known.id is ProductPhotoOperationId.STUDIO_PACKSHOT
    assert known.id.is_known is True


def test_unknown_value_round_trips_through_to_dict() -> None:
    assert ProductPhotoOperationListResponse.from_dict(OPERATIONS).to_dict() == OPERATIONS


def test_unknown_job_status_inside_allof_model_parses() -> None:
    body = {
        "job": {
            "id": "6f1c1a52-2b1e-4c9a-9a55-1d3f0f5e8c11",
            "total_items": 1,
            "credits_reserved": 5,
            "sandbox": True,
            "status": "archived",
        },
        "request_id": "req_2",
    }
    parsed = ProductPhotoJobStatusResponse.from_dict(body)
    assert parsed.job.status.value == "archived"
    assert parsed.job.status.is_known is False


def test_constructing_an_enum_stays_strict() -> None:
    with pytest.raises(ValueError, match="new_op"):
        ProductPhotoOperationId("new_op")


def test_request_models_only_take_known_members_by_construction() -> None:
    body = ProductPhotoJobCreateRequest(images=[], operation=ProductPhotoOperationId("remove_background"))
    assert body.to_dict()["operation"] == "remove_background"
