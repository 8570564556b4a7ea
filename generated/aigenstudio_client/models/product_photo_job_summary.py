from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.product_photo_job_status import ProductPhotoJobStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProductPhotoJobSummary")


@_attrs_define
class ProductPhotoJobSummary:
    """
    Attributes:
        id (UUID):
        total_items (int):
        credits_reserved (int):
        sandbox (bool):
        status (ProductPhotoJobStatus | None):
    """

    id: UUID
    total_items: int
    credits_reserved: int
    sandbox: bool
    status: ProductPhotoJobStatus | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        total_items = self.total_items

        credits_reserved = self.credits_reserved

        sandbox = self.sandbox

        _in_status = UNSET if self.status is None else self.status
        status: str | Unset = UNSET
        if not isinstance(_in_status, Unset):
            status = _in_status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "total_items": total_items,
                "credits_reserved": credits_reserved,
                "sandbox": sandbox,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        total_items = d.pop("total_items")

        credits_reserved = d.pop("credits_reserved")

        sandbox = d.pop("sandbox")

        _status = d.pop("status", UNSET)
        status: ProductPhotoJobStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ProductPhotoJobStatus.from_api_value(_status)

        product_photo_job_summary = cls(
            id=id,
            total_items=total_items,
            credits_reserved=credits_reserved,
            sandbox=sandbox,
            status=None if isinstance(status, Unset) else status,
        )

        product_photo_job_summary.additional_properties = d
        return product_photo_job_summary

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
            raise TypeError("ProductPhotoJobSummary is one object, not iterable")
