"""Contains all the data models used in inputs/outputs"""

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
