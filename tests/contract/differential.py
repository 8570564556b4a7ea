"""Differential harness: does the client refuse exactly the requests the spec forbids?

Every case is one HTTP request (method, wire path, query, headers, JSON body), built from the
vendored ``openapi.yaml`` alone -- this module does not read the client's own rules:

- boundary cases: a valid request per operation with one input replaced by a boundary or
  near-miss value (limits, lengths, formats, enums, wrong types, missing/extra fields);
- generated cases: a fixed-seed generator draws valid requests from the spec's schemas and
  makes zero to two inputs near misses (from the same boundary pools).

Each case is sent three ways: through ``aigenstudio.Client`` and ``aigenstudio.AsyncClient``
at the wire level (``get_httpx_client().request(...)``), and raw with plain httpx. Prism
(validation mode, ``--errors``) judges the raw request; the client's verdict is whether it
refused (RequestValidationError, nothing on the wire) or sent. The two are compared, and
the few deliberate differences are matched by the predicates in ``ALLOWLIST``.
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import copy
import importlib
import ipaddress
import json
import math
import random
import re
import socket
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

import httpx
import yaml
from aigenstudio import APIConnectionError, APIStatusError, AsyncClient, Client, RequestValidationError

from tests.contract.clients import SANDBOX_KEY
from tests.servers.counting import AsyncCountingTransport, CountingTransport

# The stdlib's own parse of a regex (re._parser, untyped in typeshed): no public API gives it.
regex_parser: Any = importlib.import_module("re._parser")

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "openapi.yaml"
REPORT_PATH = ROOT / "reports" / "differential.json"
# Generated cases on top of the boundary cases, shared among the operations by how many
# inputs each has. Each case is three requests; Prism answers one in 1-3 ms.
GENERATED_CASES = 900

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __copy__(self) -> _Marker:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _Marker:
        return self


ABSENT: Any = _Marker("ABSENT")  # a parameter that is not sent
NO_BODY: Any = _Marker("NO_BODY")  # a request without a body


# -- the spec ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    location: str  # path, query or header
    required: bool
    schema: dict[str, Any]  # $refs inlined
    style: str = "form"  # how an array travels: form, spaceDelimited, pipeDelimited (query), simple
    explode: bool = True

    def array_wire(self, items: list[str]) -> list[str]:
        """An array's wire values: the name once per item (a query's exploded form) or one
        value joined with the style's separator."""
        if self.location == "query" and self.explode and self.style == "form":
            return items
        separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(self.style, ",")
        return [separator.join(items)]


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    template: str
    params: tuple[Param, ...]
    body: dict[str, Any] | None  # the request body's schema, $refs inlined
    body_required: bool
    body_media: str = JSON  # JSON, FORM, MULTIPART or another media type (a raw body)

    def binary_fields(self) -> tuple[str, ...]:
        """The body's file fields (a multipart body sends them as file parts)."""
        properties = (self.body or {}).get("properties") or {}
        return tuple(name for name, sub in properties.items() if sub.get("format") == "binary")


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def inline(document: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """``node`` with every local ``$ref`` replaced by a copy of its target."""
    if depth > 32:
        raise ValueError("recursive $ref: the harness only handles finite schemas")
    if isinstance(node, dict):
        if "$ref" in node:
            return inline(document, _resolve(document, str(node["$ref"])), depth + 1)
        return {key: inline(document, value, depth + 1) for key, value in node.items()}
    if isinstance(node, list):
        return [inline(document, value, depth + 1) for value in node]
    return node


def _style(param: dict[str, Any]) -> str:
    """The parameter's style, or OpenAPI's default for its location."""
    return str(param.get("style") or ("form" if param["in"] in ("query", "cookie") else "simple"))


def load_operations(path: Path = SPEC_PATH) -> list[Operation]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    operations = []
    for template, item in (document.get("paths") or {}).items():
        for method in _METHODS:
            if method not in item:
                continue
            raw = item[method]
            merged: dict[tuple[str, str], dict[str, Any]] = {}
            for param in [*item.get("parameters", []), *raw.get("parameters", [])]:
                resolved = inline(document, param)
                merged[(resolved["in"], resolved["name"])] = resolved
            params = tuple(
                Param(
                    name=name,
                    location=location,
                    required=bool(param.get("required")) or location == "path",
                    schema=param.get("schema") or {},
                    style=_style(param),
                    explode=bool(param.get("explode", _style(param) == "form")),
                )
                for (location, name), param in merged.items()
                if location in ("path", "query", "header")
            )
            body: dict[str, Any] | None = None
            body_required, body_media = False, JSON
            request_body = inline(document, raw.get("requestBody"))
            if isinstance(request_body, dict):
                content = request_body.get("content") or {}
                json_types = [m for m in content if m == JSON or m.endswith("+json")]
                # JSON, then forms, then any other type (a raw body: an image, a file).
                for media_type in [*json_types, FORM, MULTIPART, *content]:
                    if media_type in content:
                        body = content[media_type].get("schema") or {}
                        body_required = bool(request_body.get("required"))
                        body_media = JSON if media_type in json_types else media_type
                        break
            operations.append(
                Operation(
                    operation_id=str(raw.get("operationId") or f"{method} {template}"),
                    method=method.upper(),
                    template=template,
                    params=params,
                    body=body,
                    body_required=body_required,
                    body_media=body_media,
                )
            )
    return operations


# -- cases ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Case:
    operation: str
    method: str
    path: str  # the wire path: values quoted as the generated client quotes them
    label: str  # what this case varies, e.g. "query limit: 1.0"
    source: str  # "boundary" or "generated"
    params: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: Any = NO_BODY  # a JSON value sent with json=, or NO_BODY
    content: bytes | None = None  # a body json= cannot send (JSON null); headers say its type
    path_values: tuple[tuple[str, str], ...] = ()
    media: str = JSON  # how ``body`` is encoded: JSON, FORM (data=) or MULTIPART (files=)
    files: tuple[str, ...] = ()  # the multipart body's fields sent as file parts

    def key(self) -> str:
        body = "<none>" if self.body is NO_BODY else json.dumps(self.body, sort_keys=True)
        return repr((self.method, self.path, self.params, self.headers, body, self.content))

    def request_kwargs(self, *, raw: bool) -> dict[str, Any]:
        """httpx ``request`` arguments (raw: header values as UTF-8 bytes, as a server reads them)."""
        headers: list[tuple[str, Any]] = list(self.headers)
        if raw:
            headers = [(name, value.encode("utf-8")) for name, value in self.headers]
        kwargs: dict[str, Any] = {"params": list(self.params), "headers": headers}
        if self.content is not None:
            kwargs["content"] = self.content
        elif self.body is not NO_BODY and self.media == FORM:
            kwargs["data"] = {name: _form_value(value) for name, value in self.body.items()}
        elif self.body is not NO_BODY and self.media == MULTIPART:
            # Encoded once by httpx, then sent as bytes: a body the client can read back.
            encoded = httpx.Request("POST", "http://multipart.invalid/", files=self.multipart_parts())
            kwargs["content"] = encoded.read()
            if "Content-Type" in encoded.headers:
                value = encoded.headers["Content-Type"]
                headers.append(("Content-Type", value.encode("ascii") if raw else value))
        elif self.body is not NO_BODY and self.media != JSON:  # a raw body: its text as bytes
            kwargs["content"] = str(self.body).encode("utf-8")
            value = _concrete(self.media)
            headers.append(("Content-Type", value.encode("ascii") if raw else value))
        elif self.body is not NO_BODY:
            kwargs["json"] = self.body
        return kwargs

    def multipart_parts(self) -> list[tuple[str, tuple[str | None, bytes | str, str | None]]]:
        """httpx ``files=``: a file part per file field, a plain part per other value (and per
        item of an array), so the body is multipart even without a file."""
        parts: list[tuple[str, tuple[str | None, bytes | str, str | None]]] = []
        for name, value in self.body.items():
            if name in self.files:
                parts.append((name, ("photo.jpg", str(value).encode("utf-8"), "image/jpeg")))
                continue
            wire = _form_value(value)
            parts += [(name, (None, item, None)) for item in (wire if isinstance(wire, list) else [wire])]
        return parts

    def describe(self) -> dict[str, Any]:
        query = f"?{httpx.QueryParams(list(self.params))}" if self.params else ""
        shown: dict[str, Any] = {
            "operation": self.operation,
            "case": self.label,
            "source": self.source,
            "request": f"{self.method} {self.path}{query}",
        }
        if self.headers:
            shown["headers"] = {name: _short(repr(value)) for name, value in self.headers}
        if self.content is not None:
            shown["body"] = _short(repr(self.content))
        elif self.body is not NO_BODY:
            shown["body"] = _short(json.dumps(self.body, ensure_ascii=True))
        return shown


def _concrete(media_type: str) -> str:
    """A content type to send for a spec's media range (``image/*`` -> ``image/png``)."""
    if media_type == "*/*":
        return "application/octet-stream"
    major, _, minor = media_type.partition("/")
    return f"{major}/png" if minor == "*" and major == "image" else media_type.replace("/*", "/octet-stream")


def _form_value(value: Any) -> Any:
    """A form field's text (an array: one text per item, the field repeated)."""
    return param_wire(value)


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else f"{text[: limit - 20]}...({len(text)} chars)"


def to_wire(value: Any) -> str:
    """A scalar parameter value as it travels in a query, path or header."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def param_wire(value: Any) -> Any:
    """A parameter value's wire form: a string, or for an array one string per item."""
    if isinstance(value, list):
        return [to_wire(item) for item in value]
    return to_wire(value)


# Values of a format, each (label, value); the oracle (Prism) decides which are valid.
CANONICAL_UUID = "0b5e4f7e-3c1a-4b8e-9a51-2f8f3d2c9e10"
UUIDS: list[tuple[str, str]] = [
    ("canonical", CANONICAL_UUID),
    ("upper case", CANONICAL_UUID.upper()),
    ("mixed case", "0B5e4F7e-3C1a-4B8e-9A51-2f8F3d2C9e10"),
    ("nil", "00000000-0000-0000-0000-000000000000"),
    ("max", "ffffffff-ffff-ffff-ffff-ffffffffffff"),
    ("braces", "{" + CANONICAL_UUID + "}"),
    ("braces upper", "{" + CANONICAL_UUID.upper() + "}"),
    ("no hyphens", CANONICAL_UUID.replace("-", "")),
    ("braces no hyphens", "{" + CANONICAL_UUID.replace("-", "") + "}"),
    ("urn:uuid:", "urn:uuid:" + CANONICAL_UUID),
    ("URN:UUID: upper", "URN:UUID:" + CANONICAL_UUID.upper()),
    ("uuid: prefix", "uuid:" + CANONICAL_UUID),
    ("urn: prefix", "urn:" + CANONICAL_UUID),
    ("one char short", CANONICAL_UUID[:-1]),
    ("one char long", CANONICAL_UUID + "0"),
    ("non-hex digit", "g" + CANONICAL_UUID[1:]),
    ("hyphen misplaced", "0b5e4f7e3-c1a-4b8e-9a51-2f8f3d2c9e10"),
    ("leading space", " " + CANONICAL_UUID),
    ("trailing newline", CANONICAL_UUID + "\n"),
    ("not a uuid", "not-a-uuid"),
    ("non-ASCII digit", "\u0660" + CANONICAL_UUID[1:]),
]

DATE_TIMES: list[tuple[str, str]] = [
    ("Z", "2026-06-01T12:30:00Z"),
    ("lower z", "2026-06-01T12:30:00z"),
    ("lower t", "2026-06-01t12:30:00Z"),
    ("lower t and z", "2026-06-01t12:30:00z"),
    ("+05:30", "2026-06-01T12:30:00+05:30"),
    ("-08:00", "2026-06-01T12:30:00-08:00"),
    ("+00:00", "2026-06-01T12:30:00+00:00"),
    ("-00:00", "2026-06-01T12:30:00-00:00"),
    ("+05:30:15", "2026-06-01T12:30:00+05:30:15"),
    ("+0530", "2026-06-01T12:30:00+0530"),
    ("+05", "2026-06-01T12:30:00+05"),
    ("+24:00", "2026-06-01T12:30:00+24:00"),
    ("naive", "2026-06-01T12:30:00"),
    ("fraction", "2026-06-01T12:30:00.5Z"),
    ("nanoseconds", "2026-06-01T12:30:00.123456789Z"),
    ("empty fraction", "2026-06-01T12:30:00.Z"),
    ("comma fraction", "2026-06-01T12:30:00,5Z"),
    ("no seconds", "2026-06-01T12:30Z"),
    ("date only", "2026-06-01"),
    ("space separator", "2026-06-01 12:30:00Z"),
    ("basic format", "20260601T123000Z"),
    ("Feb 30", "2026-02-30T12:30:00Z"),
    ("Feb 29 non-leap", "2027-02-29T00:00:00Z"),
    ("Feb 29 leap", "2028-02-29T00:00:00Z"),
    ("month 13", "2026-13-01T00:00:00Z"),
    ("hour 24", "2026-06-01T24:00:00Z"),
    ("minute 60", "2026-06-01T12:60:00Z"),
    ("leap second", "2026-06-30T23:59:60Z"),
    ("year 0000", "0000-01-01T00:00:00Z"),
    ("year 9999", "9999-12-31T23:59:59Z"),
    ("one-digit month", "2026-6-01T12:30:00Z"),
    ("not a date", "not-a-date"),
]

_HOST = "hooks.client.example"
# RFC 3986 URIs naming a public https host
PUBLIC_HTTPS_URIS: list[tuple[str, str]] = [
    ("https", f"https://{_HOST}/aigen"),
    ("https no path", f"https://{_HOST}"),
    ("https port query fragment", f"https://{_HOST}:8443/a/b?x=1&y=2#frag"),
    ("https upper-case scheme and host", f"HTTPS://{_HOST.upper()}/aigen"),
    ("https trailing-dot host", f"https://{_HOST}./aigen"),
    ("https valid %-escape", f"https://{_HOST}/a%20b"),
    ("https sub-delims and colon in path", f"https://{_HOST}/a!$&'()*+,;=:@b"),
    ("https punycode host", "https://xn--bcher-kva.example/x"),
    ("https public IPv4", "https://8.8.8.8/hook"),
    ("https public IPv6", "https://[2001:4860:4860::8888]/hook"),
    ("https userinfo", f"https://user:secret@{_HOST}/aigen"),
]
# RFC 3986 URIs that are no public https host
OTHER_URIS: list[tuple[str, str]] = [
    ("http", f"http://{_HOST}/aigen"),
    ("ftp", f"ftp://{_HOST}/file"),
    ("mailto", "mailto:hooks@client.example"),
    ("urn", "urn:isbn:0451450523"),
    ("https localhost", "https://localhost/hook"),
    ("https loopback IPv4", "https://127.0.0.1/hook"),
    ("https private IPv4", "https://10.0.0.1/hook"),
    ("https metadata IPv4", "https://169.254.169.254/latest"),
    ("https loopback IPv6", "https://[::1]/hook"),
    ("https link-local IPv6", "https://[fe80::1]/hook"),
    ("https IPv4-mapped IPv6", "https://[::ffff:127.0.0.1]/hook"),
    ("https decimal IPv4", "https://2130706433/hook"),
    ("https single label", "https://intranet/hook"),
    ("https .internal", "https://hooks.corp.internal/hook"),
    ("https .local", "https://printer.local/hook"),
    ("https empty host", "https:///path"),
]
NOT_URIS: list[tuple[str, str]] = [
    ("space", f"https://{_HOST}/a b"),
    ("angle brackets", f"https://{_HOST}/<x>"),
    ("braces", f"https://{_HOST}/{{x}}"),
    ("pipe", f"https://{_HOST}/a|b"),
    ("backslash", f"https://{_HOST}/a\\b"),
    ("caret", f"https://{_HOST}/a^b"),
    ("backtick", f"https://{_HOST}/a`b"),
    ("double quote", f'https://{_HOST}/a"b'),
    ("NUL", f"https://{_HOST}/a\x00b"),
    ("tab", f"https://{_HOST}/a\tb"),
    ("bad %-escape", f"https://{_HOST}/%zz"),
    ("truncated %-escape", f"https://{_HOST}/%2"),
    ("non-ASCII path", f"https://{_HOST}/caf\u00e9"),
    ("non-ASCII host", "https://b\u00fccher.example/x"),
    ("IPv6 zone id", "https://[fe80::1%25eth0]/hook"),
    ("unclosed IPv6 bracket", "https://[::1/hook"),
    ("IPv6 without brackets", "https://2001:db8::1/hook"),
    ("two fragments", f"https://{_HOST}/a#b#c"),
    ("relative path", "relative/path"),
    ("absolute path only", "/images/0.jpg"),
    ("scheme starts with digit", f"1https://{_HOST}/"),
    ("empty", ""),
]
URIS = PUBLIC_HTTPS_URIS + OTHER_URIS + NOT_URIS

_WRONG_TYPES: dict[str, list[tuple[str, Any]]] = {
    "string": [("integer", 123), ("boolean", True), ("null", None), ("array", ["x"]), ("object", {"a": 1})],
    "integer": [("string", "1"), ("fraction", 1.5), ("boolean", True), ("null", None)],
    "number": [("string", "1"), ("boolean", True), ("null", None)],
    "boolean": [("string", "true"), ("integer", 1), ("null", None)],
    "array": [("string", "x"), ("object", {}), ("null", None), ("integer", 1)],
    "object": [("string", "x"), ("array", []), ("null", None), ("integer", 1)],
}


def schema_type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return kinds[0] if kinds else None
    if kind is None and "properties" in schema:
        return "object"
    return kind if isinstance(kind, str) else None


def padded_uri(length: int) -> str:
    prefix = f"https://{_HOST}/"
    return prefix + "a" * max(0, length - len(prefix))


def valid_value(schema: dict[str, Any], *, full: bool) -> Any:
    """A deterministic valid value (``full``: with every optional property too)."""
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "pattern" in schema:
        return Generator(f"valid:{schema['pattern']}").value(schema)
    kind = schema_type(schema)
    if kind in ("integer", "number"):
        if "default" in schema:
            return schema["default"]
        return first_multiple(schema, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "array":
        count = max(1, schema.get("minItems", 1))
        if schema.get("uniqueItems"):
            return distinct_valid(schema.get("items") or {}, count)
        item = valid_value(schema.get("items") or {}, full=full)
        return [copy.deepcopy(item) for _ in range(count)]
    if kind == "object":
        required = set(schema.get("required", ()))
        return {
            name: valid_value(sub, full=full)
            for name, sub in (schema.get("properties") or {}).items()
            if full or name in required
        }
    fmt = schema.get("format")
    if fmt == "uuid":
        return CANONICAL_UUID
    if fmt == "date-time":
        return "2026-06-01T12:30:00Z"
    if fmt in ("uri", "uri-reference", "iri"):
        return f"https://{_HOST}/aigen"
    low, high = schema.get("minLength", 0), schema.get("maxLength", 10_000)
    return "k" * min(max(low, 12), high)


def _lengths(schema: dict[str, Any]) -> list[int]:
    found: set[int] = {0}
    if "minLength" in schema:
        low = schema["minLength"]
        found |= {low - 1, low}
    if "maxLength" in schema:
        high = schema["maxLength"]
        found |= {high, high + 1}
    return sorted(n for n in found if n >= 0)


def _enum_values(schema: dict[str, Any]) -> list[tuple[str, Any]]:
    values: list[tuple[str, Any]] = [(f"enum {v!r}", v) for v in schema["enum"]]
    first = schema["enum"][0]
    if isinstance(first, str):
        values += [
            ("enum upper case", first.upper()),
            ("enum trailing space", first + " "),
            ("enum hyphen for underscore", first.replace("_", "-") if "_" in first else first + "-x"),
            ("not in enum", "not_a_value"),
        ]
    return values


def string_values(schema: dict[str, Any], *, header: bool) -> list[tuple[str, str]]:
    """Boundary and near-miss strings for a string schema (header: header-value edges too)."""
    if "enum" in schema:
        return [(label, to_wire(value)) for label, value in _enum_values(schema)]
    fmt = schema.get("format")
    values: list[tuple[str, str]] = []
    if fmt == "uuid":
        values += [(f"uuid {label}", value) for label, value in UUIDS]
    elif fmt == "date-time":
        values += [(f"date-time {label}", value) for label, value in DATE_TIMES]
    elif fmt in ("uri", "uri-reference", "iri"):
        values += [(f"uri {label}", value) for label, value in URIS]
        values += [(f"uri length {n}", padded_uri(n)) for n in _lengths(schema) if n > 30]
    else:
        values += [(f"length {n}", "k" * n) for n in _lengths(schema)]
        high = schema.get("maxLength")
        low = max(1, schema.get("minLength", 1))
        if header:
            pad = "k" * max(0, low - 4)
            values += [
                ("non-ASCII", "r\u00e9q_" + pad),
                ("non-ASCII at max length", "\u00e9" * (high or low)),
                ("emoji", "req_\U0001f600" + pad),
                ("inner tab", "req\tid" + pad),
                ("CR LF injection", "req_1\r\nX-Injected: yes" + pad),
                ("NUL", "req\x00id" + pad),
                ("DEL", "req\x7fid" + pad),
                ("ESC", "req\x1bid" + pad),
                ("leading space", " req_id" + pad),
                ("trailing space", "req_id" + pad + " "),
                ("leading tab", "\treq_id" + pad),
                ("inner space", "req id" + pad),
                ("token punctuation", "!#$%&'*+-.^_`|~" + pad),
                ("separators", '"(),/:;<=>?@[\\]{}' + pad),
            ]
        elif high is not None:
            values += [
                ("non-ASCII at max length", "\u00e9" * high),
                ("non-ASCII over max length", "\u00e9" * (high + 1)),
                ("astral at max length", "\U0001f600" * high),
                ("astral over max length", "\U0001f600" * (high + 1)),
            ]
    return values


def first_multiple(schema: dict[str, Any], at_least: int) -> int:
    """The least value >= ``at_least`` that ``multipleOf`` allows (``at_least`` without one)."""
    step = schema.get("multipleOf", 1)
    return int(math.ceil(at_least / step) * step)


def _not_a_multiple(schema: dict[str, Any]) -> list[int]:
    step = schema.get("multipleOf", 1)
    return [first_multiple(schema, schema.get("minimum", 0)) + 1] if step > 1 else []


# The largest integer of a format as Prism reads it (@stoplight/http-spec's format keyword:
# int64 is bounded by JavaScript's safe integers).
_FORMAT_MAXIMUM = {"int32": 2**31 - 1, "int64": 2**53 - 1}


def integer_values(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """Boundary and near-miss wire strings for an integer parameter (and its format's edge)."""
    values: list[tuple[str, str]] = []
    low, high = schema.get("minimum"), schema.get("maximum")
    numbers: set[int] = set()
    for bound in (low, high):
        if bound is not None:
            numbers |= {bound - 1, bound, bound + 1}
    edge = _FORMAT_MAXIMUM.get(str(schema.get("format")))
    if edge is not None and (high is None or high > edge):
        numbers |= {edge, edge + 1}
    if "default" in schema:
        numbers.add(schema["default"])
    numbers |= set(_not_a_multiple(schema))
    values += [(str(n), str(n)) for n in sorted(numbers)]
    if low is not None:
        values += [(f"{low}.0", f"{low}.0"), (f"{low - 1}.0", f"{low - 1}.0")]
    if high is not None:
        values += [(f"{high}.0", f"{high}.0"), (f"{high + 1}.0", f"{high + 1}.0")]
    values += [
        ("1e2 (exponent)", "1e2"),
        ("1E1 (exponent)", "1E1"),
        ("1e3 (exponent)", "1e3"),
        ("1.5 (fraction)", "1.5"),
        ("-1 (negative)", "-1"),
        ("-0", "-0"),
        ("leading zero", "01"),
        ("huge", "99999999999999999999"),
        ("word", "abc"),
        ("true", "true"),
        ("null", "null"),
    ]
    return values


def param_values(param: Param) -> list[tuple[str, Any]]:
    """(label, wire value) pairs for one parameter; ABSENT means not sent."""
    schema = param.schema
    kind = schema_type(schema)
    values: list[tuple[str, Any]] = [("absent", ABSENT)]
    if param.location == "path":
        values = [("empty", "")]
    if kind == "integer":
        values += integer_values(schema)
    elif kind == "array":
        values += array_values(param)
    elif kind == "string" or kind is None:
        values += string_values(schema, header=param.location == "header")
    else:
        values += [(f"{label} (wrong type)", to_wire(v)) for label, v in _WRONG_TYPES.get(kind, [])]
    return values


def distinct_valid(schema: dict[str, Any], count: int) -> list[Any]:
    """``count`` valid values of ``schema``, all different when the schema allows that many."""
    if "enum" in schema:
        return [schema["enum"][i % len(schema["enum"])] for i in range(count)]
    kind = schema_type(schema)
    if kind == "integer":
        low = schema.get("minimum", 1)
        return [low + i for i in range(count)]
    if kind == "string" and "format" not in schema:
        low = max(1, schema.get("minLength", 1))
        return [str(i).rjust(low, "k") for i in range(count)]
    return [valid_value(schema, full=False) for _ in range(count)]


def array_values(param: Param) -> list[tuple[str, Any]]:
    """Near misses for an array parameter (``style: form, explode: true`` in a query: the
    name repeats, once per item): each item near miss alone, then sizes and duplicates."""
    schema = param.schema
    items = schema.get("items") or {}
    item_param = replace(param, schema=items, required=True)
    values: list[tuple[str, Any]] = [
        (f"one item {label}", [value]) for label, value in param_values(item_param)[1:]
    ]
    sizes: set[int] = {1, 2}
    if "minItems" in schema:
        sizes |= {schema["minItems"] - 1, schema["minItems"]}
    if "maxItems" in schema:
        sizes |= {schema["maxItems"], schema["maxItems"] + 1}
    values += [(f"{n} items", [to_wire(v) for v in distinct_valid(items, n)]) for n in sorted(sizes) if n > 0]
    first = to_wire(valid_value(items, full=False))
    values += [
        ("duplicate items", [first, first]),
        ("items comma-joined in one value", [",".join(to_wire(v) for v in distinct_valid(items, 2))]),
    ]
    return values


# Body near misses: an edit applied to a valid body.
@dataclass(frozen=True)
class Edit:
    label: str
    group: str  # the top-level property it concerns ("" for the body itself)
    action: str  # "set", "delete", "resize" or "replace-body"
    path: tuple[str | int, ...] = ()
    value: Any = None
    content: bytes | None = None  # for "replace-body" with a raw body

    def apply(self, body: Any) -> tuple[Any, bytes | None]:
        if self.action == "replace-body":
            return copy.deepcopy(self.value), self.content
        body = copy.deepcopy(body)
        parent: Any = body
        for step in self.path[:-1]:
            parent = parent[step]
        last = self.path[-1]
        if self.action == "delete":
            if isinstance(parent, dict):
                parent.pop(last, None)
        elif self.action == "resize":
            current = parent[last]
            parent[last] = [copy.deepcopy(current[i % len(current)]) for i in range(self.value)]
        else:
            parent[last] = copy.deepcopy(self.value)
        return body, None


def _render(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "body"


def body_edits(schema: dict[str, Any], required: bool, media: str = JSON) -> list[Edit]:
    """Near misses for a body: the body itself, then every property, recursively.

    A form body (urlencoded or multipart) carries text fields only: the edits it cannot
    express (another body than an object, a null, an object or array for a scalar) are left out.
    """
    if media not in (JSON, FORM, MULTIPART):  # a raw body (an image, a file): present or not
        return [Edit("no body", "", "replace-body", value=NO_BODY)] if required else []
    if media != JSON:
        edits = [e for e in body_edits(schema, required) if _form_can_carry(e)]
        return edits
    edits = [
        Edit("body is JSON null", "", "replace-body", value=NO_BODY, content=b"null"),
        Edit("body is an array", "", "replace-body", value=[]),
        Edit("body is a string", "", "replace-body", value="images"),
        Edit("body is an empty object", "", "replace-body", value={}),
    ]
    if required:
        edits.append(Edit("no body", "", "replace-body", value=NO_BODY))
    edits += _edits_at(schema, ())
    return edits


def _form_can_carry(edit: Edit) -> bool:
    if edit.action == "replace-body":
        return edit.content is None and (edit.value is NO_BODY or edit.value == {})
    return edit.action != "set" or not isinstance(edit.value, dict | list | type(None))


def _edits_at(schema: dict[str, Any], path: tuple[str | int, ...]) -> list[Edit]:
    group = str(path[0]) if path else ""
    where = _render(path)
    kind = schema_type(schema)
    edits: list[Edit] = []
    if path:
        edits += [
            Edit(f"{where}: {label}", group, "set", path, value)
            for label, value in _WRONG_TYPES.get(kind or "", [])
        ]
    if kind == "object":
        edits.append(Edit(f"{where}: extra property", group or "", "set", (*path, "unexpected_field"), 1))
        for name in schema.get("required", ()):
            edits.append(Edit(f"{_render((*path, name))}: missing", group or name, "delete", (*path, name)))
        for name, sub in (schema.get("properties") or {}).items():
            edits += _edits_at(sub, (*path, name))
    elif kind == "array":
        sizes: set[int] = set()
        if "minItems" in schema:
            sizes |= {schema["minItems"] - 1, schema["minItems"]}
        if "maxItems" in schema:
            sizes |= {schema["maxItems"], schema["maxItems"] + 1}
        edits += [Edit(f"{where}: {n} items", group, "resize", path, n) for n in sorted(sizes) if n >= 0]
        edits += _edits_at(schema.get("items") or {}, (*path, 0))
    elif kind == "string":
        values: list[tuple[str, Any]]
        if "enum" in schema:
            values = _enum_values(schema)
        else:
            values = list(string_values(schema, header=False))
            if "format" not in schema and "maxLength" not in schema:
                values.append(("non-ASCII", "caf\u00e9 \U0001f600"))
        edits += [Edit(f"{where}: {label}", group, "set", path, value) for label, value in values]
    elif kind in ("integer", "number"):
        low, high = schema.get("minimum"), schema.get("maximum")
        numbers = [b + d for b in (low, high) if b is not None for d in (-1, 0, 1)]
        numbers += _not_a_multiple(schema)
        edits += [Edit(f"{where}: {n}", group, "set", path, n) for n in numbers]
    return edits


def _path_for(operation: Operation, values: dict[str, str]) -> str:
    path = operation.template
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


def build_case(
    operation: Operation,
    wire: dict[str, Any],
    body: Any,
    content: bytes | None,
    label: str,
    source: str,
) -> Case:
    """A case from wire values per parameter name (ABSENT: not sent) and a body."""
    sent = {
        p.name: p.array_wire(wire[p.name]) if isinstance(wire[p.name], list) else [wire[p.name]]
        for p in operation.params
        if wire[p.name] is not ABSENT
    }
    present = [p for p in operation.params if p.name in sent]
    path_values = {p.name: sent[p.name][0] for p in present if p.location == "path"}
    params = tuple((p.name, item) for p in present if p.location == "query" for item in sent[p.name])
    headers = tuple((p.name, sent[p.name][0]) for p in present if p.location == "header")
    if content is not None:
        headers = (*headers, ("Content-Type", "application/json"))
    return Case(
        operation=operation.operation_id,
        method=operation.method,
        path=_path_for(operation, path_values),
        label=label,
        source=source,
        params=params,
        headers=headers,
        body=body,
        content=content,
        path_values=tuple(path_values.items()),
        media=operation.body_media,
        files=operation.binary_fields(),
    )


def _valid_wire(operation: Operation, *, full: bool) -> dict[str, Any]:
    return {
        p.name: param_wire(valid_value(p.schema, full=full)) if (p.required or full) else ABSENT
        for p in operation.params
    }


def boundary_cases(operation: Operation) -> Iterator[Case]:
    """A valid minimal and full request, then one input at a time set to each near miss."""
    minimal_body = NO_BODY if operation.body is None else valid_value(operation.body, full=False)
    full_body = NO_BODY if operation.body is None else valid_value(operation.body, full=True)
    minimal, full = _valid_wire(operation, full=False), _valid_wire(operation, full=True)
    yield build_case(operation, minimal, minimal_body, None, "valid, required inputs only", "boundary")
    yield build_case(operation, full, full_body, None, "valid, every input", "boundary")
    extra = build_case(operation, full, full_body, None, "query: unknown parameter", "boundary")
    yield replace(extra, params=(*extra.params, ("unknown_param", "1")))
    for param in operation.params:
        for label, value in param_values(param):
            wire = {**full, param.name: value}
            label = f"{param.location} {param.name}: {label}"
            yield build_case(operation, wire, full_body, None, label, "boundary")
    if operation.body is not None:
        for edit in body_edits(operation.body, operation.body_required, operation.body_media):
            body, content = edit.apply(full_body)
            yield build_case(operation, full, body, content, edit.label, "boundary")


# -- generated cases -----------------------------------------------------------------------

# A fixed-seed generator, not hypothesis: hypothesis biases its draws with literals it reads
# from every local module loaded (the client under test included), so its "derandomized"
# cases change whenever any source file or the set of loaded modules does; the cases here
# depend on the spec and this file only.
SEED = "aigenstudio-differential-1"

_PCHAR = [
    *"abz09-._~!$&'()*+,;=:@",
    "%20",
    "%C3%A9",
]
_TLDS = ["com", "example", "net", "io", "co.uk", "app"]
# Text for free-form body strings: ASCII, Latin-1, other BMP, astral, controls, JSON escapes.
_TEXT_POOLS = [
    [chr(c) for c in range(0x20, 0x7F)],
    [chr(c) for c in range(0xA0, 0x100)],
    ["\u0416", "\u4e2d", "\u05d0", "\u200b", "\ufeff", "\u2028"],
    ["\U0001f600", "\U0001f4f7", "\U00010348"],
    ["\x00", "\t", "\n", "\r", "\x1b", "\x7f"],
    ['"', "\\", "/"],
]
_TEXT_WEIGHTS = [70, 10, 8, 6, 4, 2]


_REGEX_CATEGORIES = {
    "CATEGORY_DIGIT": "0123456789",
    "CATEGORY_WORD": "abzXYZ019_",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_DIGIT": "abz-",
    "CATEGORY_NOT_WORD": "-.!",
    "CATEGORY_NOT_SPACE": "abz019",
}


class Generator:
    """Values a schema allows (type, enum, lengths, ranges, sizes, uri/uuid/date-time formats)."""

    # The keywords understood; a spec using others fails loudly instead of drawing
    # "valid" values that are not.
    KNOWN = frozenset(
        {
            "type", "properties", "required", "items", "minItems", "maxItems", "minLength",
            "maxLength", "minimum", "maximum", "enum", "format", "default", "description",
            "example", "examples", "title", "uniqueItems", "deprecated", "const", "nullable",
            "readOnly", "writeOnly", "contentMediaType", "pattern", "multipleOf",
        }
    )  # fmt: skip

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)

    def size(self, low: int, high: int | None, typical: int = 12) -> int:
        """A length in [low, high]: the bounds a third of the time, else a typical one."""
        top = high if high is not None else low + 4 * typical
        if self.rng.random() < 0.33:
            return self.rng.choice([low, top])
        return self.rng.randint(low, min(top, low + typical))

    def text(self, length: int) -> str:
        pools = self.rng.choices(_TEXT_POOLS, _TEXT_WEIGHTS, k=length)
        return "".join(self.rng.choice(pool) for pool in pools)

    def header_text(self, low: int, high: int | None) -> str:
        """Printable ASCII that HTTP carries as is (no blank at either end)."""
        chars = [chr(self.rng.randint(0x20, 0x7E)) for _ in range(self.size(low, high))]
        if chars:
            chars[0] = chars[0].strip() or "h"
            chars[-1] = chars[-1].strip() or "h"
        return "".join(chars)

    def host(self) -> str:
        roll = self.rng.random()
        if roll < 0.5:
            labels = [
                "".join(
                    self.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-")
                    for _ in range(self.rng.randint(1, 10))
                ).strip("-")
                or "a"
                for _ in range(self.rng.randint(1, 3))
            ]
            return ".".join([*labels, self.rng.choice(_TLDS)])
        if roll < 0.7:
            return str(ipaddress.IPv4Address(self.rng.getrandbits(32)))
        if roll < 0.85:
            return f"[{ipaddress.IPv6Address(self.rng.getrandbits(128))}]"
        return self.rng.choice(["localhost", "intranet", _HOST, "hooks.corp.internal", "127.0.0.1"])

    def uri(self) -> str:
        if self.rng.random() < 0.25:
            return self.rng.choice(PUBLIC_HTTPS_URIS + OTHER_URIS)[1]
        scheme = self.rng.choice(["https", "https", "https", "http", "HTTPS"])
        port = f":{self.rng.randint(1, 65535)}" if self.rng.random() < 0.15 else ""
        segments = [
            "".join(self.rng.choices(_PCHAR, k=self.rng.randint(0, 8))) for _ in range(self.rng.randint(0, 3))
        ]
        query = "?" + "".join(self.rng.choices([*_PCHAR, "/", "?"], k=6)) if self.rng.random() < 0.2 else ""
        fragment = "#" + "".join(self.rng.choices(_PCHAR, k=4)) if self.rng.random() < 0.1 else ""
        return f"{scheme}://{self.host()}{port}/{'/'.join(segments)}{query}{fragment}"

    def uuid(self) -> str:
        value = str(uuid.UUID(int=self.rng.getrandbits(128)))
        return value.upper() if self.rng.random() < 0.25 else value

    def date_time(self) -> str:
        """RFC 3339: Z/z or +hh:mm offsets, T or t, with and without a fraction."""
        year = self.rng.choice([self.rng.randint(1, 9999), self.rng.randint(1970, 2100)])
        month = self.rng.randint(1, 12)
        day = self.rng.randint(1, calendar.monthrange(year, month)[1])
        moment = f"{year:04d}-{month:02d}-{day:02d}"
        clock = f"{self.rng.randint(0, 23):02d}:{self.rng.randint(0, 59):02d}:{self.rng.randint(0, 59):02d}"
        separator = self.rng.choice(["T", "T", "T", "t"])
        fraction = self.rng.choice(
            ["", "", f".{self.rng.randint(0, 999):03d}", f".{self.rng.randint(0, 10**9 - 1)}"]
        )
        offset = (
            self.rng.choice(["Z", "Z", "z", "+00:00", "-00:00"])
            if self.rng.random() < 0.6
            else (f"{self.rng.choice('+-')}{self.rng.randint(0, 23):02d}:{self.rng.randint(0, 59):02d}")
        )
        return f"{moment}{separator}{clock}{fraction}{offset}"

    def matching(self, pattern: str) -> str:
        """A string ``pattern`` matches, drawn from the pattern's own parse."""
        parsed = regex_parser.parse(pattern)
        for _ in range(50):
            text = "".join(self._emit(parsed))
            if re.search(pattern, text):
                return text
        raise NotImplementedError(f"the generator cannot draw a string matching {pattern!r}")

    def _emit(self, items: Iterable[tuple[Any, Any]]) -> Iterator[str]:
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                yield chr(arg)
            elif name == "NOT_LITERAL":
                yield "b" if arg == ord("a") else "a"
            elif name == "ANY":
                yield self.rng.choice("abzXYZ019-")
            elif name == "IN":
                yield self._one_of(arg)
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, sub = arg
                for _ in range(self.rng.randint(low, min(high, low + 6))):
                    yield from self._emit(sub)
            elif name == "SUBPATTERN":
                yield from self._emit(arg[-1])
            elif name == "BRANCH":
                yield from self._emit(self.rng.choice(arg[1]))
            elif name != "AT":  # anchors emit nothing
                raise NotImplementedError(f"the generator does not know the regex construct {name}")

    def _one_of(self, items: list[tuple[Any, Any]]) -> str:
        chars: list[str] = []
        negate = False
        for op, arg in items:
            name = str(op)
            if name == "NEGATE":
                negate = True
            elif name == "LITERAL":
                chars.append(chr(arg))
            elif name == "RANGE":
                chars += [chr(c) for c in range(arg[0], min(arg[1], arg[0] + 255) + 1)]
            elif name == "CATEGORY":
                chars += _REGEX_CATEGORIES[str(arg)]
        if negate:
            chars = [c for c in "abzXYZ019-_." if c not in chars]
        return self.rng.choice(chars)

    def binary(self) -> str:
        """A file's content (sent as its UTF-8 bytes): any text will do."""
        return self.text(self.size(1, 64))

    def value(self, schema: dict[str, Any], *, header: bool = False) -> Any:
        unknown = set(schema) - self.KNOWN
        if unknown:
            raise NotImplementedError(f"the generator does not know {sorted(unknown)} (in {schema})")
        if "enum" in schema:
            return self.rng.choice(schema["enum"])
        if "const" in schema:
            return schema["const"]
        if "pattern" in schema:
            return self.matching(schema["pattern"])
        kind = schema_type(schema)
        if kind == "object":
            required = set(schema.get("required", ()))
            return {
                name: self.value(sub)
                for name, sub in (schema.get("properties") or {}).items()
                if name in required or self.rng.random() < 0.5
            }
        if kind == "array":
            low, high = schema.get("minItems", 0), schema.get("maxItems")
            drawn = [self.value(schema.get("items") or {}) for _ in range(self.size(low, high, typical=3))]
            if not schema.get("uniqueItems"):
                return drawn
            unique = [v for i, v in enumerate(drawn) if v not in drawn[:i]]
            return unique if len(unique) >= low else distinct_valid(schema.get("items") or {}, low)
        if kind == "integer":
            step = schema.get("multipleOf", 1)
            low = first_multiple(schema, schema.get("minimum", -(2**31)))
            high = schema.get("maximum", 2**31) // step * step
            return self.rng.choice([low, high, low + step * self.rng.randint(0, (high - low) // step)])
        if kind == "number":
            low, high = schema.get("minimum", -1e9), schema.get("maximum", 1e9)
            return self.rng.choice([low, high, self.rng.uniform(low, high)])
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "string":
            return self._string(schema, header=header)
        raise NotImplementedError(f"the generator does not know type {kind!r} (in {schema})")

    def _string(self, schema: dict[str, Any], *, header: bool) -> str:
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        fmt = schema.get("format")
        if fmt is None:
            return self.header_text(low, high) if header else self.text(self.size(low, high))
        makers = {"uri": self.uri, "uuid": self.uuid, "date-time": self.date_time, "binary": self.binary}
        make = makers.get(fmt)
        if make is None:
            raise NotImplementedError(f"the generator does not know format {fmt!r}")
        for _ in range(100):
            value = make()
            if low <= len(value) <= (high if high is not None else len(value)):
                return value
        raise NotImplementedError(f"no {fmt} value of length {low}..{high}")


def generated_cases(operation: Operation, count: int) -> list[Case]:
    """Valid requests drawn from the schemas, with zero to two inputs made near misses."""
    gen = Generator(f"{SEED}:{operation.operation_id}")
    pools = {p.name: param_values(p) for p in operation.params}
    edits_by_group: dict[str, list[Edit]] = {}
    if operation.body is not None:
        for edit in body_edits(operation.body, operation.body_required, operation.body_media):
            edits_by_group.setdefault(edit.group or "(body)", []).append(edit)
    inputs = [*pools, *(f"body:{group}" for group in edits_by_group)]
    cases = []
    for _ in range(count):
        missed = gen.rng.sample(inputs, k=min(len(inputs), gen.rng.choice([0, 1, 1, 2])))
        wire: dict[str, Any] = {}
        labels: list[str] = []
        for param in operation.params:
            if param.name in missed:
                label, wire[param.name] = gen.rng.choice(pools[param.name])
                labels.append(f"{param.location} {param.name}: {label}")
            elif not param.required and gen.rng.random() < 0.3:
                wire[param.name] = ABSENT
            else:
                wire[param.name] = param_wire(gen.value(param.schema, header=param.location == "header"))
        body: Any = NO_BODY if operation.body is None else gen.value(operation.body)
        content: bytes | None = None
        for item in missed:
            if not item.startswith("body:") or content is not None:
                continue
            edit = gen.rng.choice(edits_by_group[item.removeprefix("body:")])
            try:
                body, content = edit.apply(body)
            except (KeyError, IndexError, TypeError, ZeroDivisionError):
                continue  # an earlier edit removed or retyped what this one edits
            labels.append(edit.label)
        label = "; ".join(labels) or "valid (generated)"
        cases.append(build_case(operation, wire, body, content, label, "generated"))
    return cases


def all_cases(operations: Iterable[Operation], budget: int) -> list[Case]:
    """Every boundary case, then ``budget`` generated ones shared by the operations' input counts."""
    operations = list(operations)
    seen: set[str] = set()
    cases: list[Case] = []

    def add(case: Case) -> None:
        key = case.key()
        if key not in seen:
            seen.add(key)
            cases.append(case)

    for operation in operations:
        for case in boundary_cases(operation):
            add(case)
    weights = {
        op.operation_id: max(1, len(op.params) + len((op.body or {}).get("properties") or {}))
        for op in operations
    }
    total = sum(weights.values())
    for operation in operations:
        for case in generated_cases(operation, max(20, budget * weights[operation.operation_id] // total)):
            add(case)
    return cases


# -- verdicts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    # client: refused / sent / crash; Prism: accept / reject / not-http / unrouted
    kind: str
    detail: str = ""
    status: int | None = None  # the HTTP status Prism gave to what was sent
    field: str = ""  # the RequestValidationError's field, for a refusal

    def __str__(self) -> str:
        return f"{self.kind} ({self.detail})" if self.detail else self.kind

    @property
    def same_as_key(self) -> tuple[str, str]:
        """What sync and async must share: the verdict, and the refused field or crash type."""
        if self.kind == "sent":
            return (self.kind, "")
        if self.kind == "refused":
            return (self.kind, self.field)
        return (self.kind, self.detail.split(":", 1)[0])


def prism_verdict(response: httpx.Response) -> Verdict:
    """Reject: 422/400 listing violations (an sl-violations header or Prism's problem+json).

    A bare 400 that closes the connection is not Prism but Node's HTTP parser refusing the
    request (a control character in a header value): "not-http", like what h11 will not send.
    """
    messages: list[str] = []
    violations = response.headers.get("sl-violations")
    if violations:
        messages.append(violations)
    problem: dict[str, Any] = {}
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        try:
            problem = response.json()
        except ValueError:
            problem = {}
        for item in problem.get("validation") or []:
            where = ".".join(str(part) for part in item.get("location", []))
            messages.append(f"{where}: {item.get('message', '')}")
    status = response.status_code
    if status in (400, 422) and messages:
        return Verdict("reject", f"{status}: " + "; ".join(messages), status)
    if status == 400 and not response.content and "content-type" not in response.headers:
        return Verdict("not-http", "400 from the server's HTTP parser, connection closed", status)
    if status == 404 and "NO_PATH_MATCHED" in str(problem.get("type", "")):
        return Verdict("unrouted", f"404: {problem.get('title', '')}", status)
    return Verdict("accept", str(status), status)


# Node may drop a keep-alive connection at the moment a request reuses it (ECONNRESET); such
# a request never got a verdict, so it is sent again (on a new connection), and counted.
ATTEMPTS = 3
DROPPED: Counter[str] = Counter()


def raw_verdict(http: httpx.Client, case: Case) -> Verdict:
    """Prism's verdict on the case sent raw (``http`` carries the key)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            response = http.request(case.method, case.path, **case.request_kwargs(raw=True))
        except httpx.LocalProtocolError as exc:  # h11 will not put it on the wire
            return Verdict("not-http", f"httpx/h11 will not send it: {exc}")
        except (httpx.ReadError, httpx.RemoteProtocolError) as exc:
            if attempt == ATTEMPTS:
                # Every time: Node's HTTP parser refused the request and reset the connection
                # (it does so for a bad header value while a body is still coming).
                return Verdict("not-http", f"the server reset the connection each time: {exc}")
            DROPPED["raw"] += 1
            continue
        return prism_verdict(response)
    raise AssertionError("unreachable")


class _Wire(Protocol):
    @property
    def log(self) -> Any: ...


def _after(wire: _Wire, before: int, error: BaseException | None) -> Verdict:
    """The verdict once the call returned (error None) or raised ``error``."""
    sent = wire.log.sent[before:]
    if isinstance(error, RequestValidationError):
        if sent:
            return Verdict("crash", f"RequestValidationError after sending: {error}")
        return Verdict("refused", f"{error.field}: {error.limit}", field=error.field)
    if error is not None and not isinstance(error, APIStatusError):
        return Verdict("crash", f"{type(error).__name__}: {error}")
    if not sent:
        return Verdict("crash", f"nothing was sent and no RequestValidationError ({error!r})")
    status = sent[-1].status
    if status is None:
        return Verdict("crash", f"sent, no answer ({error!r})")
    return Verdict("sent", f"Prism answered {status}", status)


def _dropped(wire: _Wire, before: int, error: BaseException) -> bool:
    """The request went out and the connection failed under it (no answer at all)."""
    sent = wire.log.sent[before:]
    return isinstance(error, APIConnectionError) and bool(sent) and sent[-1].status is None


def client_verdict(http: httpx.Client, wire: _Wire, case: Case) -> Verdict:
    for attempt in range(1, ATTEMPTS + 1):
        before = wire.log.count
        try:
            http.request(case.method, case.path, **case.request_kwargs(raw=False))
        except Exception as exc:
            if attempt < ATTEMPTS and _dropped(wire, before, exc):
                DROPPED["sync"] += 1
                continue
            return _after(wire, before, exc)
        return _after(wire, before, None)
    raise AssertionError("unreachable")


async def async_client_verdict(http: httpx.AsyncClient, wire: _Wire, case: Case) -> Verdict:
    for attempt in range(1, ATTEMPTS + 1):
        before = wire.log.count
        try:
            await http.request(case.method, case.path, **case.request_kwargs(raw=False))
        except Exception as exc:
            if attempt < ATTEMPTS and _dropped(wire, before, exc):
                DROPPED["async"] += 1
                continue
            return _after(wire, before, exc)
        return _after(wire, before, None)
    raise AssertionError("unreachable")


# -- the deliberate differences ------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_TUNNELS = (ipaddress.IPv6Network("2002::/16"), ipaddress.IPv6Network("2001::/32"))
_NON_PUBLIC_NAMES = ("localhost", "local", "internal", "localdomain", "home.arpa", "invalid")


def _public_ipv4(address: ipaddress.IPv4Address) -> bool:
    # (Python's is_global calls multicast "global": a webhook cannot be delivered to a group.)
    return address.is_global and not address.is_multicast


def is_public_https(url: str) -> bool:
    """Whether ``url`` is https to a public host (literal forms only, no DNS)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme.lower() != "https" or not host:
        return False
    address: ipaddress.IPv4Address | ipaddress.IPv6Address
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        name = host.rstrip(".")
        if re.fullmatch(r"0x[0-9a-f]*|[0-9]+", name.rsplit(".", 1)[-1]):
            # A numeric last label makes the host an IPv4 address for URL parsers (WHATWG):
            # 2130706433, 0x7f.1 and 127.1 are 127.0.0.1. inet_aton reads the same forms.
            try:
                address = ipaddress.IPv4Address(socket.inet_aton(name))
            except OSError:
                return False
        else:
            if ":" in name or "." not in name:
                return False
            return not any(name == s or name.endswith("." + s) for s in _NON_PUBLIC_NAMES)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return _public_ipv4(address.ipv4_mapped)
        if address in _NAT64:  # the IPv4 host it carries is the one called
            return _public_ipv4(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        # Only 2000::/3 is allocated for global unicast; tunnels (6to4, Teredo) are not
        # globally reachable hosts of their own (IANA special-purpose registry).
        return address in _GLOBAL_UNICAST and address.is_global and not any(address in n for n in _TUNNELS)
    return _public_ipv4(address)


# Each predicate names the inputs of a case that carry the deliberate difference (none: the
# entry does not apply). A refusal is excused only when its field is one of them.


def _webhook_not_public(case: Case) -> list[str]:
    body = case.body
    url = body.get("webhook_url") if isinstance(body, dict) else None
    return ["webhook_url"] if isinstance(url, str) and not is_public_https(url) else []


def _header_not_http(case: Case) -> list[str]:
    return [
        name
        for name, value in case.headers
        if _CONTROL.search(value) or not value.isascii() or value != value.strip(" \t")
    ]


def _strings(case: Case) -> Iterator[tuple[str, str]]:
    """(input name, value) for every string the case carries: path, query, body (by property)."""
    yield from case.path_values
    yield from case.params

    def walk(node: Any, key: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for child_key, child in node.items():
                yield from walk(child, str(child_key))
        elif isinstance(node, list):
            for child in node:
                yield from walk(child, key)
        elif isinstance(node, str):
            yield key, node

    yield from walk(case.body, "body")


def _urn_uuid(case: Case) -> list[str]:
    return [name for name, value in _strings(case) if value.lower().startswith("urn:uuid:")]


# RFC 3339 5.6: "T" between date and time, offsets "Z" or +hh:mm with hh 00-23; Prism's
# date-time also takes a space, +hhmm, +hh and hours past 23.
_LAX_OFFSET = re.compile(r"[+-](?:\d{2}|\d{4}|2[4-9]:\d{2}|[3-9]\d:\d{2})\Z|\A\d{4}-\d{2}-\d{2} ")
# RFC 3986 3.2.2 puts an IPv6 literal in brackets; Prism's uri format takes it bare.
_BARE_IPV6_AUTHORITY = re.compile(r"\A[A-Za-z][A-Za-z0-9+.-]*://[^/?#\[\]@]*:[^/?#\[\]@]*:")


def _date_time_not_rfc3339(case: Case) -> list[str]:
    return [name for name, value in case.params if _LAX_OFFSET.search(value)]


def _uri_not_rfc3986(case: Case) -> list[str]:
    return [name for name, value in _strings(case) if _BARE_IPV6_AUTHORITY.match(value)]


def _empty_query_value(case: Case) -> list[str]:
    return [name for name, value in case.params if value == ""]


@dataclass(frozen=True)
class Allowed:
    name: str
    reason: str
    culprits: Callable[[Case], list[str]]


# Each excuses only a false reject -- the client refusing what Prism accepted (or what HTTP
# cannot carry) -- and only when the refusal names the input the entry is about. None may
# excuse sending a request the spec forbids.
ALLOWLIST = (
    Allowed(
        "webhook-not-public-https",
        "webhook_url is not an https URL of a public host: the API's documentation requires one; "
        "the spec only says format: uri, so Prism cannot know",
        _webhook_not_public,
    ),
    Allowed(
        "header-not-http",
        "a header value with non-ASCII, control characters or edge whitespace: HTTP forbids it or "
        "httpx cannot encode it (RFC 9110 5.5), or servers would see another value than the one given",
        _header_not_http,
    ),
    Allowed(
        "urn-uuid",
        "a urn:uuid:-prefixed uuid (a job id in a path or a body): Prism's uuid format accepts it, "
        "JSON Schema's uuid format is the RFC's 8-4-4-4-12 string form only, so the client refuses it",
        _urn_uuid,
    ),
    Allowed(
        "date-time-rfc3339",
        "a date-time RFC 3339 5.6 does not allow (a space for T, +0530, +05, +24:00): Prism's date-time "
        "format takes it, JSON Schema's date-time is RFC 3339's, so the client refuses it",
        _date_time_not_rfc3339,
    ),
    Allowed(
        "uri-rfc3986",
        "a URI with an unbracketed IPv6 host (https://2001:db8::1/x): Prism's uri format takes it, "
        "RFC 3986 3.2.2 requires brackets, so the client refuses it",
        _uri_not_rfc3986,
    ),
    Allowed(
        "empty-query-value",
        "a query key given an empty value (?sku=): the OpenAPI spec reads one empty value, which "
        "the client checks (minLength: 1 refuses it); Prism drops a falsy value and reads no key "
        "(overrides/aigenstudio/_contract/wire.py, tests/contract/test_query_arrays_prism.py)",
        _empty_query_value,
    ),
)
_HEADER_ENTRY = ALLOWLIST[1]

KINDS = ("agree-accept", "agree-reject", "false-reject", "false-accept", "crash", "sync/async")
FAILING = ("false-reject", "false-accept", "crash", "sync/async")
# Not a verdict but a check of the harness: what the client sent must get the same answer
# from Prism as the raw twin (else the two requests differ and the comparison means nothing).
WIRE_DIFFERS = "wire-differs"


def _squash(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def classify(case: Case, client: Verdict, prism: Verdict) -> str:
    """One of KINDS (except sync/async) or ``allowed:<name>``."""
    if client.kind == "crash":
        return "crash"
    if client.kind == "sent":
        return "agree-accept" if prism.kind == "accept" else "false-accept"
    if prism.kind == "reject":
        return "agree-reject"
    if prism.kind == "not-http" and _HEADER_ENTRY.culprits(case):
        return f"allowed:{_HEADER_ENTRY.name}"  # no server can judge it: refusing is all there is
    field = _squash(client.field)
    for allowed in ALLOWLIST:
        if any(_squash(name) in field for name in allowed.culprits(case)):
            return f"allowed:{allowed.name}"
    return "false-reject"


def _rejected(status: int | None) -> bool:
    return status in (400, 422)


@dataclass
class Outcome:
    case: Case
    sync: Verdict
    async_: Verdict
    prism: Verdict
    kind: str
    sync_async_differ: bool
    wire_differs: bool

    def sample(self) -> dict[str, Any]:
        shown = self.case.describe()
        shown["client_sync"] = _short(str(self.sync))
        shown["client_async"] = _short(str(self.async_))
        shown["prism"] = _short(str(self.prism))
        return shown


def judge(case: Case, sync: Verdict, async_: Verdict, prism: Verdict) -> Outcome:
    kind = classify(case, sync, prism)
    if classify(case, async_, prism) == "crash":
        kind = "crash"
    differ = sync.same_as_key != async_.same_as_key
    wire_differs = any(
        v.kind == "sent"
        and prism.kind in ("accept", "reject")
        and _rejected(v.status) != _rejected(prism.status)
        for v in (sync, async_)
    )
    return Outcome(case, sync, async_, prism, kind, differ, wire_differs)


@dataclass
class Tally:
    by_operation: dict[str, Counter[str]] = field(default_factory=dict)
    samples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _per_field: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, outcome: Outcome, *, per_kind: int = 24, per_field: int = 3) -> None:
        counts = self.by_operation.setdefault(outcome.case.operation, Counter())
        counts["cases"] += 1
        counts[outcome.kind] += 1
        kinds = [outcome.kind]
        if outcome.sync_async_differ:
            counts["sync/async"] += 1
            kinds.append("sync/async")
        if outcome.wire_differs:
            counts[WIRE_DIFFERS] += 1
            kinds.append(WIRE_DIFFERS)
        for kind in kinds:
            if kind.startswith("agree-"):
                continue
            # A few samples per input field (the label before its colon), boundary cases first.
            where = (kind, outcome.case.operation + " " + outcome.case.label.split(":", 1)[0])
            bucket = self.samples.setdefault(kind, [])
            if self._per_field[where] < per_field and len(bucket) < per_kind:
                self._per_field[where] += 1
                bucket.append(outcome.sample())

    def total(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counts in self.by_operation.values():
            total.update(counts)
        return total

    @staticmethod
    def columns() -> list[str]:
        return ["cases", *KINDS, *(f"allowed:{a.name}" for a in ALLOWLIST), WIRE_DIFFERS]

    def table(self) -> str:
        columns = self.columns()
        heads = ["operation", *(c.removeprefix("allowed:") for c in columns)]
        total = self.total()
        rows = [[op, *(str(counts[c]) for c in columns)] for op, counts in self.by_operation.items()]
        rows.append(["TOTAL", *(str(total[c]) for c in columns)])
        widths = [max(len(row[i]) for row in [heads, *rows]) for i in range(len(heads))]

        def line(row: list[str]) -> str:
            cells = [
                cell.rjust(w) if i else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ]
            return "  ".join(cells)

        rule = "-" * len(line(heads))
        return "\n".join([line(heads), rule, *(line(r) for r in rows[:-1]), rule, line(rows[-1])])

    def report(self, **extra: Any) -> dict[str, Any]:
        columns = self.columns()
        total = self.total()
        return {
            **extra,
            "allowlist": [{"name": a.name, "reason": a.reason} for a in ALLOWLIST],
            "operations": {op: {c: counts[c] for c in columns} for op, counts in self.by_operation.items()},
            "total": {c: total[c] for c in columns},
            "samples": self.samples,
        }


# -- a run against Prism -------------------------------------------------------------------


@dataclass
class Run:
    """Every case of a spec judged against Prism serving it, and what the harness checks."""

    operations: list[Operation]
    tally: Tally
    unrouted: list[Case]
    report: dict[str, Any]

    def problems(self) -> list[str]:
        """Empty when the client agrees with the spec and the run proves something."""
        found: list[str] = []
        # Every operation exercised on both sides of its rules, every case reached an
        # operation, and each request the client sent got the same answer as its raw twin
        # (else the two requests differ and comparing them proves nothing).
        missing = {op.operation_id for op in self.operations} - set(self.tally.by_operation)
        if missing:
            found.append(f"operations with no case: {sorted(missing)}")
        # (An operation without parameters or body has no input to get wrong.)
        has_inputs = {op.operation_id for op in self.operations if op.params or op.body is not None}
        for operation, counts in self.tally.by_operation.items():
            if counts["agree-accept"] + counts["false-reject"] == 0:
                found.append(f"{operation}: no valid case")
            if counts["agree-reject"] + counts["false-accept"] == 0 and operation in has_inputs:
                found.append(f"{operation}: no invalid case")
        if self.unrouted:
            shown = [c.describe() for c in self.unrouted[:5]]
            found.append(f"Prism matched no operation for {json.dumps(shown, ensure_ascii=False)}")
        total = self.tally.total()
        if total[WIRE_DIFFERS]:
            found.append(f"{WIRE_DIFFERS}: {json.dumps(self.tally.samples.get(WIRE_DIFFERS), indent=2)}")
        failing = {kind: self.tally.samples.get(kind, [])[:6] for kind in FAILING if total[kind]}
        if failing:
            found.append(
                f"the client's checks disagree with the spec "
                f"({', '.join(f'{total[k]} {k}' for k in failing)}):\n"
                + self.tally.table()
                + "\nsamples:\n"
                + json.dumps(failing, indent=2, ensure_ascii=False)
            )
        return found


async def _async_verdicts(base_url: str, cases: list[Case]) -> list[Verdict]:
    wire = AsyncCountingTransport()
    async with AsyncClient(SANDBOX_KEY, base_url=base_url, transport=wire, max_retries=0) as client:
        http = client.get_async_httpx_client()
        return [await async_client_verdict(http, wire, case) for case in cases]


def run(spec: Path, base_url: str, generated: int = GENERATED_CASES) -> Run:
    """Send every case of ``spec`` three ways to Prism at ``base_url`` (serving ``spec``)."""
    started = time.perf_counter()
    DROPPED.clear()
    operations = load_operations(spec)
    cases = all_cases(operations, generated)
    generated_in = time.perf_counter() - started
    wire = CountingTransport()
    # No retries: a contract failure must show up as the one answer Prism gave.
    with Client(SANDBOX_KEY, base_url=base_url, transport=wire, max_retries=0) as client:
        http = client.get_httpx_client()
        sync = [client_verdict(http, wire, case) for case in cases]
    async_ = asyncio.run(_async_verdicts(base_url, cases))
    raw_headers = {"Authorization": f"Bearer {SANDBOX_KEY}"}
    with httpx.Client(base_url=base_url, headers=raw_headers, timeout=10.0, trust_env=False) as raw:
        oracle = [raw_verdict(raw, case) for case in cases]
    tally = Tally()
    unrouted: list[Case] = []
    for case, s, a, p in zip(cases, sync, async_, oracle, strict=True):
        if p.kind == "unrouted":
            unrouted.append(case)
        tally.add(judge(case, s, a, p))
    report = tally.report(
        spec=str(spec),
        cases=len(cases),
        requests=len(cases) * 3,
        seconds=round(time.perf_counter() - started, 1),
        generation_seconds=round(generated_in, 1),
        dropped_connections_resent=dict(DROPPED),
    )
    return Run(operations, tally, unrouted, report)


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.contract.differential --spec S --base-url U``: exit 1 on any problem.

    Run in a subprocess whose PYTHONPATH names a regenerated copy of the packages, it judges
    that copy's client (tests/pipeline/test_next_specs.py does so for every fixture spec).
    """
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--base-url", required=True, help="Prism serving --spec")
    parser.add_argument("--generated", type=int, default=GENERATED_CASES)
    parser.add_argument("--report", type=Path, help="write the JSON report (problems included) here")
    args = parser.parse_args(argv)
    result = run(args.spec, args.base_url, args.generated)
    problems = result.problems()
    print(f"Differential on {args.spec}: {result.report['cases']} cases in {result.report['seconds']}s")
    print(result.tally.table())
    if args.report:
        report = {**result.report, "problems": problems}
        args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
