from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.product_photo_job_create_request_preservation_level import (
    ProductPhotoJobCreateRequestPreservationLevel,
)
from ..models.product_photo_operation_id import ProductPhotoOperationId
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.product_photo_image_input import ProductPhotoImageInput


T = TypeVar("T", bound="ProductPhotoJobCreateRequest")


@_attrs_define
class ProductPhotoJobCreateRequest:
    """
    Attributes:
        images (list[ProductPhotoImageInput]):
        operation (ProductPhotoOperationId | Unset):
        preset (str | Unset): Preset id returned by GET /product-photo-presets.
        preservation_level (ProductPhotoJobCreateRequestPreservationLevel | Unset):  Default:
            ProductPhotoJobCreateRequestPreservationLevel.STRICT.
        instructions (str | Unset):
        webhook_url (str | Unset):
    """

    images: list[ProductPhotoImageInput]
    operation: ProductPhotoOperationId | Unset = UNSET
    preset: str | Unset = UNSET
    preservation_level: ProductPhotoJobCreateRequestPreservationLevel | Unset = (
        ProductPhotoJobCreateRequestPreservationLevel.STRICT
    )
    instructions: str | Unset = UNSET
    webhook_url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        images = []
        for images_item_data in self.images:
            images_item = images_item_data.to_dict()
            images.append(images_item)

        operation: str | Unset = UNSET
        if not isinstance(self.operation, Unset):
            operation = self.operation.value

        preset = self.preset

        preservation_level: str | Unset = UNSET
        if not isinstance(self.preservation_level, Unset):
            preservation_level = self.preservation_level.value

        instructions = self.instructions

        webhook_url = self.webhook_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "images": images,
            }
        )
        if operation is not UNSET:
            field_dict["operation"] = operation
        if preset is not UNSET:
            field_dict["preset"] = preset
        if preservation_level is not UNSET:
            field_dict["preservation_level"] = preservation_level
        if instructions is not UNSET:
            field_dict["instructions"] = instructions
        if webhook_url is not UNSET:
            field_dict["webhook_url"] = webhook_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.product_photo_image_input import ProductPhotoImageInput  # noqa: PLC0415

        d = dict(src_dict)
        images = []
        _images = d.pop("images")
        for images_item_data in _images:
            images_item = ProductPhotoImageInput.from_dict(images_item_data)

            images.append(images_item)

        _operation = d.pop("operation", UNSET)
        operation: ProductPhotoOperationId | Unset
        if isinstance(_operation, Unset):
            operation = UNSET
        else:
            operation = ProductPhotoOperationId.from_api_value(_operation)

        preset = d.pop("preset", UNSET)

        _preservation_level = d.pop("preservation_level", UNSET)
        preservation_level: ProductPhotoJobCreateRequestPreservationLevel | Unset
        if isinstance(_preservation_level, Unset):
            preservation_level = UNSET
        else:
            preservation_level = (
                ProductPhotoJobCreateRequestPreservationLevel.from_api_value(
                    _preservation_level
                )
            )

        instructions = d.pop("instructions", UNSET)

        webhook_url = d.pop("webhook_url", UNSET)

        product_photo_job_create_request = cls(
            images=images,
            operation=operation,
            preset=preset,
            preservation_level=preservation_level,
            instructions=instructions,
            webhook_url=webhook_url,
        )

        product_photo_job_create_request.additional_properties = d
        return product_photo_job_create_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

    if not TYPE_CHECKING:  # type checkers already call it not iterable

        def __iter__(self) -> Any:
            raise TypeError(
                "ProductPhotoJobCreateRequest is one object, not iterable: its items are in .images; to go through every item of a listing, page after page, call .iter() on the resource instead of .list()"
            )
