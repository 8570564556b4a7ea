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
        operation (ProductPhotoOperationId | None):
        preset (str | None): Preset id returned by GET /product-photo-presets.
        preservation_level (ProductPhotoJobCreateRequestPreservationLevel | None):  Default:
            ProductPhotoJobCreateRequestPreservationLevel.STRICT.
        instructions (str | None):
        webhook_url (str | None):
    """

    images: list[ProductPhotoImageInput]
    operation: ProductPhotoOperationId | None = None
    preset: str | None = None
    preservation_level: ProductPhotoJobCreateRequestPreservationLevel | None = (
        ProductPhotoJobCreateRequestPreservationLevel.STRICT
    )
    instructions: str | None = None
    webhook_url: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        images = []
        for images_item_data in self.images:
            images_item = images_item_data.to_dict()
            images.append(images_item)

        _in_operation = UNSET if self.operation is None else self.operation
        operation: str | Unset = UNSET
        if not isinstance(_in_operation, Unset):
            operation = _in_operation.value

        _in_preset = UNSET if self.preset is None else self.preset
        preset = _in_preset

        _in_preservation_level = (
            UNSET if self.preservation_level is None else self.preservation_level
        )
        preservation_level: str | Unset = UNSET
        if not isinstance(_in_preservation_level, Unset):
            preservation_level = _in_preservation_level.value

        _in_instructions = UNSET if self.instructions is None else self.instructions
        instructions = _in_instructions

        _in_webhook_url = UNSET if self.webhook_url is None else self.webhook_url
        webhook_url = _in_webhook_url

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
            operation=None if isinstance(operation, Unset) else operation,
            preset=None if isinstance(preset, Unset) else preset,
            preservation_level=None
            if isinstance(preservation_level, Unset)
            else preservation_level,
            instructions=None if isinstance(instructions, Unset) else instructions,
            webhook_url=None if isinstance(webhook_url, Unset) else webhook_url,
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
