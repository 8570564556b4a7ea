"""The vendored OpenAPI spec as a route table: which operation a request is, and its rules.

The spec ships inside the wheel as ``aigenstudio/openapi.yaml``; a development checkout reads
the repository's ``openapi.yaml``. It is parsed on first use (never at import time) and
compiled once per process, so a new spec moves public operations and limits without code
edits here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx

from ._errors import ConfigurationError
from ._request_id import CONTROL_CHARACTERS, HEADER_CONTROL_LIMIT
from ._validation import Check, Invalid, SchemaCompiler

__all__ = ["Operation", "Parameter", "Spec", "load_spec", "spec_path"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Parameters the client itself manages (the request-id rules are stricter than the schema).
_MANAGED_HEADERS = frozenset({"x-request-id"})


def python_name(name: str) -> str:
    """The argument name the generator gives a parameter (jobId -> job_id, Idempotency-Key -> ...)."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^0-9a-zA-Z]+", "_", snake).strip("_").lower()


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: str  # path, query or header
    field: str  # the generated function's argument name, used in error messages
    required: bool
    check: Check | None
    schema_type: str | None
    position: int = -1  # index among the path's {names}, for path parameters


@dataclass(slots=True)
class Operation:
    operation_id: str
    method: str
    template: str
    public: bool
    parameters: tuple[Parameter, ...]
    body_check: Check | None
    response_checks: dict[int, Check | None] = field(default_factory=dict)
    path_names: tuple[str, ...] = ()
    has_query: bool = False
    body_schema: Any = None  # the JSON request body's schema as written (may be a $ref)
    # The statuses the spec declares: exact codes and "2XX"-style classes (by first digit).
    statuses: frozenset[int] = frozenset()
    status_classes: frozenset[int] = frozenset()

    # Whether a request can break a rule its path alone does not decide (query, headers, body).
    has_checks_beyond_path: bool = field(init=False)

    def __post_init__(self) -> None:
        self.has_checks_beyond_path = self.body_check is not None or any(
            p.location in ("query", "header") for p in self.parameters
        )

    def declares(self, status: int) -> bool:
        """Whether the spec lists ``status`` (or its class, such as ``2XX``) for this operation."""
        return status in self.statuses or status // 100 in self.status_classes

    def validate_request(self, request: httpx.Request, path_values: tuple[str, ...]) -> None:
        """Raise RequestValidationError naming the field and limit of the first violation."""
        self.validate_path(path_values)
        self.validate_beyond_path(request)

    def validate_arguments(
        self,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Check query, body and header values before any request is built (whole plans up front)."""
        probe = httpx.Request(
            self.method, "https://validation.invalid/", params=params, json=json, headers=headers
        )
        self.validate_request(probe, ())

    def validate_path(self, path_values: tuple[str, ...]) -> None:
        """The path parameters' rules: a function of the path alone, so callers may cache a pass."""
        try:
            for param in self.parameters:
                if param.location == "path":
                    raw = path_values[param.position] if param.position >= 0 else None
                    self._check_value(param, raw)
        except Invalid as exc:
            raise exc.as_request_error() from None

    def validate_beyond_path(self, request: httpx.Request) -> None:
        """The query, header and body rules (everything but the path)."""
        try:
            self._validate_beyond_path(request)
        except Invalid as exc:
            raise exc.as_request_error() from None

    def _validate_beyond_path(self, request: httpx.Request) -> None:
        query = request.url.params if self.has_query else None
        for param in self.parameters:
            raw: str | None
            if param.location == "query":
                raw = query.get(param.name) if query is not None else None
            elif param.location == "header":
                raw = request.headers.get(param.name)
                if raw is not None and CONTROL_CHARACTERS.search(raw):
                    raise Invalid(param.field, HEADER_CONTROL_LIMIT)
            else:
                continue
            self._check_value(param, raw)
        if self.body_check is not None:
            try:
                content = request.content
            except httpx.RequestNotRead:
                # A generator or file body: it cannot be checked (or retried) before sending.
                raise Invalid("body", "must be a JSON body given as data, not a stream") from None
            if not content:
                return
            try:
                body = json.loads(content)
            except ValueError:
                return  # not a JSON body: nothing this validator understands
            self.body_check(body, "body")

    @staticmethod
    def _check_value(param: Parameter, raw: str | None) -> None:
        if raw is None:
            if param.required:
                raise Invalid(param.field, "is required")
            return
        if param.check is not None:
            param.check(_coerce(raw, param.schema_type), param.field)


def _coerce(raw: str, schema_type: str | None) -> Any:
    """Query, path and header values travel as text; give the schema the typed value."""
    if schema_type == "integer":
        try:
            return int(raw)
        except ValueError:
            return raw
    if schema_type == "number":
        try:
            return float(raw)
        except ValueError:
            return raw
    if schema_type == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


@dataclass(slots=True)
class Spec:
    document: Mapping[str, Any]  # the parsed spec, for limits that live outside the routes
    server_url: str
    operations: dict[str, Operation]
    _static: dict[tuple[str, str], Operation]
    _templated: list[tuple[str, re.Pattern[str], Operation]]

    def match(self, method: str, path: str) -> tuple[Operation, tuple[str, ...]] | None:
        """The operation for a method and a path relative to the server URL, with path values."""
        method = method.upper()
        op = self._static.get((method, path))
        if op is not None:
            return op, ()
        for op_method, pattern, op in self._templated:
            if op_method == method:
                found = pattern.fullmatch(path)
                if found is not None:
                    values = found.groups()
                    if "%" in path:
                        values = tuple(unquote(v) for v in values)
                    return op, values
        return None

    def path_parameter(self, method: str, segments: list[str], index: int) -> str | None:
        """The argument name of the path parameter an operation puts at ``segments[index]``."""
        for op in self.operations.values():
            parts = op.template.strip("/").split("/")
            if op.method != method.upper() or len(parts) != len(segments):
                continue
            literal_match = all(p == seg or p.startswith("{") for p, seg in zip(parts, segments, strict=True))
            if literal_match and parts[index].startswith("{"):
                return python_name(parts[index].strip("{}"))
        return None


def spec_path() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "openapi.yaml", here.parents[1] / "openapi.yaml"):
        if candidate.is_file():
            return candidate
    raise ConfigurationError(
        f"The bundled OpenAPI spec is missing (looked for {here / 'openapi.yaml'}); reinstall the package."
    )


@cache
def load_spec() -> Spec:
    import yaml  # imported here: `import aigenstudio` stays cheap

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with spec_path().open("rb") as stream:
        document = yaml.load(stream, Loader=loader)  # noqa: S506 - a SafeLoader
    return build_spec(document)


def build_spec(document: Mapping[str, Any]) -> Spec:
    strict = SchemaCompiler(document, strict=True)
    lenient = SchemaCompiler(document, strict=False)
    servers = document.get("servers") or [{}]
    server_url = str(servers[0].get("url") or "")
    default_security = document.get("security")
    operations: dict[str, Operation] = {}
    static: dict[tuple[str, str], Operation] = {}
    templated: list[tuple[str, re.Pattern[str], Operation]] = []
    for template, item in (document.get("paths") or {}).items():
        shared = item.get("parameters", [])
        for method in _METHODS:
            if method not in item:
                continue
            raw = item[method]
            op = _operation(document, template, method, raw, shared, default_security, strict, lenient)
            operations[op.operation_id] = op
            if op.path_names:
                pattern = re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template))
                templated.append((op.method, re.compile(pattern), op))
            else:
                static[(op.method, template)] = op
    return Spec(
        document=document, server_url=server_url, operations=operations, _static=static, _templated=templated
    )


def deref(document: Mapping[str, Any], node: Any) -> Any:
    """Follow local ``$ref``s until a node that is not a reference."""
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = document
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _json_schema(document: Mapping[str, Any], holder: Any) -> Any:
    content = (deref(document, holder) or {}).get("content") or {}
    for media_type, media in content.items():
        if media_type == "application/json" or media_type.endswith("+json"):
            return media.get("schema")
    return None


def _operation(
    document: Mapping[str, Any],
    template: str,
    method: str,
    raw: Mapping[str, Any],
    shared: list[Any],
    default_security: Any,
    strict: SchemaCompiler,
    lenient: SchemaCompiler,
) -> Operation:
    merged: dict[tuple[str, str], Mapping[str, Any]] = {}
    for param in [*shared, *raw.get("parameters", [])]:
        resolved = deref(document, param)
        merged[(resolved["in"], resolved["name"])] = resolved
    path_names = tuple(re.findall(r"\{([^}]+)\}", template))
    parameters = []
    for (location, name), param in merged.items():
        if location == "header" and name.lower() in _MANAGED_HEADERS:
            continue
        schema = deref(document, param.get("schema")) or {}
        schema_type = schema.get("type") if isinstance(schema.get("type"), str) else None
        parameters.append(
            Parameter(
                name=name,
                location=location,
                field=python_name(name),
                required=bool(param.get("required")) or location == "path",
                check=strict.compile(param.get("schema")),
                schema_type=schema_type,
                position=path_names.index(name) if location == "path" and name in path_names else -1,
            )
        )
    security = raw.get("security", default_security)
    responses: dict[int, Check | None] = {}
    statuses: set[int] = set()
    status_classes: set[int] = set()
    for status, response in (raw.get("responses") or {}).items():
        code = str(status).upper()
        if code.isdigit():
            statuses.add(int(code))
            if 200 <= int(code) < 300:
                responses[int(code)] = lenient.compile(_json_schema(document, response))
        elif len(code) == 3 and code[0].isdigit() and code.endswith("XX"):
            status_classes.add(int(code[0]))
    body = _json_schema(document, raw.get("requestBody"))
    return Operation(
        operation_id=str(raw.get("operationId") or f"{method} {template}"),
        method=method.upper(),
        template=template,
        # `security: []` (or an empty requirement `{}`) means the operation needs no key.
        public=security is not None and (not security or any(not req for req in security)),
        parameters=tuple(parameters),
        body_check=strict.compile(body) if body is not None else None,
        response_checks=responses,
        path_names=path_names,
        has_query=any(p.location == "query" for p in parameters),
        body_schema=body,
        statuses=frozenset(statuses),
        status_classes=frozenset(status_classes),
    )
