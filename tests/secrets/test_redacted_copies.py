"""The redacted copies an error keeps: every secret header replaced, a streamed body never read,
the wire's encoding headers dropped from a decoded response (pinned by make mutate)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import httpx
import pytest
from aigenstudio._core.redaction import REDACTED, SECRET_HEADERS, redacted_request, redacted_response

_SECRETS = {
    "Authorization": "Bearer aigen_live_secret",
    "Proxy-Authorization": "Basic c2VjcmV0",
    "Cookie": "session=secret",
    "Set-Cookie": "session=secret",
    "X-Api-Key": "aigen_live_secret",
    "X-Aigen-Signature": "t=1,v1=deadbeef",
}


def test_every_credential_header_is_a_secret_header() -> None:
    assert {name.lower() for name in _SECRETS} == set(SECRET_HEADERS)


@pytest.mark.parametrize("name", sorted(_SECRETS))
def test_each_secret_header_is_replaced_in_the_copy(name: str) -> None:
    request = httpx.Request(
        "POST", "https://api.example/v1/jobs", headers={name: _SECRETS[name]}, content=b"{}"
    )
    copy = redacted_request(request)
    assert copy.headers[name] == REDACTED
    assert "secret" not in repr(copy.headers.raw)
    assert "deadbeef" not in repr(copy.headers.raw)


def test_a_streamed_request_body_is_left_unread_and_gets_no_content_length() -> None:
    def body() -> Iterator[bytes]:
        yield b"never read by the copy"

    request = httpx.Request("POST", "https://api.example/v1/uploads", content=body())
    copy = redacted_request(request)
    assert copy.content == b""
    assert "content-length" not in copy.headers
    assert "transfer-encoding" in request.headers  # the original still streams, untouched


def test_a_read_request_body_keeps_its_content_length() -> None:
    request = httpx.Request("POST", "https://user:pw@api.example/v1/jobs", json={"a": 1})
    copy = redacted_request(request)
    assert copy.content == request.content
    assert copy.headers["content-length"] == str(len(request.content))
    assert copy.url.userinfo == b""


def test_a_redacted_response_drops_the_wire_encoding_headers_and_secrets() -> None:
    request = httpx.Request("GET", "https://api.example/v1/jobs/1")
    headers = {"Content-Encoding": "gzip", "Set-Cookie": "s=secret", "X-Request-Id": "req_1"}
    response = httpx.Response(200, headers=headers, content=gzip.compress(b"decoded"), request=request)
    response.read()
    copy = redacted_response(response, redacted_request(request))
    assert "content-encoding" not in copy.headers
    assert copy.headers["set-cookie"] == REDACTED
    assert copy.headers["x-request-id"] == "req_1"
    assert copy.content == b"decoded"
