from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.product_photo_job_summary import ProductPhotoJobSummary


T = TypeVar("T", bound="ProductPhotoJobCreateResponse")


@_attrs_define
class ProductPhotoJobCreateResponse:
    """
    Attributes:
        job (ProductPhotoJobSummary):
        remaining_paid_credits (int):
        request_id (str):
    """

    job: ProductPhotoJobSummary
    remaining_paid_credits: int
    request_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        job = self.job.to_dict()

        remaining_paid_credits = self.remaining_paid_credits

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "job": job,
                "remaining_paid_credits": remaining_paid_credits,
                "request_id": request_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.product_photo_job_summary import ProductPhotoJobSummary  # noqa: PLC0415

        d = dict(src_dict)
        job = ProductPhotoJobSummary.from_dict(d.pop("job"))

        remaining_paid_credits = d.pop("remaining_paid_credits")

        request_id = d.pop("request_id")

        product_photo_job_create_response = cls(
            job=job,
            remaining_paid_credits=remaining_paid_credits,
            request_id=request_id,
        )

        product_photo_job_create_response.additional_properties = d
        return product_photo_job_create_response

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
            raise TypeError("ProductPhotoJobCreateResponse is one object, not iterable")
