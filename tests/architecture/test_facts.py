"""One home for each fact: a header name, a limit, the terminal job statuses or a default is
written once in the package and imported where it is used.

The homes: the vendor's facts (header names, documented limits, terminal statuses) in
``_core/api_facts.py``, checked here against the spec as ``make generate`` compiled it; each
default with its mechanism, as a named constant (no parameter's default is a bare number, so
the same number cannot be typed again in a second signature). Read from the source with
``ast``, like test_layers.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import aigenstudio_client
import pytest
from aigenstudio._core import api_facts
from aigenstudio_client.models.product_photo_job_status import ProductPhotoJobStatus

PACKAGE = Path(__file__).resolve().parents[2] / "overrides" / "aigenstudio"
MODULES = sorted(PACKAGE.rglob("*.py"))
HOME = PACKAGE / "_core" / "api_facts.py"

WAITING = PACKAGE / "_workflow" / "waiting.py"
# Literals (strings compared case-insensitively) -> (the fact, the one module that writes it).
HOMED: dict[object, tuple[str, Path]] = {
    "idempotency-key": ("the Idempotency-Key header name", HOME),
    "x-request-id": ("the X-Request-Id header name", HOME),
    "retry-after": ("the Retry-After header name", HOME),
    "x-retry-attempt": ("the X-Retry-Attempt header name", HOME),
    "x-aigen-signature": ("the webhook signature header name", HOME),
    "x-aigen-timestamp": ("the webhook timestamp header name", HOME),
    "x-aigen-event-id": ("the webhook event id header name", HOME),
    "partially_completed": ("a terminal job status", HOME),
    "cancelled": ("a terminal job status", HOME),
    160: ("the request-id and idempotency-key length limit", HOME),
    ",160}": ("the request-id length limit in a pattern", HOME),
    1.5: ("the poll interval's growth per poll", WAITING),
}


def _constants(path: Path) -> Iterator[ast.Constant]:
    """Every literal in ``path`` but docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in docstrings:
            yield node


def _keys(value: object) -> list[object]:
    """The keys of HOMED that the literal ``value`` writes."""
    if isinstance(value, str):
        return [value.lower(), *(k for k in HOMED if isinstance(k, str) and k[0] == "," and k in value)]
    return [] if isinstance(value, bool) or value is None else [value]


def _strays(path: Path) -> list[str]:
    """The homed facts written as literals in ``path`` though it is not their home."""
    return [
        f"{node.lineno}: {HOMED[key][0]} {node.value!r}"
        for node in _constants(path)
        for key in _keys(node.value)
        if key in HOMED and HOMED[key][1] != path
    ]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_facts_are_not_written_outside_their_home(path: Path) -> None:
    assert _strays(path) == [], f"{path.relative_to(PACKAGE)}: import these from their home instead"


def _numeric_defaults(path: Path) -> Iterator[str]:
    """Parameters (and argparse options) whose default is a number literal other than 0."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        pairs: list[tuple[str, ast.expr]] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            positional = args.posonlyargs + args.args
            defaulted = positional[len(positional) - len(args.defaults) :]
            pairs += [(a.arg, d) for a, d in zip(defaulted, args.defaults, strict=True)]
            keyword = zip(args.kwonlyargs, args.kw_defaults, strict=True)
            pairs += [(a.arg, d) for a, d in keyword if d is not None]
        elif isinstance(node, ast.Call):
            pairs += [("default=", k.value) for k in node.keywords if k.arg == "default"]
        for name, default in pairs:
            value = default.value if isinstance(default, ast.Constant) else None
            if isinstance(value, int | float) and not isinstance(value, bool) and value != 0:
                yield f"{default.lineno}: {name} = {value!r}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_numeric_defaults_are_named_constants(path: Path) -> None:
    """``poll_interval: float = POLL_INTERVAL``, never ``= 2.0`` in one more signature."""
    assert list(_numeric_defaults(path)) == []


def test_the_checks_can_fail(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        'def f(poll_interval: float = 2.0) -> None:\n    h = {"idempotency-key": "k", "r": r"[a]{1,160}"}\n',
        encoding="utf-8",
    )
    assert list(_numeric_defaults(probe)) == ["1: poll_interval = 2.0"]
    assert _strays(probe) == [
        "2: the Idempotency-Key header name 'idempotency-key'",
        "2: the request-id length limit in a pattern '[a]{1,160}'",
    ]


# -- the vendor's facts agree with the spec ------------------------------------------------


def _contract() -> dict[str, object]:
    path = Path(aigenstudio_client.__file__).parent / "contract.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _header_schemas(name: str) -> list[dict[str, object]]:
    operations = _contract()["operations"]
    assert isinstance(operations, dict)
    return [
        p["schema"]
        for op in operations.values()
        for p in op["parameters"]
        if p["in"] == "header" and p["name"].lower() == name.lower()
    ]


def test_request_id_header_and_limit_are_the_specs() -> None:
    schemas = _header_schemas(api_facts.REQUEST_ID_HEADER)
    assert schemas, "the spec declares no X-Request-Id header"
    assert {s.get("maxLength") for s in schemas} == {api_facts.REQUEST_ID_MAX_LENGTH}


def test_idempotency_key_header_and_limits_are_the_specs() -> None:
    schemas = _header_schemas(api_facts.IDEMPOTENCY_KEY_HEADER)
    assert schemas, "the spec declares no Idempotency-Key header"
    assert {(s.get("minLength"), s.get("maxLength")) for s in schemas} == {
        (api_facts.IDEMPOTENCY_KEY_MIN_LENGTH, api_facts.IDEMPOTENCY_KEY_MAX_LENGTH)
    }


def test_images_per_job_is_the_specs_max_items() -> None:
    schemas = _contract()["schemas"]
    assert isinstance(schemas, dict)
    images = schemas["ProductPhotoJobCreateRequest"]["properties"]["images"]
    assert images["maxItems"] == api_facts.IMAGES_PER_JOB


def test_terminal_statuses_are_the_specs_final_ones() -> None:
    schemas = _contract()["schemas"]
    assert isinstance(schemas, dict)
    spec_statuses = set(schemas["ProductPhotoJobStatus"]["enum"])
    assert spec_statuses == {member.value for member in ProductPhotoJobStatus}
    assert spec_statuses > api_facts.TERMINAL_JOB_STATUSES
    assert spec_statuses - api_facts.TERMINAL_JOB_STATUSES == {"queued", "processing"}
    assert all(type(status) is str for status in api_facts.TERMINAL_JOB_STATUSES)
