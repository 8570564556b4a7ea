"""A small validator for the JSON Schema subset the vendored spec uses, compiled to closures.

Two modes from one compiler:
- strict (requests): every documented limit -- type, enum, min/maxLength, minimum/maximum,
  min/maxItems, required, formats (uuid, uri, date-time) -- plus the documented prose rule that
  ``webhook_url`` is a public HTTPS URL. Runs before anything is sent, so a bad argument never
  costs money.
- lenient (responses): only what the generated parsers rely on -- types, required fields and
  uuid formats. Enum values are NOT checked: the API may add values, and the generated enums
  parse unknown ones into pseudo-members.

Schemas are compiled once per operation; a check that has nothing to do compiles to None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ._errors import RequestValidationError
from ._public_url import public_https_url_problem

__all__ = ["Check", "Invalid", "SchemaCompiler", "render_path", "webhook_url_problem"]

# A path is a linked chain (parent, key) built only as deep as the data; rendered on error.
Path = tuple[Any, str | int] | str
Check = Callable[[Any, Path], None]

_MAX_SHOWN = 40


class Invalid(Exception):
    """One violated rule: where, which limit, and what was found."""

    def __init__(self, path: Path, limit: str, got: str | None = None) -> None:
        super().__init__(limit)
        self.path = path
        self.limit = limit
        self.got = got

    @property
    def field(self) -> str:
        return render_path(self.path)

    def describe(self) -> str:
        got = f" (got {self.got})" if self.got else ""
        return f"{self.field}: {self.limit}{got}"

    def as_request_error(self) -> RequestValidationError:
        """The public error for this violation (nothing was sent)."""
        return RequestValidationError(self.field, self.limit, self.describe())


def render_path(path: Path) -> str:
    parts: list[str] = []
    while isinstance(path, tuple):
        path, key = path
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return path + "".join(reversed(parts))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


_TYPE_NAMES = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    list: "array",
    dict: "object",
    type(None): "null",
}


def _json_type(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _type_test(name: str) -> Callable[[Any], bool]:
    tests: dict[str, Callable[[Any], bool]] = {
        "string": lambda v: isinstance(v, str),
        "boolean": lambda v: isinstance(v, bool),
        "integer": lambda v: (
            (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
        ),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
        "null": lambda v: v is None,
    }
    return tests.get(name, lambda v: True)


# The forms uuid.UUID() accepts (what the generated parsers call), as one regex: faster
# than building a UUID on every request, and never looser than the parser.
_UUID = re.compile(
    r"(?:urn:)?(?:uuid:)?\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?"
)


def _is_uuid(value: str) -> bool:
    return _UUID.fullmatch(value) is not None


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")


def webhook_url_problem(url: str) -> str | None:
    """Why ``url`` is not a public HTTPS URL (the API's documented rule), or None.

    The host is judged as the receiving side's URL parser reads it (see ``_public_url``);
    only literal hosts are judged (no DNS): a name that resolves to a private address is
    still the API's to reject.
    """
    return public_https_url_problem(url)


class SchemaCompiler:
    """Compiles schemas of one OpenAPI document; ``$ref`` targets are compiled once."""

    def __init__(self, document: Mapping[str, Any], *, strict: bool) -> None:
        self._document = document
        self._strict = strict
        self._refs: dict[str, Check | None] = {}

    def compile(self, schema: Any) -> Check | None:
        if not isinstance(schema, Mapping):
            return None
        if "$ref" in schema:
            return self._ref(schema["$ref"])
        return self._node(schema)

    def _resolve(self, ref: str) -> Any:
        node: Any = self._document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def _ref(self, ref: str) -> Check | None:
        if ref in self._refs:
            return self._refs[ref]
        # A forwarding cell keeps recursive schemas finite.
        cell: list[Check | None] = [None]

        def forward(value: Any, path: Path) -> None:
            target = cell[0]
            if target is not None:
                target(value, path)

        self._refs[ref] = forward
        cell[0] = self.compile(self._resolve(ref))
        self._refs[ref] = cell[0]
        return cell[0]

    def _node(self, schema: Mapping[str, Any]) -> Check | None:
        checks: list[Check] = []
        for sub in schema.get("allOf", ()):
            check = self.compile(sub)
            if check is not None:
                checks.append(check)
        types = schema.get("type")
        type_names = [types] if isinstance(types, str) else list(types or ())
        nullable = "null" in type_names or schema.get("nullable") is True
        checks += self._type_specific(schema, type_names)
        if self._strict and "enum" in schema:
            checks.append(self._enum(schema["enum"]))
        if not checks and not type_names:
            return None
        type_check = self._types(type_names) if type_names else None

        def check_node(value: Any, path: Path) -> None:
            if value is None and nullable:
                return
            if type_check is not None:
                type_check(value, path)
            for one in checks:
                one(value, path)

        return check_node

    @staticmethod
    def _types(names: list[str]) -> Check:
        tests = [_type_test(name) for name in names]
        expected = " or ".join(names)

        def check(value: Any, path: Path) -> None:
            for test in tests:
                if test(value):
                    return
            raise Invalid(path, f"must be {expected}", _json_type(value))

        return check

    @staticmethod
    def _enum(values: list[Any]) -> Check:
        allowed = frozenset(values)
        listed = ", ".join(repr(v) for v in values)

        def check(value: Any, path: Path) -> None:
            if value not in allowed:
                raise Invalid(path, f"must be one of {listed}", _shown(value))

        return check

    def _type_specific(self, schema: Mapping[str, Any], type_names: list[str]) -> list[Check]:
        checks: list[Check] = []
        if "properties" in schema or "required" in schema or "object" in type_names:
            checks += self._object(schema)
        if "items" in schema or "array" in type_names:
            checks += self._array(schema)
        checks += self._string(schema)
        if self._strict:
            checks += self._number(schema)
        return checks

    def _object(self, schema: Mapping[str, Any]) -> list[Check]:
        required = tuple(schema.get("required", ()))
        properties: list[tuple[str, Check]] = []
        for name, sub in (schema.get("properties") or {}).items():
            check = self.compile(sub)
            if self._strict and name == "webhook_url":
                check = _with_webhook_rule(check)
            if check is not None:
                properties.append((name, check))
        if not required and not properties:
            return []

        def check_object(value: Any, path: Path) -> None:
            if not isinstance(value, dict):
                return  # the type check (if any) reports it
            for name in required:
                if name not in value:
                    raise Invalid((path, name), "is required", "nothing")
            for name, check in properties:
                if name in value:
                    check(value[name], (path, name))

        return [check_object]

    def _array(self, schema: Mapping[str, Any]) -> list[Check]:
        item_check = self.compile(schema.get("items"))
        low = schema.get("minItems") if self._strict else None
        high = schema.get("maxItems") if self._strict else None
        if item_check is None and low is None and high is None:
            return []

        def check_array(value: Any, path: Path) -> None:
            if not isinstance(value, list):
                return
            if low is not None and len(value) < low:
                raise Invalid(path, f"at least {low} item{'s' if low != 1 else ''}", f"{len(value)}")
            if high is not None and len(value) > high:
                raise Invalid(path, f"at most {high} items", f"{len(value)}")
            if item_check is not None:
                for index, item in enumerate(value):
                    item_check(item, (path, index))

        return [check_array]

    def _string(self, schema: Mapping[str, Any]) -> list[Check]:
        checks: list[Check] = []
        fmt = schema.get("format")
        if fmt == "uuid":
            checks.append(_format_check(_is_uuid, "must be a UUID"))
        if not self._strict:
            return checks
        if fmt == "date-time":
            checks.append(_format_check(_is_datetime, "must be an ISO 8601 date-time"))
        elif fmt == "uri":
            checks.append(_format_check(lambda v: bool(_URI.match(v)), "must be an absolute URI"))
        low, high = schema.get("minLength"), schema.get("maxLength")
        if low is not None or high is not None:

            def check_length(value: Any, path: Path) -> None:
                if not isinstance(value, str):
                    return
                if low is not None and len(value) < low:
                    unit = "character" if low == 1 else "characters"
                    raise Invalid(path, f"at least {low} {unit}", f"{len(value)}")
                if high is not None and len(value) > high:
                    raise Invalid(path, f"at most {high} characters", f"{len(value)}")

            checks.append(check_length)
        return checks

    @staticmethod
    def _number(schema: Mapping[str, Any]) -> list[Check]:
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is None and high is None:
            return []

        def check_range(value: Any, path: Path) -> None:
            if not isinstance(value, int | float) or isinstance(value, bool):
                return
            if low is not None and value < low:
                raise Invalid(path, f"at least {low}", _shown(value))
            if high is not None and value > high:
                raise Invalid(path, f"at most {high}", _shown(value))

        return [check_range]


def _format_check(test: Callable[[str], bool], limit: str) -> Check:
    def check(value: Any, path: Path) -> None:
        if isinstance(value, str) and not test(value):
            raise Invalid(path, limit, _shown(value))

    return check


def _with_webhook_rule(check: Check | None) -> Check:
    def check_webhook(value: Any, path: Path) -> None:
        if isinstance(value, str):
            problem = webhook_url_problem(value)
            if problem is not None:
                raise Invalid(path, f"{problem} (the API only calls public HTTPS URLs)", _shown(value))
        if check is not None:
            check(value, path)

    return check_webhook
