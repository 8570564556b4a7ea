from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProductPhotoImageInput")


@_attrs_define
class ProductPhotoImageInput:
    """
    Attributes:
        source_url (str):
        external_id (str | None):
    """

    source_url: str
    external_id: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        source_url = self.source_url

        _in_external_id = UNSET if self.external_id is None else self.external_id
        external_id = _in_external_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "source_url": source_url,
            }
        )
        if external_id is not UNSET:
            field_dict["external_id"] = external_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        source_url = d.pop("source_url")

        external_id = d.pop("external_id", UNSET)

        product_photo_image_input = cls(
            source_url=source_url,
            external_id=None if isinstance(external_id, Unset) else external_id,
        )

        product_photo_image_input.additional_properties = d
        return product_photo_image_input

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
            raise TypeError("ProductPhotoImageInput is one object, not iterable")
