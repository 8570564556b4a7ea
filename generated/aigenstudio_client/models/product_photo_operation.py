from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.product_photo_operation_id import ProductPhotoOperationId
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProductPhotoOperation")


@_attrs_define
class ProductPhotoOperation:
    """
    Attributes:
        id (ProductPhotoOperationId):
        name (str):
        credits_per_image (int):
        description (str | None):
    """

    id: ProductPhotoOperationId
    name: str
    credits_per_image: int
    description: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id.value

        name = self.name

        credits_per_image = self.credits_per_image

        _in_description = UNSET if self.description is None else self.description
        description = _in_description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "credits_per_image": credits_per_image,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = ProductPhotoOperationId.from_api_value(d.pop("id"))

        name = d.pop("name")

        credits_per_image = d.pop("credits_per_image")

        description = d.pop("description", UNSET)

        product_photo_operation = cls(
            id=id,
            name=name,
            credits_per_image=credits_per_image,
            description=None if isinstance(description, Unset) else description,
        )

        product_photo_operation.additional_properties = d
        return product_photo_operation

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
            raise TypeError("ProductPhotoOperation is one object, not iterable")
