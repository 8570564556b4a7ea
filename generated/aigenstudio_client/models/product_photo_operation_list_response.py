from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.product_photo_operation import ProductPhotoOperation


T = TypeVar("T", bound="ProductPhotoOperationListResponse")


@_attrs_define
class ProductPhotoOperationListResponse:
    """
    Attributes:
        operations (list[ProductPhotoOperation]):
        request_id (str):
    """

    operations: list[ProductPhotoOperation]
    request_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        operations = []
        for operations_item_data in self.operations:
            operations_item = operations_item_data.to_dict()
            operations.append(operations_item)

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "operations": operations,
                "request_id": request_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.product_photo_operation import ProductPhotoOperation  # noqa: PLC0415

        d = dict(src_dict)
        operations = []
        _operations = d.pop("operations")
        for operations_item_data in _operations:
            operations_item = ProductPhotoOperation.from_dict(operations_item_data)

            operations.append(operations_item)

        request_id = d.pop("request_id")

        product_photo_operation_list_response = cls(
            operations=operations,
            request_id=request_id,
        )

        product_photo_operation_list_response.additional_properties = d
        return product_photo_operation_list_response

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
                "ProductPhotoOperationListResponse is one object, not iterable: its items are in .operations; to go through every item of a listing, page after page, call .iter() on the resource instead of .list()"
            )
