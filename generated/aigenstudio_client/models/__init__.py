"""Contains all the data models used in inputs/outputs"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .error_response import ErrorResponse
    from .error_response_error import ErrorResponseError
    from .product_photo_image_input import ProductPhotoImageInput
    from .product_photo_job import ProductPhotoJob
    from .product_photo_job_create_request import ProductPhotoJobCreateRequest
    from .product_photo_job_create_request_preservation_level import (
        ProductPhotoJobCreateRequestPreservationLevel,
    )
    from .product_photo_job_create_response import ProductPhotoJobCreateResponse
    from .product_photo_job_item import ProductPhotoJobItem
    from .product_photo_job_list_response import ProductPhotoJobListResponse
    from .product_photo_job_status import ProductPhotoJobStatus
    from .product_photo_job_status_response import ProductPhotoJobStatusResponse
    from .product_photo_job_summary import ProductPhotoJobSummary
    from .product_photo_operation import ProductPhotoOperation
    from .product_photo_operation_id import ProductPhotoOperationId
    from .product_photo_operation_list_response import ProductPhotoOperationListResponse
    from .product_photo_preset import ProductPhotoPreset
    from .product_photo_preset_list_response import ProductPhotoPresetListResponse

# Public name -> the module that defines it, loaded on first access.
_LAZY = {
    "ErrorResponse": ".error_response",
    "ErrorResponseError": ".error_response_error",
    "ProductPhotoImageInput": ".product_photo_image_input",
    "ProductPhotoJob": ".product_photo_job",
    "ProductPhotoJobCreateRequest": ".product_photo_job_create_request",
    "ProductPhotoJobCreateRequestPreservationLevel": ".product_photo_job_create_request_preservation_level",
    "ProductPhotoJobCreateResponse": ".product_photo_job_create_response",
    "ProductPhotoJobItem": ".product_photo_job_item",
    "ProductPhotoJobListResponse": ".product_photo_job_list_response",
    "ProductPhotoJobStatus": ".product_photo_job_status",
    "ProductPhotoJobStatusResponse": ".product_photo_job_status_response",
    "ProductPhotoJobSummary": ".product_photo_job_summary",
    "ProductPhotoOperation": ".product_photo_operation",
    "ProductPhotoOperationId": ".product_photo_operation_id",
    "ProductPhotoOperationListResponse": ".product_photo_operation_list_response",
    "ProductPhotoPreset": ".product_photo_preset",
    "ProductPhotoPresetListResponse": ".product_photo_preset_list_response",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = (
    "ErrorResponse",
    "ErrorResponseError",
    "ProductPhotoImageInput",
    "ProductPhotoJob",
    "ProductPhotoJobCreateRequest",
    "ProductPhotoJobCreateRequestPreservationLevel",
    "ProductPhotoJobCreateResponse",
    "ProductPhotoJobItem",
    "ProductPhotoJobListResponse",
    "ProductPhotoJobStatus",
    "ProductPhotoJobStatusResponse",
    "ProductPhotoJobSummary",
    "ProductPhotoOperation",
    "ProductPhotoOperationId",
    "ProductPhotoOperationListResponse",
    "ProductPhotoPreset",
    "ProductPhotoPresetListResponse",
)
