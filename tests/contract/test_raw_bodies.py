"""A required raw request body (an image, a PDF: neither JSON nor a form) is present, in a
media type the spec lists, before anything is sent.

binary.yaml's ``putProductPhotoUpload`` (``PUT /product-photo-uploads/{uploadId}``) takes a
required ``image/png`` body. Before, the contract had no body for it at all: a call with no
body (or an empty file) went out and the server answered "Body parameter is required"; a
JPEG sent as ``image/jpeg`` went out too (Prism: 415). The generated code sends the ``File``
as a stream with its length (``Content-Length``), which is how presence is judged without
reading it; a stream of unknown length (chunked) is taken as present.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from aigenstudio import RequestValidationError

from .regenerated import SPECS

URL = "https://api.example.test/v1/product-photo-uploads/upl_1"


@pytest.fixture(scope="module")
def binary_spec() -> Any:
    from aigenstudio._contract.spec import build_spec

    from tools.contract import compile_contract
    from tools.generate import validate_spec

    return build_spec(compile_contract(validate_spec(SPECS / "binary.yaml").document))


def _problem(spec: Any, **request: Any) -> str | None:
    try:
        spec.operations["putProductPhotoUpload"].validate_beyond_path(httpx.Request("PUT", URL, **request))
    except RequestValidationError as error:
        return str(error)
    return None


PNG = {"Content-Type": "image/png"}


def _chunks() -> Iterator[bytes]:
    yield b"\x89PNG"


@pytest.mark.parametrize(
    "request_args",
    [
        {"content": b"\x89PNG", "headers": PNG},
        {"content": io.BytesIO(b"\x89PNG"), "headers": PNG},  # as the generated code sends a File
        {"content": _chunks(), "headers": PNG},  # unknown length: taken as present
        {"content": b"\x89PNG", "headers": {"Content-Type": "Image/PNG"}},
    ],
    ids=["bytes", "file", "chunked", "case-insensitive"],
)
def test_a_png_body_goes_out(binary_spec: Any, request_args: dict[str, Any]) -> None:
    assert _problem(binary_spec, **request_args) is None


@pytest.mark.parametrize(
    "request_args",
    [{}, {"headers": PNG}, {"content": b"", "headers": PNG}, {"content": io.BytesIO(b""), "headers": PNG}],
    ids=["nothing", "type only", "empty bytes", "empty file"],
)
def test_a_missing_or_empty_required_body_is_refused(binary_spec: Any, request_args: dict[str, Any]) -> None:
    assert _problem(binary_spec, **request_args) == "body: is required"


@pytest.mark.parametrize("got", ["image/jpeg", "application/json"])
def test_a_body_of_a_media_type_the_spec_does_not_list_is_refused(binary_spec: Any, got: str) -> None:
    assert _problem(binary_spec, content=b"\xff\xd8", headers={"Content-Type": got}) == (
        f"body: must be sent as image/png (got {got})"
    )


def test_a_body_without_a_content_type_is_refused(binary_spec: Any) -> None:
    refused = _problem(binary_spec, content=b"\x89PNG")
    assert refused == "body: must be sent as image/png (got no Content-Type)"


def test_the_contract_lists_the_raw_media_types() -> None:
    from tools.contract import compile_contract
    from tools.generate import validate_spec

    contract = compile_contract(validate_spec(SPECS / "binary.yaml").document)
    body = contract["operations"]["putProductPhotoUpload"]["body"]
    assert body == {"required": True, "schema": None, "media_types": ["image/png"]}
