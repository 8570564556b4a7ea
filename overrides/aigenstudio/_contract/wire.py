"""A request's wire form: parameter values as the server receives them, and the body.

Query, path, header and cookie values travel as text; they are coerced to the schema's type the way
the reference validator (Prism, with ajv's ``coerceTypes``) does before validation, so
``limit=1.0`` is the integer 1 and ``limit=abc`` is "must be integer".

The generated code sends a query array as repeated keys and a query object as its properties'
keys (``style: form, explode: true``; tools/contract.py refuses a spec whose parameters declare
a style the server would read otherwise), so they are read back that way: every value of the
key, each coerced to the item's type (``?status=queued&status=processing`` is
``["queued", "processing"]``, ``?batch=7`` is ``[7]``), and an absent key (an empty list sends
none) is an absent parameter; a comma is part of a value (``?batch=1,2`` is one item), as
Prism reads it too. Where Prism reads otherwise (tests/contract/test_query_arrays_prism.py):
it drops an empty value (``?sku=`` is no ``sku`` for Prism, one empty SKU here). An object
parameter none of whose keys is sent is absent here, as the generated code means it.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl

import httpx

from .._core.safe_json import MAX_JSON_DEPTH, JSONTooDeep, loads_bounded
from .extensions import FORM_BODY_EXTENSION, JSON_BODY_EXTENSION
from .multipart import MultipartPart, multipart_parts
from .schema import Invalid, PathPart, render_path

__all__ = [
    "FORM_BODY_EXTENSION",
    "JSON_BODY_EXTENSION",
    "RAW_BODY",
    "FilePart",
    "FormBody",
    "Parameter",
    "WireForm",
    "field_name",
    "form_fields",
    "form_media_type",
    "has_content",
    "json_body",
    "object_of",
    "request_cookies",
    "request_instance",
    "request_schema",
    "wire_value",
]

# ajv's coerceTypes for a string to a number: JavaScript's Number(), minus its odd forms
# nobody sends (hex, binary, octal); surrounding whitespace is trimmed as Number() does.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Infinity", re.ASCII)


def wire_value(raw: str, schema_type: Any) -> Any:
    """A query/path/header string as the schema sees it after ajv-style coercion."""
    types = [schema_type] if isinstance(schema_type, str) else list(schema_type or ())
    if ("integer" in types or "number" in types) and _NUMBER.fullmatch(raw.strip()):
        number = float(raw.strip())
        if number.is_integer() and abs(number) < 2**63:
            return int(number)
        return number
    if "boolean" in types and raw in ("true", "false"):
        return raw == "true"
    if "null" in types and raw == "":
        return None
    return raw


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str  # as on the wire
    location: str  # path, query or header
    field: str  # the generated function's argument name (the generator's, from the contract)
    required: bool
    schema: Mapping[str, Any]
    schema_type: Any  # the resolved schema's "type", for coercing wire strings
    position: int = -1  # index among the path's {names}, for path parameters
    items_type: Any = None  # an array's items' resolved "type" (None: not an array)
    # An object's properties (sent as query keys of their own): name -> (type, items' type).
    property_types: Mapping[str, tuple[Any, Any]] | None = None


def _coerced(values: list[str], schema_type: Any, items_type: Any) -> Any:
    """Every wire value of one key: an array's items each coerced, else the one value."""
    if items_type is not None or "array" in str(schema_type):
        return [wire_value(value, items_type) for value in values]
    return wire_value(values[-1], schema_type)


def query_value(param: Parameter, query: httpx.QueryParams) -> Any:
    """``param`` as the server reads it from the query string, or ``_ABSENT``."""
    if param.property_types is not None:  # an object: its properties are keys of their own
        found = {
            name: _coerced(query.get_list(name), kind, items)
            for name, (kind, items) in param.property_types.items()
            if name in query
        }
        return found or _ABSENT
    values = query.get_list(param.name)
    if not values:
        return _ABSENT
    if len(values) > 1 and param.items_type is None and "array" not in str(param.schema_type):
        raise Invalid(param.field, "must be given once (the query repeats it)")
    return _coerced(values, param.schema_type, param.items_type)


def object_of(params: list[Parameter]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {p.name: p.schema for p in params},
        "required": [p.name for p in params if p.required],
    }


@dataclass(frozen=True, slots=True)
class FormBody:
    """A ``multipart/form-data`` or ``application/x-www-form-urlencoded`` body of the spec."""

    schema: Mapping[str, Any]  # its fields (a file part's schema is {})
    field_types: Mapping[str, tuple[Any, Any]]  # name -> (type, items' type), to coerce text
    files: Mapping[str, tuple[str, ...]]  # file part -> the content types encoding allows


@dataclass(frozen=True, slots=True)
class FilePart:
    """A file in a multipart body: what the server reads of it before its bytes."""

    content_type: str


@dataclass(frozen=True, slots=True)
class JsonPart:
    """A multipart part sent as ``application/json`` (the generated code's object fields)."""

    value: Any


class WireForm(Protocol):
    """What the wire form needs of an operation."""

    parameters: tuple[Parameter, ...]
    body_schema: Mapping[str, Any] | None
    body_required: bool
    forms: dict[str, FormBody]
    raw_media_types: tuple[str, ...]  # a body sent as it is (an image): present, of one of these
    has_query: bool
    response_schemas: dict[int, Mapping[str, Any] | None]


def request_schema(operation: WireForm, key: str) -> Mapping[str, Any]:
    """The schema of ``path`` values, of the ``rest`` (query, header, body; ``rest <media type>``
    with that form body), of the JSON ``body`` alone, or of a status's body."""
    if key == "path":
        return object_of([p for p in operation.parameters if p.location == "path"])
    if key == "body":  # the JSON body alone, under ``body`` (so it is named as in ``rest``)
        return {"type": "object", "properties": {"body": operation.body_schema or {}}, "required": ["body"]}
    if key.startswith("rest"):
        props: dict[str, Any] = {
            loc: object_of([p for p in operation.parameters if p.location == loc])
            for loc in ("query", "header", "cookie")
        }
        media_type = key[len("rest ") :]
        if media_type == RAW_BODY:
            props["body"] = {}  # bytes as they are: present is all that is checked
        elif media_type:
            props["body"] = operation.forms[media_type].schema
        elif operation.body_schema is not None:
            props["body"] = operation.body_schema
        required = ["query", "header", "cookie"] + (["body"] if operation.body_required else [])
        return {"type": "object", "properties": props, "required": required}
    return operation.response_schemas[int(key)] or {}


def field_name(parameters: tuple[Parameter, ...], parts: list[PathPart]) -> str:
    """The caller's name for an instance path of the request validators."""
    if not parts:
        return "request"
    location, rest = parts[0], parts[1:]
    if location == "body":
        return render_path("body", rest)
    if location == "path" and not rest:
        return "path"
    if rest:
        for param in parameters:
            if param.location == location and param.name == rest[0]:
                return render_path(param.field, rest[1:])
    return render_path(str(location), rest)


def request_cookies(request: httpx.Request) -> dict[str, str]:
    """The cookies of ``request`` as the server reads its ``Cookie`` header (the first of a name)."""
    found: dict[str, str] = {}
    for header in request.headers.get_list("cookie"):
        for pair in header.split(";"):
            name, _, value = pair.strip().partition("=")
            found.setdefault(name.strip(), value.strip())
    return found


def request_instance(
    operation: WireForm, request: httpx.Request, *, from_bytes: bool = False
) -> dict[str, Any]:
    """The request as the validators see it: query, header and cookie values coerced, and the body."""
    query = request.url.params if operation.has_query else None
    cookies: dict[str, str] | None = None
    instance: dict[str, Any] = {"query": {}, "header": {}, "cookie": {}}
    for param in operation.parameters:
        if param.location == "query" and query is not None:
            value = query_value(param, query)
            if value is not _ABSENT:
                instance["query"][param.name] = value
            continue
        if param.location == "header":
            raw = request.headers.get(param.name)
        elif param.location == "cookie":
            cookies = request_cookies(request) if cookies is None else cookies
            raw = cookies.get(param.name)
        else:
            continue
        if raw is not None:
            instance[param.location][param.name] = wire_value(raw, param.schema_type)
    media_type = form_media_type(operation, request)
    if media_type == RAW_BODY:
        if has_content(request):
            instance["body"] = ""
    elif media_type is not None:
        instance["body"] = form_body(operation.forms[media_type], request)
    elif operation.body_schema is None and (operation.forms or operation.raw_media_types):
        if "content-type" in request.headers or has_content(request):
            media_types = " or ".join(sorted([*operation.forms, *operation.raw_media_types]))
            got = request.headers.get("content-type", "no Content-Type")
            raise Invalid("body", f"must be sent as {media_types}", got)
    elif operation.body_schema is not None:
        body = json_body(request, from_bytes=from_bytes)
        if body is not _ABSENT:
            instance["body"] = body
    return instance


# -- form bodies ------------------------------------------------------------------------------
#
# The generated code passes a form body to httpx as data (``data=`` for urlencoded, ``files=``
# for multipart, text fields as ``(None, bytes, "text/plain")``); the client's build_request
# records the fields as the server will read them (``form_fields``) before httpx encodes them.
# httpx picks the multipart boundary (os.urandom, one per request). Prism reads a field given
# twice as its last value; a field that is not an array must be given once here.


def _form_text(value: Any) -> str:
    """A form value as httpx writes it (its documented primitive conversion)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


FormValue = str | FilePart | JsonPart


def _file_part(file: Any) -> FormValue:
    """A ``files=`` value: a text field (no file name, as the generated code sends its text
    fields; JSON data if sent as ``application/json``, as it sends an object field) or a file,
    with the content type httpx will send for it."""
    if isinstance(file, tuple):
        filename = file[0]
        if filename is None and isinstance(file[1], bytes | str):
            declared = str(file[2]).split(";", 1)[0].strip().lower() if len(file) > 2 and file[2] else ""
            if declared == "application/json" or declared.endswith("+json"):
                try:
                    return JsonPart(loads_bounded(file[1]))
                except ValueError:  # JSONTooDeep too: then it is checked as the text it is
                    pass
            return _form_text(file[1])
        if len(file) > 2 and file[2]:
            return FilePart(str(file[2]))
    else:
        filename = getattr(file, "name", None)
    guessed = mimetypes.guess_type(str(filename))[0] if filename else None
    return FilePart(guessed or "application/octet-stream")


def form_fields(data: Any, files: Any) -> list[tuple[str, FormValue]]:
    """Every field of a form body, in order, as the server reads it: (name, text, JSON or file)."""
    fields: list[tuple[str, FormValue]] = []
    for name, value in (data or {}).items() if isinstance(data, Mapping) else ():
        for one in value if isinstance(value, list | tuple) else [value]:
            fields.append((str(name), _form_text(one)))
    for name, file in files.items() if isinstance(files, Mapping) else files or ():
        fields.append((str(name), _file_part(file)))
    return fields


# What ``form_media_type`` answers for a body sent as it is, in a media type the spec lists.
RAW_BODY = "raw"


def form_media_type(operation: WireForm, request: httpx.Request) -> str | None:
    """The form media type of the spec ``request`` is sent as, ``RAW_BODY`` for one of the
    spec's raw media types (an image), or None (JSON, or neither)."""
    if not operation.forms and not operation.raw_media_types:
        return None
    media_type: str = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type in operation.forms:
        return media_type
    if media_type and any(_media_matches(media_type, one) for one in operation.raw_media_types):
        return RAW_BODY
    return None


def has_content(request: httpx.Request) -> bool:
    """Whether ``request`` carries a body of at least one byte: its bytes, or for a stream (a
    file) its ``Content-Length``; a stream of unknown length (chunked) is taken as present."""
    try:
        return bool(request.content)
    except httpx.RequestNotRead:
        length = request.headers.get("content-length")
        return length is None or not length.strip().isdigit() or int(length) > 0


def form_body(form: FormBody, request: httpx.Request) -> dict[str, Any]:
    """The fields of a form body by name, coerced to their types (an array: every value)."""
    fields = request.extensions.get(FORM_BODY_EXTENSION)
    if fields is None:
        fields = _fields_encoded_by_hand(request)
    values: dict[str, list[FormValue]] = {}
    for name, value in fields:
        values.setdefault(name, []).append(value)
    body: dict[str, Any] = {}
    for name, given in values.items():
        kind, items = form.field_types.get(name, (None, None))
        if len(given) > 1 and items is None:
            raise Invalid(f"body.{name}", "must be given once (the form repeats it)")
        files = [one for one in given if isinstance(one, FilePart)]
        allowed = form.files.get(name) or ()
        for file in files:
            if allowed and not any(_media_matches(file.content_type, one) for one in allowed):
                raise Invalid(f"body.{name}", "must be sent as " + " or ".join(allowed), file.content_type)
        if name in form.files:
            body[name] = ""  # its schema is {}: present is all a file part is checked for
        elif items is not None or "array" in str(kind):
            body[name] = [_form_value(one, items) for one in given]
        else:
            body[name] = _form_value(given[-1], kind)
    return body


def _fields_encoded_by_hand(request: httpx.Request) -> list[tuple[str, FormValue]]:
    """The fields of a form encoded by hand (``content=`` bytes), read as the server parses
    them: urlencoded, or multipart split strictly at its declared boundary (multipart.py)."""
    content_type = request.headers.get("content-type", "")
    if len(request.headers.get_list("content-type")) > 1:
        raise Invalid("body", "must have one Content-Type header", content_type)
    if not content_type.lower().startswith(_URLENCODED):
        try:
            content = request.content
        except httpx.RequestNotRead:
            raise Invalid(
                "body", "must be multipart bytes (content=) or files= (and data=), not a stream"
            ) from None
        return [
            (part.name, _file_part((part.filename, part.data, _part_type(part))))
            for part in multipart_parts(content_type, content)
        ]
    try:
        text = request.content.decode("ascii")
    except (httpx.RequestNotRead, UnicodeDecodeError):
        raise Invalid("body", "must be urlencoded ASCII given as data (data= or content= bytes)") from None
    return [(name, value) for name, value in parse_qsl(text, keep_blank_values=True)]


def _part_type(part: MultipartPart) -> str | None:
    """A part's content type as the server reads it: a file without one is text/plain (RFC 7578 4.4)."""
    if part.content_type is None and part.filename is not None:
        return "text/plain"
    return part.content_type


_URLENCODED = "application/x-www-form-urlencoded"


def _form_value(value: FormValue, kind: Any) -> Any:
    if isinstance(value, JsonPart):
        return value.value
    return wire_value(value if isinstance(value, str) else "", kind)


def _media_matches(content_type: str, allowed: str) -> bool:
    """``image/png`` matches ``image/png``, ``image/*`` and ``*/*`` (case-insensitively)."""
    content_type, allowed = content_type.split(";", 1)[0].strip().lower(), allowed.lower()
    if allowed in ("*/*", content_type):
        return True
    return allowed.endswith("/*") and content_type.startswith(allowed[:-1])


_ABSENT = object()


def json_body(request: httpx.Request, *, from_bytes: bool = False) -> Any:
    given = _ABSENT if from_bytes else request.extensions.get(JSON_BODY_EXTENSION, _ABSENT)
    if given is not _ABSENT:
        return given  # what httpx serialised (json=), as data: no parsing the bytes back
    try:
        content = request.content
    except httpx.RequestNotRead:
        # A generator or file body: it cannot be checked (or retried) before sending.
        raise Invalid("body", "must be a JSON body given as data, not a stream") from None
    if not content:
        return _ABSENT
    try:
        return loads_bounded(content)
    except JSONTooDeep:
        raise Invalid("body", f"must nest at most {MAX_JSON_DEPTH} levels deep") from None
    except ValueError:
        raise Invalid("body", "must be a JSON document") from None
