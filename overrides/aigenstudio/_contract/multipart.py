"""A ``multipart/form-data`` body encoded by hand (``content=`` bytes), read back into its parts.

The generated code passes ``files=``/``data=`` and the checks read those fields as given; a
request made by hand on the client's httpx client may carry the encoded bytes instead. They
are read the way a server splits them, strictly, so that what is checked is what any server
reads (RFC 2046 5.1, RFC 7578):

- the declared ``boundary`` is 1..70 of RFC 2046's characters, not ending in a space;
- the body starts with the first delimiter (no preamble) and ends with the close delimiter
  (an optional CRLF after it, nothing else), and no part holds ``CRLF--boundary`` (a
  delimiter with padding or an early close would split differently on other servers);
- every part has one ``Content-Disposition: form-data`` header with a ``name``, within
  ``MAX_HEADER_BYTES`` of UTF-8 headers, and there are at most ``MAX_PARTS`` parts;
- no header (the body's ``Content-Type``, a part's) is given twice, nor any of its parameters
  (two ``boundary``, two ``name``, ``name`` and ``name*``): servers differ on which they read.

Anything else is refused before sending. The part headers are parsed by the standard
library's ``email`` parser (RFC 2231 parameters, quoting), with its default policy, which keeps
every parameter as written.
"""

from __future__ import annotations

import email.message
import email.parser
import email.utils
import re
from dataclasses import dataclass

from .schema import Invalid

__all__ = ["MAX_HEADER_BYTES", "MAX_PARTS", "MultipartPart", "multipart_parts"]

MAX_PARTS = 1000
MAX_HEADER_BYTES = 16 * 1024
# RFC 2046 5.1.1: bchars, 1 to 70 of them, the last not a space.
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")
_MALFORMED = "must be multipart/form-data framed by its declared boundary"


@dataclass(frozen=True, slots=True)
class MultipartPart:
    name: str
    filename: str | None
    content_type: str | None  # as declared by the part (None: not given)
    data: bytes


def _unambiguous(headers: email.message.Message, name: str) -> bool:
    """The header is given at most once, and none of its parameters twice (``name`` and
    ``name*`` count as one): servers differ on which of two they read."""
    if len(headers.get_all(name) or []) > 1:
        return False
    keys = [key.lower().rstrip("*") for key, _ in headers.get_params(header=name) or []][1:]
    return len(keys) == len(set(keys))


def _boundary(content_type: str) -> bytes:
    header = email.message.Message()
    header["Content-Type"] = content_type
    boundary = header.get_boundary()
    if boundary is None or not _BOUNDARY.fullmatch(boundary) or not _unambiguous(header, "content-type"):
        raise Invalid("body", _MALFORMED)
    return boundary.encode("ascii")


def _framed(content: bytes, boundary: bytes) -> list[bytes]:
    """The parts' raw bytes (headers and data) between the delimiters."""
    opening, closing = b"--" + boundary, b"\r\n--" + boundary + b"--"
    if content in (opening + b"--", opening + b"--\r\n"):
        return []  # a form with no part
    end = len(content) - (2 if content.endswith(b"\r\n") else 0)
    if not content.startswith(opening + b"\r\n") or not content[:end].endswith(closing):
        raise Invalid("body", _MALFORMED)
    inner = content[len(opening) + 2 : end - len(closing)]
    parts = inner.split(b"\r\n--" + boundary + b"\r\n")
    if len(parts) > MAX_PARTS:
        raise Invalid("body", f"must have at most {MAX_PARTS} parts")
    if any(b"\r\n--" + boundary in part for part in parts):
        raise Invalid("body", _MALFORMED)
    return parts


def _part(raw: bytes) -> MultipartPart:
    head, separator, data = raw.partition(b"\r\n\r\n")
    if not separator or len(head) > MAX_HEADER_BYTES:
        raise Invalid("body", _MALFORMED)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("body", _MALFORMED) from None
    # compat32 (the default policy) keeps every parameter as written: duplicates stay visible.
    headers = email.parser.HeaderParser().parsestr(text + "\r\n\r\n")
    name = headers.get_param("name", header="content-disposition")
    if headers.defects or headers.get_content_disposition() != "form-data" or not name:
        raise Invalid("body", _MALFORMED)
    if not _unambiguous(headers, "content-disposition") or not _unambiguous(headers, "content-type"):
        raise Invalid("body", _MALFORMED)
    content_type = headers.get("content-type")
    return MultipartPart(
        name=email.utils.collapse_rfc2231_value(name),
        filename=headers.get_filename(),
        content_type=None if content_type is None else str(content_type),
        data=data,
    )


def multipart_parts(content_type: str, content: bytes) -> list[MultipartPart]:
    """Every part of a multipart body, in order, as a server splits it (or ``Invalid``)."""
    return [_part(raw) for raw in _framed(content, _boundary(content_type))]
