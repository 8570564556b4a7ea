from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.product_photo_preset import ProductPhotoPreset


T = TypeVar("T", bound="ProductPhotoPresetListResponse")


@_attrs_define
class ProductPhotoPresetListResponse:
    """
    Attributes:
        presets (list[ProductPhotoPreset]):
        request_id (str):
    """

    presets: list[ProductPhotoPreset]
    request_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        presets = []
        for presets_item_data in self.presets:
            presets_item = presets_item_data.to_dict()
            presets.append(presets_item)

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "presets": presets,
                "request_id": request_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.product_photo_preset import ProductPhotoPreset  # noqa: PLC0415

        d = dict(src_dict)
        presets = []
        _presets = d.pop("presets")
        for presets_item_data in _presets:
            presets_item = ProductPhotoPreset.from_dict(presets_item_data)

            presets.append(presets_item)

        request_id = d.pop("request_id")

        product_photo_preset_list_response = cls(
            presets=presets,
            request_id=request_id,
        )

        product_photo_preset_list_response.additional_properties = d
        return product_photo_preset_list_response

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
                "ProductPhotoPresetListResponse is one object, not iterable: its items are in .presets; to go through every item of a listing, page after page, call .iter() on the resource instead of .list()"
            )
