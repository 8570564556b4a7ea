from enum import StrEnum
from typing import Any, Self


class ProductPhotoJobCreateRequestPreservationLevel(StrEnum):
    BALANCED = "balanced"
    CREATIVE = "creative"
    STRICT = "strict"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def from_api_value(cls, value: str) -> Self:
        """Parse a value received from the API, keeping values this client does not know.

        The API adds enum values over time. An unknown value becomes a pseudo-member whose
        ``is_known`` is False and whose ``.value`` round-trips unchanged, instead of failing
        the whole response. Calling the class directly (``ProductPhotoJobCreateRequestPreservationLevel(value)``)
        stays strict, so request bodies still only accept the values listed in the spec.
        """
        try:
            return cls(value)
        except ValueError:
            if not isinstance(value, str):
                raise
        member = str.__new__(cls, value)
        member._name_ = "UNKNOWN"
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """False for a value the API sent that this client's spec does not list."""
        return self._value_ in type(self)._value2member_map_

    def __reduce_ex__(self, protocol: object) -> tuple[Any, ...]:
        """Pickled by value through from_api_value, so that an unknown value unpickles too."""
        return type(self).from_api_value, (self._value_,)
