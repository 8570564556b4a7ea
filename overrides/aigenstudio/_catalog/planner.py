"""Rows to request bodies: check each row as it is read, build and check each batch's body.

Nothing here holds more than one batch. A problem is reported against the row it came
from (``images[<row>].source_url``), whichever batch the row landed in, so a merchandiser
can find it in the file.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Mapping
from typing import Any

import attrs
from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput
from aigenstudio_client.models.product_photo_job_create_request import ProductPhotoJobCreateRequest

from .._contract.spec import load_spec
from .._core.api_facts import IDEMPOTENCY_KEY_HEADER, IMAGES_PER_JOB
from .._core.errors import ArgumentTypeError, RequestValidationError
from .._http.idempotency import idempotency_key_for

__all__ = [
    "CREATE_OPERATION",
    "EXTERNAL_ID",
    "IMAGE_FIELDS",
    "SOURCE_URL",
    "BodyTemplate",
    "ImageLike",
    "InvalidRowError",
    "checked_image",
    "images_per_job",
    "item_key",
    "job_options",
]

# The generated function's name (the contract's Spec.named key), as every helper names one.
CREATE_OPERATION = "create_product_photo_job"
_PROBE_IMAGE = ProductPhotoImageInput(source_url="https://example.com/probe.jpg")
# The image input's fields (the spec's ProductPhotoImageInput): all a row sends, and all the
# journal records of it. Named through the generated model, so a renamed field fails mypy.
_IMAGE_INPUT = attrs.fields(ProductPhotoImageInput)
SOURCE_URL, EXTERNAL_ID = IMAGE_FIELDS = (_IMAGE_INPUT.source_url.name, _IMAGE_INPUT.external_id.name)
# The create body's list of images: its key in the job options' dict (the typed home of the
# field is ``_with_images``, whose evolve() mypy checks against the generated model).
_IMAGES = attrs.fields(ProductPhotoJobCreateRequest).images.name
_IMAGE_FIELD = re.compile(rf"^body\.{_IMAGES}\[(\d+)\](.*)$")

ImageLike = ProductPhotoImageInput | Mapping[str, Any]


class InvalidRowError(RequestValidationError):
    """A row the spec refuses; ``position`` is its place in the batch being built."""

    def __init__(self, field: str, limit: str, position: int) -> None:
        super().__init__(field, limit)
        self.position = position


@functools.cache
def images_per_job() -> int:
    """The create body's ``images.maxItems`` from the bundled spec (else IMAGES_PER_JOB)."""
    spec = load_spec()
    create = spec.named.get(CREATE_OPERATION)
    if create is None:
        return IMAGES_PER_JOB
    try:
        body = spec.deref(create.body_schema)
        limit = spec.deref(body["properties"][_IMAGES])["maxItems"]
    except (LookupError, TypeError):
        return IMAGES_PER_JOB
    return limit if isinstance(limit, int) and limit >= 1 else IMAGES_PER_JOB


def checked_image(row: int, image: object) -> ProductPhotoImageInput:
    """One row as an image input, or RequestValidationError naming ``images[row]``.

    Only the image input's own fields (``IMAGE_FIELDS``) are kept: a row's other keys (a
    title, a price...) are ignored, never sent, so the body sent is the one the journal
    records and a resumed batch is re-sent byte for byte under its key.
    """
    where = f"images[{row}]"
    source: object
    external: object
    if isinstance(image, ProductPhotoImageInput):
        source, external = image.source_url, image.external_id
    elif isinstance(image, Mapping):
        source, external = (image.get(name) for name in IMAGE_FIELDS)
    else:
        raise RequestValidationError(where, "a ProductPhotoImageInput or a mapping")
    if not isinstance(source, str) or not source:
        raise RequestValidationError(f"{where}.source_url", "required")
    _check_text(f"{where}.source_url", source)
    if isinstance(external, str):
        if not external:
            raise RequestValidationError(f"{where}.external_id", "non-empty when given")
        _check_text(f"{where}.external_id", external)
    elif external is not None:
        raise RequestValidationError(f"{where}.external_id", "a string")
    return ProductPhotoImageInput(source_url=source, external_id=external)


def _check_text(field: str, text: str) -> None:
    """Refuse what cannot go out as UTF-8 (a lone surrogate, e.g. from a JSON ``\\ud800``)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise RequestValidationError(field, "valid Unicode text (it holds a lone surrogate)") from None


def item_key(image: ProductPhotoImageInput) -> str:
    """The journal's name for an item: its external_id, else its source_url."""
    external_id = image.external_id
    return external_id if isinstance(external_id, str) else image.source_url


class BodyTemplate:
    """The job options shared by every batch, checked once; builds and checks batch bodies."""

    def __init__(self, namespace: str, job_options: Mapping[str, Any]) -> None:
        if not isinstance(namespace, str) or not namespace:
            raise RequestValidationError("namespace", "a non-empty string")
        self.namespace = namespace
        self.options = {name: _plain(value) for name, value in job_options.items() if value is not None}
        for name, text in {"namespace": namespace, **self.options}.items():  # hashed into every key
            if isinstance(text, str):
                _check_text(name, text)
        self._create = load_spec().named.get(CREATE_OPERATION)
        probe = ProductPhotoJobCreateRequest.from_dict({**self.options, _IMAGES: [_PROBE_IMAGE.to_dict()]})
        if probe.additional_properties:
            unknown = ", ".join(sorted(probe.additional_properties))
            raise ArgumentTypeError("job_options", f"unknown job option(s): {unknown}")
        self._validate(probe.to_dict(), rows=[0])
        self._options_model = probe

    @property
    def webhook_url(self) -> str | None:
        """Where the API sends this run's job events (None when no job option sets it)."""
        url = self._options_model.webhook_url
        return url if isinstance(url, str) and url else None

    def body(self, images: list[ProductPhotoImageInput], rows: list[int]) -> tuple[dict[str, Any], str]:
        """The batch's wire body and its idempotency key, after the spec's checks.

        The key hashes the namespace and the body (the journal's batch record), never a
        row's position: the same batch gets the same key in any rerun.
        """
        body = self._with_images(images).to_dict()
        self._validate(body, rows)
        return body, idempotency_key_for(self.namespace, body)

    def body_of_record(self, images: list[ProductPhotoImageInput]) -> dict[str, Any]:
        """The body of a batch the journal recorded (checked when it was first built)."""
        return self._with_images(images).to_dict()

    def _with_images(self, images: list[ProductPhotoImageInput]) -> ProductPhotoJobCreateRequest:
        # The checked options with this batch's images, typed: a renamed or retyped field fails
        # mypy here. Options were read once; each batch only swaps its images in.
        return attrs.evolve(self._options_model, images=images)

    def _validate(self, body: dict[str, Any], rows: list[int]) -> None:
        if self._create is None:
            return
        try:  # the spec's own limits (source_url format, instructions, webhook_url, enums...)
            self._create.validate_arguments(json=body, headers={IDEMPOTENCY_KEY_HEADER: "k" * 16})
        except RequestValidationError as error:
            raise _on_row(error, rows) from None


def job_options(chosen: ProductPhotoJobCreateRequest) -> dict[str, Any]:
    """The job options (wire names and values) of a create body built with no images."""
    options = chosen.to_dict()
    del options[_IMAGES]
    return options


def _on_row(error: RequestValidationError, rows: list[int]) -> RequestValidationError:
    """Name the input row for a problem inside ``body.images[i]``; other problems unchanged."""
    match = _IMAGE_FIELD.match(error.field)
    if match is None or int(match.group(1)) >= len(rows):
        return error
    position = int(match.group(1))
    return InvalidRowError(f"images[{rows[position]}]{match.group(2)}", error.limit, position)


def _plain(value: Any) -> Any:
    # Options go through the model's from_dict, which takes wire values.
    return value.value if isinstance(value, enum.Enum) else value
