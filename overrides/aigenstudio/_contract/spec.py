"""The API's contract as a route table: which operation a request is, and what it may carry.

The contract is compiled from the vendored spec by ``make generate`` and ships inside the
generated package as ``aigenstudio_client/contract.json``; it is read on first use (never at
import time, never YAML). Each operation checks a request on its wire form -- the path
values, query string and headers as the server receives them, and the JSON body -- with
jsonschema-rs validators compiled once per operation, and checks 2xx bodies the same way.

Query, path and header values travel as text; they are coerced to the schema's type the way
the reference validator (Prism, with ajv's ``coerceTypes``) does before validation, so
``limit=1.0`` is the integer 1 and ``limit=abc`` is "must be integer".
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

from .._core.errors import ConfigurationError
from .._core.redaction import redact_url_text
from .._core.safe_json import MAX_JSON_DEPTH, JSONTooDeep, loads_bounded
from .public_url import public_https_url_problem
from .schema import Invalid, PathPart, Validator, compile_validator, first_problem, render_path

__all__ = ["JSON_BODY_EXTENSION", "Operation", "Parameter", "Spec", "build_spec", "load_spec", "python_name"]

CONTRACT_FORMAT = "aigenstudio-contract/1"
# Rules the API documents in prose, stricter than the schema (README: client-only rules).
_DOCUMENTED_RULES = {"webhook_url": public_https_url_problem}
_LOCATIONS = ("path", "query", "header")
# ajv's coerceTypes for a string to a number: JavaScript's Number(), minus its odd forms
# nobody sends (hex, binary, octal); surrounding whitespace is trimmed as Number() does.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Infinity", re.ASCII)


def python_name(name: str) -> str:
    """The argument name the generator gives a parameter (jobId -> job_id, Idempotency-Key -> ...)."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^0-9a-zA-Z]+", "_", snake).strip("_").lower()


def _wire_value(raw: str, schema_type: Any) -> Any:
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
    field: str  # the generated function's argument name, used in error messages
    required: bool
    schema: Mapping[str, Any]
    schema_type: Any  # the resolved schema's "type", for coercing wire strings
    position: int = -1  # index among the path's {names}, for path parameters


def _object_of(params: list[Parameter]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {p.name: p.schema for p in params},
        "required": [p.name for p in params if p.required],
    }


@dataclass(slots=True)
class Operation:
    operation_id: str
    module: str | None  # the generated endpoint module's name (the generator's, from the contract)
    method: str
    template: str
    public: bool
    parameters: tuple[Parameter, ...]
    body_schema: Mapping[str, Any] | None
    body_required: bool
    response_schemas: dict[int, Mapping[str, Any] | None]
    status_classes: frozenset[int]
    spec: Spec = field(repr=False)
    path_names: tuple[str, ...] = ()
    has_query: bool = False
    # Whether a request can break a rule its path alone does not decide (query, headers, body).
    has_checks_beyond_path: bool = False
    _validators: dict[str, Validator] = field(default_factory=dict, repr=False)
    _rule_paths: list[RulePath] | None = field(default=None, repr=False)

    def declares(self, status: int) -> bool:
        """Whether the spec lists ``status`` (or its class, such as ``2XX``) for this operation."""
        return status in self.response_schemas or status // 100 in self.status_classes

    # -- validators, compiled on first use ------------------------------------------------

    def _validator(self, key: str) -> Validator:
        found = self._validators.get(key)
        if found is None:
            found = self._validators[key] = self.spec.compile(self._schema_for(key), response=key.isdigit())
        return found

    def _schema_for(self, key: str) -> Mapping[str, Any]:
        if key == "path":
            return _object_of([p for p in self.parameters if p.location == "path"])
        if key == "rest":
            props: dict[str, Any] = {
                loc: _object_of([p for p in self.parameters if p.location == loc])
                for loc in ("query", "header")
            }
            if self.body_schema is not None:
                props["body"] = self.body_schema
            required = ["query", "header"] + (["body"] if self.body_required else [])
            return {"type": "object", "properties": props, "required": required}
        return self.response_schemas[int(key)] or {}

    def _field(self, parts: list[PathPart]) -> str:
        """The caller's name for an instance path of the request validators."""
        if not parts:
            return "request"
        location, rest = parts[0], parts[1:]
        if location == "body":
            return render_path("body", rest)
        if location == "path" and not rest:
            return "path"
        if rest:
            for param in self.parameters:
                if param.location == location and param.name == rest[0]:
                    return render_path(param.field, rest[1:])
        return render_path(str(location), rest)

    # -- requests -----------------------------------------------------------------------------

    def validate_arguments(
        self,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Check query, body and header values before any request is built (whole plans up front)."""
        # The query string and headers as httpx would send them; the body as given (JSON data).
        probe = httpx.Request(self.method, "https://validation.invalid/", params=params, headers=headers)
        if json is not None:
            probe.extensions[JSON_BODY_EXTENSION] = json
        self.validate_beyond_path(probe)

    def validate_path(self, path_values: tuple[str, ...]) -> None:
        """The path parameters' rules: a function of the path alone, so callers may cache a pass."""
        values = {}
        for param in self.parameters:
            if param.location == "path" and 0 <= param.position < len(path_values):
                values[param.name] = _wire_value(path_values[param.position], param.schema_type)
        problem = first_problem(
            self._validator("path"), values, "", lambda parts: self._field(["path", *parts])
        )
        if problem is not None:
            raise problem.as_request_error()

    def validate_beyond_path(self, request: httpx.Request) -> None:
        """The query, header and body rules (everything but the path)."""
        try:
            instance = self._instance(request)
            try:
                problem = first_problem(self._validator("rest"), instance, "", self._field)
            except ValueError:
                # jsonschema-rs takes JSON types only (no str subclasses such as numpy.str_,
                # no int keys): check the JSON httpx actually serialised instead.
                instance = self._instance(request, from_bytes=True)
                problem = first_problem(self._validator("rest"), instance, "", self._field)
            if problem is None and "body" in instance:
                problem = _documented_rules(instance["body"], self._body_rule_paths())
        except Invalid as invalid:
            problem = invalid
        if problem is not None:
            raise problem.as_request_error()

    def _instance(self, request: httpx.Request, *, from_bytes: bool = False) -> dict[str, Any]:
        query = request.url.params if self.has_query else None
        instance: dict[str, Any] = {"query": {}, "header": {}}
        for param in self.parameters:
            if param.location == "query" and query is not None:
                values = query.get_list(param.name)
                if len(values) > 1 and "array" not in str(param.schema_type):
                    raise Invalid(param.field, "must be given once (the query repeats it)")
                raw = values[0] if values else None
            elif param.location == "header":
                raw = request.headers.get(param.name)
            else:
                continue
            if raw is not None:
                instance[param.location][param.name] = _wire_value(raw, param.schema_type)
        if self.body_schema is not None:
            body = _json_body(request, from_bytes=from_bytes)
            if body is not _ABSENT:
                instance["body"] = body
        return instance

    def _body_rule_paths(self) -> list[RulePath]:
        if self._rule_paths is None:
            self._rule_paths = _rule_paths(self.body_schema, self.spec)
        return self._rule_paths

    # -- responses ----------------------------------------------------------------------------

    def has_response_schema(self, status: int) -> bool:
        return self.response_schemas.get(status) is not None

    def response_problem(self, status: int, body: Any) -> Invalid | None:
        """Why a parsed 2xx body breaks the operation's response schema, or None."""
        if self.response_schemas.get(status) is None:
            return None
        return first_problem(self._validator(str(status)), body, "response")


_ABSENT = object()
# Set by the client's build_request (``_outgoing``) to the ``json=`` value of the request.
JSON_BODY_EXTENSION = "aigenstudio.json_body"


def _json_body(request: httpx.Request, *, from_bytes: bool = False) -> Any:
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


# A path in a body to a field a documented rule applies to; "*" stands for any list index.
RulePath = tuple[str, ...]


def _rule_paths(
    schema: Any, spec: Spec, prefix: RulePath = (), seen: frozenset[str] = frozenset()
) -> list[RulePath]:
    """Where in a body matching ``schema`` a field with a documented rule can be."""
    ref = schema.get("$ref") if isinstance(schema, Mapping) else None
    if isinstance(ref, str):
        return [] if ref in seen else _rule_paths(spec.deref(schema), spec, prefix, seen | {ref})
    if not isinstance(schema, Mapping) or len(prefix) > 16:
        return []
    found: list[RulePath] = []
    for name, sub in (schema.get("properties") or {}).items():
        if name in _DOCUMENTED_RULES:
            found.append((*prefix, name))
        found += _rule_paths(sub, spec, (*prefix, name), seen)
    if isinstance(schema.get("items"), Mapping):
        found += _rule_paths(schema["items"], spec, (*prefix, "*"), seen)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or ():
            found += _rule_paths(sub, spec, prefix, seen)
    return sorted(set(found))


def _documented_rules(body: Any, paths: list[RulePath]) -> Invalid | None:
    """The API's documented prose rules (public https ``webhook_url``) at their schema paths."""
    for path in paths:
        nodes: list[tuple[Any, list[PathPart]]] = [(body, [])]
        for step in path:
            if step == "*":
                nodes = [
                    (item, [*at, i])
                    for node, at in nodes
                    if isinstance(node, list)
                    for i, item in enumerate(node)
                ]
            else:
                nodes = [
                    (node[step], [*at, step]) for node, at in nodes if isinstance(node, dict) and step in node
                ]
        for value, at in nodes:
            problem = _DOCUMENTED_RULES[path[-1]](value) if isinstance(value, str) else None
            if problem is not None:
                shown = redact_url_text(value)
                shown = shown if len(shown) <= 40 else shown[:37] + "..."
                field = render_path("body", at)
                return Invalid(field, f"{problem} (the API only calls public HTTPS URLs)", repr(shown))
    return None


@dataclass(slots=True)
class Spec:
    contract: Mapping[str, Any]
    server_url: str
    operations: dict[str, Operation] = field(default_factory=dict)
    _static: dict[tuple[str, str], Operation] = field(default_factory=dict)
    _templated: list[tuple[str, re.Pattern[str], Operation]] = field(default_factory=list)

    def compile(self, schema: Mapping[str, Any], *, response: bool) -> Validator:
        defs = self.contract["response_schemas" if response else "schemas"]
        return compile_validator(schema, defs)

    def deref(self, node: Any, *, response: bool = False) -> Any:
        """Follow ``#/$defs/<name>`` references into the contract's schemas."""
        defs = self.contract["response_schemas" if response else "schemas"]
        while isinstance(node, Mapping) and str(node.get("$ref", "")).startswith("#/$defs/"):
            node = defs[str(node["$ref"])[len("#/$defs/") :]]
        return node

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
                wire_name = parts[index].strip("{}")
                # The argument name the contract recorded (the generator's), not recomputed.
                for param in op.parameters:
                    if param.location == "path" and param.name == wire_name:
                        return param.field
                return python_name(wire_name)
        return None

    def header_parameter(self, name: str) -> Parameter | None:
        """The first operation's declaration of header ``name`` (e.g. Idempotency-Key)."""
        for op in self.operations.values():
            for param in op.parameters:
                if param.location == "header" and param.name.lower() == name.lower():
                    return param
        return None


def _parameter(spec: Spec, raw: Mapping[str, Any], path_names: tuple[str, ...]) -> Parameter:
    schema = raw["schema"]
    name, location = raw["name"], raw["in"]
    return Parameter(
        name=name,
        location=location,
        field=raw["argument"],
        required=raw["required"],
        schema=schema,
        schema_type=spec.deref(schema).get("type"),
        position=path_names.index(name) if location == "path" and name in path_names else -1,
    )


def build_spec(contract: Mapping[str, Any]) -> Spec:
    """The route table of a contract (as ``tools/contract.py`` compiles it)."""
    if contract.get("format") != CONTRACT_FORMAT:
        raise ConfigurationError(
            f"aigenstudio_client/contract.json is not a {CONTRACT_FORMAT} contract: run `make generate`."
        )
    spec = Spec(contract=contract, server_url=contract["server_url"])
    for operation_id, raw in contract["operations"].items():
        template = raw["path"]
        path_names = tuple(re.findall(r"\{([^}]+)\}", template))
        params = tuple(_parameter(spec, p, path_names) for p in raw["parameters"] if p["in"] in _LOCATIONS)
        op = Operation(
            operation_id=operation_id,
            module=raw.get("module"),
            method=raw["method"],
            template=template,
            public=raw["public"],
            parameters=params,
            body_schema=(raw["body"] or {}).get("schema"),
            body_required=bool((raw["body"] or {}).get("required")),
            response_schemas={int(k): v["schema"] for k, v in raw["responses"].items()},
            status_classes=frozenset(raw["status_classes"]),
            spec=spec,
            path_names=path_names,
            has_query=any(p.location == "query" for p in params),
            has_checks_beyond_path=raw["body"] is not None or any(p.location != "path" for p in params),
        )
        spec.operations[operation_id] = op
        if path_names:
            pattern = re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template))
            spec._templated.append((op.method, re.compile(pattern), op))
        else:
            spec._static[(op.method, template)] = op
    return spec


@cache
def load_spec() -> Spec:
    """The contract the generated package ships (``make generate`` writes it)."""
    import aigenstudio_client  # a package directory: no importlib.resources (18 ms to import)

    try:
        text = (Path(aigenstudio_client.__file__).parent / "contract.json").read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            "aigenstudio_client/contract.json is missing: reinstall the package (or run `make generate`)."
        ) from exc
    return build_spec(json.loads(text))
