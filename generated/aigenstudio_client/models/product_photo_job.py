from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.product_photo_job_status import ProductPhotoJobStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.product_photo_job_item import ProductPhotoJobItem


T = TypeVar("T", bound="ProductPhotoJob")


@_attrs_define
class ProductPhotoJob:
    """
    Attributes:
        id (UUID):
        total_items (int):
        credits_reserved (int):
        sandbox (bool):
        status (ProductPhotoJobStatus | None):
        completed_items (int | None):
        failed_items (int | None):
        credits_used (int | None):
        items (list[ProductPhotoJobItem] | None):
    """

    id: UUID
    total_items: int
    credits_reserved: int
    sandbox: bool
    status: ProductPhotoJobStatus | None = None
    completed_items: int | None = None
    failed_items: int | None = None
    credits_used: int | None = None
    items: list[ProductPhotoJobItem] | None = None
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

        _in_completed_items = (
            UNSET if self.completed_items is None else self.completed_items
        )
        completed_items = _in_completed_items

        _in_failed_items = UNSET if self.failed_items is None else self.failed_items
        failed_items = _in_failed_items

        _in_credits_used = UNSET if self.credits_used is None else self.credits_used
        credits_used = _in_credits_used

        _in_items = UNSET if self.items is None else self.items
        items: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(_in_items, Unset):
            items = []
            for items_item_data in _in_items:
                items_item = items_item_data.to_dict()
                items.append(items_item)

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
        if completed_items is not UNSET:
            field_dict["completed_items"] = completed_items
        if failed_items is not UNSET:
            field_dict["failed_items"] = failed_items
        if credits_used is not UNSET:
            field_dict["credits_used"] = credits_used
        if items is not UNSET:
            field_dict["items"] = items

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.product_photo_job_item import ProductPhotoJobItem  # noqa: PLC0415

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

        completed_items = d.pop("completed_items", UNSET)

        failed_items = d.pop("failed_items", UNSET)

        credits_used = d.pop("credits_used", UNSET)

        _items = d.pop("items", UNSET)
        items: list[ProductPhotoJobItem] | Unset = UNSET
        if _items is not UNSET:
            items = []
            for items_item_data in _items:
                items_item = ProductPhotoJobItem.from_dict(items_item_data)

                items.append(items_item)

        product_photo_job = cls(
            id=id,
            total_items=total_items,
            credits_reserved=credits_reserved,
            sandbox=sandbox,
            status=None if isinstance(status, Unset) else status,
            completed_items=None
            if isinstance(completed_items, Unset)
            else completed_items,
            failed_items=None if isinstance(failed_items, Unset) else failed_items,
            credits_used=None if isinstance(credits_used, Unset) else credits_used,
            items=None if isinstance(items, Unset) else items,
        )

        product_photo_job.additional_properties = d
        return product_photo_job

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
                "ProductPhotoJob is one object, not iterable: its items are in .items; to go through every item of a listing, page after page, call .iter() on the resource instead of .list()"
            )
