"""The HTTP side of the review: endpoints and operations.

Classification follows oasdiff's breaking-change checks (rule ids in rules.py), seen from an
existing client of the old spec: a request it sends must still be accepted, a response it
parses must still parse. An operation's parameters, body and responses are compared by
operation_diff, their schemas by schema_diff (which groups changes to shared components),
security and servers by security_diff.

Operations are matched by method and path template with the variable names left out, as
oasdiff does: renaming `{petId}` to `{id}` is no change on the wire, and path parameters are
matched by their position in the template.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from tools.apidiff.loader import Spec, listing, mapping
from tools.apidiff.operation_diff import (
    parameter_changes,
    removal,
    request_body_changes,
    response_changes,
)
from tools.apidiff.rules import Change, Level, known, order
from tools.apidiff.schema_diff import SchemaDiffer
from tools.apidiff.security_diff import scheme_changes, security_changes, server_changes

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
BREAKING, WARNING, INFO = Level.BREAKING, Level.WARNING, Level.INFO
_TEMPLATE_VARIABLE = re.compile(r"\{([^}]*)\}")
Operation = dict[str, Any]


def _template(path: str) -> str:
    return _TEMPLATE_VARIABLE.sub("{}", path)


def _param_key(param: dict[str, Any], path_variables: list[str]) -> str:
    """query:name / header:name (case-insensitive) / path:#position when in the template."""
    name, place = str(param.get("name", "")), str(param.get("in", ""))
    if place == "path" and name in path_variables:
        return f"path:#{path_variables.index(name)}"
    return f"{place}:{name.lower() if place == 'header' else name}"


def _operations(spec: Spec) -> dict[str, tuple[str, Operation]]:
    """`METHOD /path/{}` -> (the real path, the operation with path-level parameters folded in
    and keyed by _param_key)."""
    operations: dict[str, tuple[str, Operation]] = {}
    paths = mapping(spec, "paths")
    templates = Counter(_template(str(p)) for p in paths)
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        path = str(path)
        # Two paths that differ only by variable names (invalid, but seen) keep their own keys.
        shape = _template(path) if templates[_template(path)] == 1 else path
        variables = _TEMPLATE_VARIABLE.findall(path)
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            params: dict[str, dict[str, Any]] = {}
            for param in [*listing(item, "parameters"), *listing(operation, "parameters")]:
                if isinstance(param, dict):
                    params[_param_key(param, variables)] = param
            operations[f"{method.upper()} {shape}"] = (path, {**operation, "parameters": params})
    return operations


class HttpDiffer:
    """One pass over a pair of resolved specs; `changes` collects what it found."""

    def __init__(self, old: Spec, new: Spec, schemas: SchemaDiffer) -> None:
        self.old, self.new, self.schemas = old, new, schemas
        self.changes: list[Change] = []

    def add(self, kind: str, level: Level, location: str, message: str, oasdiff: str = "") -> None:
        self.changes.append(Change(kind, level, location, message, known(oasdiff)))

    def run(self) -> list[Change]:
        self.changes += [*server_changes(self.old, self.new), *scheme_changes(self.old, self.new)]
        self._endpoints()
        return sorted([*self.changes, *self.schemas.changes()], key=order)

    # --- endpoints ----------------------------------------------------------------------------

    def _endpoints(self) -> None:
        before, after = _operations(self.old), _operations(self.new)
        kept_paths = {key.split(" ", 1)[1] for key in after}
        for key in sorted(before.keys() - after.keys()):
            method, shape = key.split(" ", 1)
            path, operation = before[key]
            self._removed(f"{method} {path}", operation, whole_path=shape not in kept_paths)
        for key in sorted(after.keys() - before.keys()):
            method, (path, operation) = key.split(" ", 1)[0], after[key]
            message = f"endpoint added{_named(operation)}"
            self.add("endpoint-added", INFO, f"{method} {path}", message, "endpoint-added")
        for key in sorted(before.keys() & after.keys()):
            method = key.split(" ", 1)[0]
            self._operation(f"{method} {after[key][0]}", before[key][1], after[key][1])

    def _removed(self, name: str, operation: Operation, *, whole_path: bool) -> None:
        """Removing a deprecated endpoint is allowed once its sunset date (x-sunset) passed."""
        prefix, named = ("api-path" if whole_path else "api"), _named(operation)
        state, sunset = removal(operation)
        if state == "not-deprecated":
            oasdiff = f"{prefix}-removed-without-deprecation"
            self.add("endpoint-removed", BREAKING, name, f"endpoint removed{named}", oasdiff)
        elif state == "bad-sunset":
            raw = operation.get("x-sunset")
            message = f"deprecated endpoint removed{named}; its x-sunset {raw!r} is not a date"
            self.add("endpoint-removed", BREAKING, name, message)
        elif state == "deprecated":
            when = f"after its sunset date {sunset}" if sunset else "after deprecation (no sunset date)"
            self.add(
                "endpoint-removed",
                INFO,
                name,
                f"deprecated endpoint removed{named} {when}",
                f"{prefix}-removed-with-deprecation",
            )
        else:
            message = f"deprecated endpoint removed{named} before its sunset date {sunset}"
            self.add("endpoint-removed", BREAKING, name, message, f"{prefix}-removed-before-sunset")

    def _operation(self, name: str, old: Operation, new: Operation) -> None:
        if old.get("operationId") != new.get("operationId"):
            # The wire is unchanged; the generated function is renamed (see the Python surface).
            ids = f"{old.get('operationId')} -> {new.get('operationId')}"
            message = f"operationId {ids} (generated names follow it)"
            self.add("operation-id-changed", INFO, name, message, "api-operation-id-removed")
        old_tags, new_tags = [str(t) for t in listing(old, "tags")], [str(t) for t in listing(new, "tags")]
        if sorted(old_tags) != sorted(new_tags):
            shown = " -> ".join(", ".join(tags) or "(none)" for tags in (old_tags, new_tags))
            oasdiff = "api-tag-removed" if set(old_tags) - set(new_tags) else "api-tag-added"
            message = f"tags {shown} (the generated endpoint module follows the first tag)"
            self.add("tags-changed", INFO, name, message, oasdiff)
        if bool(new.get("deprecated")) != bool(old.get("deprecated")):
            if new.get("deprecated"):
                self.add("endpoint-deprecated", INFO, name, "endpoint deprecated", "endpoint-deprecated")
            else:
                self.add(
                    "endpoint-reactivated",
                    INFO,
                    name,
                    "endpoint no longer deprecated",
                    "endpoint-reactivated",
                )
        for part in (parameter_changes, request_body_changes, response_changes):
            self.changes += part(name, old, new, self.schemas)
        old_security = old.get("security", self.old.get("security"))
        self.changes += security_changes(name, old_security, new.get("security", self.new.get("security")))


def _named(operation: Operation) -> str:
    name = operation.get("operationId")
    return f" (operationId {name})" if isinstance(name, str) else ""


def diff_http(old: Spec, new: Spec, differ: SchemaDiffer | None = None) -> list[Change]:
    """Every HTTP-level change from `old` to `new` (both resolved), breaking ones first.

    Pass a fresh `differ` to read its counters; it keys on object ids, so use it for one pair.
    """
    return HttpDiffer(old, new, differ or SchemaDiffer()).run()
