"""Levels, findings and the oasdiff rule each of our rules matches.

oasdiff (checker/rules.go) gives every check one of three levels: ERR (breaking: an existing
client fails), WARN (may break, depending on what clients send or expect) and INFO. Ours are
the same three. A schema change means different things by where it is: in a request or a
response, in a parameter, a body or a response header, at the top of that schema or inside
it (oasdiff's ids say `request-parameter-`, `request-body-`, `request-property-`, ...).
`Context` carries that, and `oasdiff_id` names the matching oasdiff rule for a context.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Direction = Literal["request", "response"]
Place = Literal["parameter", "body", "header"]


class Level(StrEnum):
    BREAKING = "breaking"  # oasdiff ERR
    WARNING = "warning"  # oasdiff WARN
    INFO = "info"  # oasdiff INFO


RANK = {Level.BREAKING: 0, Level.WARNING: 1, Level.INFO: 2}


@dataclass(frozen=True)
class Change:
    """One finding: our rule id (`kind`), its level, where, what, and oasdiff's rule id."""

    kind: str
    level: Level
    location: str
    message: str
    oasdiff: str = ""  # "" when oasdiff has no rule for it
    operation: str = ""  # Python rows: the `METHOD /path` a facade method calls, when known

    @property
    def is_addition(self) -> bool:
        """Something new a caller can use: a minor version bump when nothing breaks (tools/bump.py:
        "new operations or fields -> minor; anything else -> patch"). An explicit list, not every
        `*-added`: a new pattern, server, security requirement or response status is no feature."""
        if self.kind == "enum-value-added":
            return self.level is Level.INFO
        return self.kind in FEATURE_KINDS and self.level is not Level.BREAKING


# The non-breaking findings that count as a feature (a minor bump): a new endpoint, a new
# optional request parameter, property or body, a new response property, a new enum value a
# request accepts (`enum-value-added` is info only in a request: a response's warns), and on
# the Python surface a new module, class, function, field or optional parameter.
FEATURE_KINDS = frozenset(
    {
        "endpoint-added",
        "parameter-added",
        "property-added",
        "request-body-added",
        "enum-value-added",
        "module-added",
        "class-added",
        "function-added",
        "attribute-added",
    }
)


def order(change: Change) -> tuple[int, str, str]:
    return RANK[change.level], change.location, change.kind


@dataclass(frozen=True)
class Context:
    """Where a schema sits: request or response, parameter/body/header, and whether the
    finding is at the root of that schema (`top`) or inside it."""

    direction: Direction
    place: Place
    top: bool = True

    def inside(self) -> Context:
        return Context(self.direction, self.place, False) if self.top else self

    @property
    def request(self) -> bool:
        return self.direction == "request"

    @property
    def where(self) -> str:
        """oasdiff's word for the spot: parameter, parameter-property, body or property."""
        if self.place == "parameter":
            return "parameter" if self.top else "parameter-property"
        if self.place == "header":
            return "header"
        return "body" if self.top else "property"


# The oasdiff rule ids we map to (checker/rules.go); a generated name outside this set means
# oasdiff has no such check, and the finding is ours alone.
_BOUNDS = ("max", "min", "max-length", "min-length", "max-items", "min-items")
_REQUEST_BOUND_IDS = {
    f"request-{where}-{bound}-{event}"
    for where in ("parameter", "body", "property")
    for bound in _BOUNDS
    for event in ("set", "increased", "decreased")
    if not (bound in ("min-length", "max-items") and event == "set")
}
_RESPONSE_BOUND_IDS = {
    f"response-{where}-{bound}-{'increased' if bound.startswith('max') else 'decreased'}"
    for where in ("body", "property")
    for bound in _BOUNDS
}
OASDIFF_IDS = frozenset(
    {
        *_REQUEST_BOUND_IDS,
        *_RESPONSE_BOUND_IDS,
        "endpoint-added",
        "endpoint-deprecated",
        "endpoint-reactivated",
        "api-path-removed-without-deprecation",
        "api-path-removed-before-sunset",
        "api-path-removed-with-deprecation",
        "api-removed-without-deprecation",
        "api-removed-before-sunset",
        "api-removed-with-deprecation",
        "api-operation-id-removed",
        "api-tag-added",
        "api-tag-removed",
        "api-security-added",
        "api-security-removed",
        "api-security-component-type-changed",
        "new-required-request-parameter",
        "new-optional-request-parameter",
        "new-request-path-parameter",
        "request-parameter-removed",
        "request-parameter-removed-with-deprecation",
        "request-parameter-removed-before-sunset",
        "request-parameter-sunset-parse",
        "request-parameter-became-required",
        "request-parameter-became-optional",
        "request-parameter-default-value-changed",
        "request-parameter-default-value-added",
        "request-parameter-default-value-removed",
        "request-body-added-required",
        "request-body-added-optional",
        "request-body-became-required",
        "request-body-removed",
        "request-body-became-optional",
        "request-body-media-type-added",
        "request-body-media-type-removed",
        "response-media-type-added",
        "response-media-type-removed",
        "response-success-status-removed",
        "response-non-success-status-removed",
        "response-success-status-added",
        "response-non-success-status-added",
        "required-response-header-removed",
        "optional-response-header-removed",
        "response-header-became-optional",
        "new-required-request-property",
        "new-required-request-property-with-default",
        "new-optional-request-property",
        "request-property-removed",
        "request-property-became-required",
        "request-property-became-optional",
        "response-required-property-removed",
        "response-optional-property-removed",
        "response-required-property-added",
        "response-optional-property-added",
        "response-property-became-optional",
        "response-property-became-required",
        "response-property-enum-value-added",
        "response-property-enum-value-removed",
        "response-mediatype-enum-value-removed",
        *(
            f"request-{where}-{rule}"
            for where in ("parameter", "body", "property")
            for rule in (
                "became-enum",
                "enum-value-added",
                "enum-value-removed",
                "type-changed",
                "type-generalized",
            )
        ),
        "request-parameter-property-type-changed",
        "request-parameter-property-type-generalized",
        "request-parameter-property-type-specialized",
        *(
            f"request-{where}-pattern-{event}"
            for where in ("parameter", "property")
            for event in ("added", "removed", "changed", "generalized")
        ),
        *(f"response-property-pattern-{event}" for event in ("added", "removed", "changed")),
        *(f"response-{where}-type-changed" for where in ("body", "property")),
        *(
            f"{direction}-{where}-{of}-{event}"
            for direction in ("request", "response")
            for where in ("body", "property")
            for of in ("all-of", "one-of", "any-of")
            for event in ("added", "removed")
        ),
        *(
            f"{direction}-{where}-default-value-{event}"
            for direction in ("request", "response")
            for where in ("body", "property")
            for event in ("added", "removed", "changed")
        ),
        *(
            f"request-{where}-became-{state}"
            for where in ("body", "property")
            for state in ("nullable", "not-nullable")
        ),
        *(f"response-{where}-became-nullable" for where in ("body", "property")),
        *(f"response-{where}-type-specialized" for where in ("body", "property", "header")),
        "request-body-wrapped-in-one-of",
        "response-body-wrapped-in-one-of",
    }
)


# Names the patterns above produce that oasdiff has no rule for: findings under them are ours
# alone. Checked against the rule constants of checker/*.go that checker/rules.go registers
# (not messages.yaml alone: it also holds messages no rule emits, such as the two
# `*-min-items-decreased` below).
OASDIFF_IDS -= {
    "request-body-enum-value-added",
    "request-body-max-items-decreased",
    "request-body-max-items-increased",
    "request-body-min-items-decreased",
    "request-property-min-items-decreased",
    "request-property-max-items-decreased",
    "request-property-max-items-increased",
    "response-body-max-items-increased",
    "response-property-max-items-increased",
}


def known(rule: str) -> str:
    """`rule` if oasdiff has it, else "" (the finding is ours alone)."""
    return rule if rule in OASDIFF_IDS else ""


def schema_id(ctx: Context, rule: str) -> str:
    """oasdiff's id for a schema rule at `ctx`: `request-property-type-changed` and so on."""
    return known(f"{ctx.direction}-{ctx.where}-{rule}")
