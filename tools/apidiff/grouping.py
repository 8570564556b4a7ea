"""One API change, one row: each HTTP change with the Python rows it causes (its fan-out).

A removed query parameter is one change on the wire and ten on the Python side (four endpoint
functions, six facade methods). A reviewer (and the CHANGELOG) wants it once, at the level
of its most severe side, with the reason when the Python side is stricter, and one line of
what a caller does about it. Python rows are tied to the wire change they come from by the
operation (the endpoint module's name, the facade method's documented `METHOD /path`), the
property name, or the enum's schema and value; a Python row tied to none (a tag rename that
moves every endpoint module) is a change of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tools.apidiff.http_diff import HTTP_METHODS
from tools.apidiff.loader import Spec, mapping
from tools.apidiff.python_diff import caller_of
from tools.apidiff.rules import RANK, Change, Level

_PARAM = re.compile(r"\(([^()]*)\)$")
_WIRE_PARAM = re.compile(r" parameter (?:\w+:)?(.+)$")
_QUOTED = re.compile(r"'([^']*)'")
_TEMPLATE = re.compile(r"\{[^}]*\}")  # `{jobId}` in the spec is `{job_id}` in a facade docstring


@dataclass
class ApiChange:
    """One change of the API: its wire finding (None for a Python-only one) and fan-out."""

    http: Change | None
    python: list[Change] = field(default_factory=list)

    @property
    def level(self) -> Level:
        levels = [c.level for c in ([self.http] if self.http else []) + self.python]
        return min(levels, key=RANK.__getitem__)

    @property
    def head(self) -> Change:
        return self.http or min(self.python, key=lambda c: RANK[c.level])

    @property
    def calls(self) -> list[str]:
        """How callers write the Python names this change touches, each once, in order."""
        seen: dict[str, None] = {}
        for change in self.python:
            seen.setdefault(caller_of(change), None)
        return sorted(seen, key=_call_rank)

    @property
    def stricter_python(self) -> str:
        """Why the Python side is more severe than the wire, or ""."""
        if self.http is None or not self.python or RANK[self.level] >= RANK[self.http.level]:
            return ""
        if self.http.kind == "parameter-removed":
            return (
                f"on the wire the server ignores an unknown parameter ({self.http.level}); in Python "
                "a keyword argument the function no longer has raises TypeError"
            )
        return (
            f"on the wire this is {self.http.level}; in Python a name or argument that existing "
            "code uses is gone or required, which fails at import or call time"
        )

    @property
    def action(self) -> str:
        """What a caller does about a breaking change (one line), "" when nothing breaks."""
        if self.level is not Level.BREAKING:
            return ""
        kind, calls = self.head.kind, ", ".join(f"`{c}`" for c in self.calls[:3])
        param = parameter_of(self.head)
        if kind == "parameter-removed" and param:
            return f"Stop passing `{param}=` to {calls or 'the calls above'}; filter or set it yourself."
        if kind in ("parameter-added", "new-required-parameter") or "required" in kind:
            return f"Pass the new required value{f' `{param}=`' if param else ''} in every call of {calls}."
        moved = next((c for c in [self.head, *self.python] if c.kind == "module-moved"), None)
        if moved is not None:
            target = re.search(r"`([^`]+)`", moved.message)
            return f"Import from `{target.group(1) if target else 'the new path'}` instead."
        if kind.endswith("-removed"):
            return f"Stop using {calls or f'`{self.head.location}`'}: it is gone from the API."
        return f"Review the calls of {calls or f'`{self.head.location}`'}: {self.head.message}."


def _call_rank(call: str) -> int:
    """The calls a caller most likely writes first: the client facade, our helpers, the async
    facade, the raw-response views, and last the endpoint module functions."""
    if ".with_raw_response." in call:
        return 3
    for rank, prefix in enumerate(("client.", "aigenstudio.", "async_client.")):
        if call.startswith(prefix):
            return rank
    return 4


def parameter_of(change: Change) -> str:
    found = _PARAM.search(change.location) or _WIRE_PARAM.search(change.location)
    return found.group(1) if found else ""


def _module_of(location: str) -> str:
    """`pkg.api.tag.list_jobs.sync(x)` -> `list_jobs`; "" outside the endpoint modules."""
    parts = _PARAM.sub("", location).split(".")
    return parts[3] if len(parts) > 3 and parts[1] == "api" else ""


def _belongs(http: Change, py: Change, operations: dict[str, str]) -> bool:
    """Does the Python row `py` come from the wire change `http`?"""
    operation = http.location.split(" parameter ")[0].split(" request ")[0].split(" response ")[0]
    module = operations.get(operation, "")
    py_operation = _TEMPLATE.sub("{}", py.operation) or _module_of(py.location)
    same_operation = bool(module) and py_operation in (module, _TEMPLATE.sub("{}", operation))
    if http.kind == "tags-changed":  # the endpoint module moves with the operation's first tag
        return same_operation and py.kind == "module-moved"
    if http.kind in ("endpoint-added", "endpoint-removed"):
        return same_operation and parameter_of(py) == ""
    if http.kind.startswith("parameter-"):
        return same_operation and parameter_of(py) == _snake(parameter_of(http))
    if http.kind.startswith("enum-value-"):
        schema = http.location.rpartition("/")[2]
        values = {v.upper() for v in _QUOTED.findall(http.message)}
        owner, _, member = _PARAM.sub("", py.location).rpartition(".")
        return owner.endswith(f".{schema}") and member in values
    if http.kind.startswith("property-"):
        name = http.location.rpartition("/properties/")[2]
        member = parameter_of(py) or _PARAM.sub("", py.location).rpartition(".")[2]
        return bool(name) and "/" not in name and member == _snake(name) and ".models." in py.location
    return False


def operation_ids(spec: Spec) -> dict[str, str]:
    """`METHOD /path` -> operationId of every operation of a resolved spec."""
    return {
        f"{method.upper()} {path}": str(item[method].get("operationId", ""))
        for path, item in mapping(spec, "paths").items()
        if isinstance(item, dict)
        for method in HTTP_METHODS
        if isinstance(item.get(method), dict)
    }


def operation_modules(specs: tuple[Spec, Spec]) -> dict[str, str]:
    """`METHOD /path` -> the generated endpoint module's name (the operationId, snake_case)."""
    return {
        where: _snake(operation_id)
        for spec in specs
        for where, operation_id in operation_ids(spec).items()
        if operation_id
    }


def _snake(name: str) -> str:
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"\W+", "_", text).strip("_").lower()


def group(http: list[Change], python: list[Change], operations: dict[str, str]) -> list[ApiChange]:
    """The API changes, most severe first: each wire change with its Python fan-out, then the
    Python rows that no wire change explains. `operations`: `METHOD /path` -> module name."""
    groups = [ApiChange(change) for change in http]
    alone: list[ApiChange] = []
    for py in python:
        owner = next((g for g in groups if g.http and _belongs(g.http, py, operations)), None)
        if owner is None:
            alone.append(ApiChange(None, [py]))
        else:
            owner.python.append(py)
    return sorted([*groups, *alone], key=lambda g: (RANK[g.level], g.head.location, g.head.kind))
