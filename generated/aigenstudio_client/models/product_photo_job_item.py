from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProductPhotoJobItem")


@_attrs_define
class ProductPhotoJobItem:
    """
    Attributes:
        id (UUID):
        external_id (str | None):
        credits_reserved (int | None):
        credits_used (int | None):
        result_url (str | None):
        thumbnail_url (str | None):
        error_code (str | None):
        error_message (str | None):
    """

    id: UUID
    external_id: str | None = None
    credits_reserved: int | None = None
    credits_used: int | None = None
    result_url: str | None = None
    thumbnail_url: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        _in_external_id = UNSET if self.external_id is None else self.external_id
        external_id = _in_external_id

        _in_credits_reserved = (
            UNSET if self.credits_reserved is None else self.credits_reserved
        )
        credits_reserved = _in_credits_reserved

        _in_credits_used = UNSET if self.credits_used is None else self.credits_used
        credits_used = _in_credits_used

        _in_result_url = UNSET if self.result_url is None else self.result_url
        result_url = _in_result_url

        _in_thumbnail_url = UNSET if self.thumbnail_url is None else self.thumbnail_url
        thumbnail_url = _in_thumbnail_url

        _in_error_code = UNSET if self.error_code is None else self.error_code
        error_code = _in_error_code

        _in_error_message = UNSET if self.error_message is None else self.error_message
        error_message = _in_error_message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if credits_reserved is not UNSET:
            field_dict["credits_reserved"] = credits_reserved
        if credits_used is not UNSET:
            field_dict["credits_used"] = credits_used
        if result_url is not UNSET:
            field_dict["result_url"] = result_url
        if thumbnail_url is not UNSET:
            field_dict["thumbnail_url"] = thumbnail_url
        if error_code is not UNSET:
            field_dict["error_code"] = error_code
        if error_message is not UNSET:
            field_dict["error_message"] = error_message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        external_id = d.pop("external_id", UNSET)

        credits_reserved = d.pop("credits_reserved", UNSET)

        credits_used = d.pop("credits_used", UNSET)

        result_url = d.pop("result_url", UNSET)

        thumbnail_url = d.pop("thumbnail_url", UNSET)

        error_code = d.pop("error_code", UNSET)

        error_message = d.pop("error_message", UNSET)

        product_photo_job_item = cls(
            id=id,
            external_id=None if isinstance(external_id, Unset) else external_id,
            credits_reserved=None
            if isinstance(credits_reserved, Unset)
            else credits_reserved,
            credits_used=None if isinstance(credits_used, Unset) else credits_used,
            result_url=None if isinstance(result_url, Unset) else result_url,
            thumbnail_url=None if isinstance(thumbnail_url, Unset) else thumbnail_url,
            error_code=None if isinstance(error_code, Unset) else error_code,
            error_message=None if isinstance(error_message, Unset) else error_message,
        )

        product_photo_job_item.additional_properties = d
        return product_photo_job_item

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
            raise TypeError("ProductPhotoJobItem is one object, not iterable")
