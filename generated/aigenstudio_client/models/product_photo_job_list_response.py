from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.product_photo_job_summary import ProductPhotoJobSummary


T = TypeVar("T", bound="ProductPhotoJobListResponse")


@_attrs_define
class ProductPhotoJobListResponse:
    """
    Attributes:
        jobs (list[ProductPhotoJobSummary]):
        request_id (str):
        next_cursor (datetime.datetime | None | Unset):
    """

    jobs: list[ProductPhotoJobSummary]
    request_id: str
    next_cursor: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        jobs = []
        for jobs_item_data in self.jobs:
            jobs_item = jobs_item_data.to_dict()
            jobs.append(jobs_item)

        request_id = self.request_id

        next_cursor: None | str | Unset
        if isinstance(self.next_cursor, Unset):
            next_cursor = UNSET
        elif isinstance(self.next_cursor, datetime.datetime):
            next_cursor = self.next_cursor.isoformat()
        else:
            next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "jobs": jobs,
                "request_id": request_id,
            }
        )
        if next_cursor is not UNSET:
            field_dict["next_cursor"] = next_cursor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.product_photo_job_summary import ProductPhotoJobSummary  # noqa: PLC0415

        d = dict(src_dict)
        jobs = []
        _jobs = d.pop("jobs")
        for jobs_item_data in _jobs:
            jobs_item = ProductPhotoJobSummary.from_dict(jobs_item_data)

            jobs.append(jobs_item)

        request_id = d.pop("request_id")

        def _parse_next_cursor(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_cursor_type_0 = datetime.datetime.fromisoformat(data)

                return next_cursor_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            raise ValueError(f"{data!r} is none of datetime.datetime | None | Unset")

        next_cursor = _parse_next_cursor(d.pop("next_cursor", UNSET))

        product_photo_job_list_response = cls(
            jobs=jobs,
            request_id=request_id,
            next_cursor=next_cursor,
        )

        product_photo_job_list_response.additional_properties = d
        return product_photo_job_list_response

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
                "ProductPhotoJobListResponse is one object, not iterable: its items are in .jobs; to go through every item of a listing, page after page, call .iter() on the resource instead of .list()"
            )
