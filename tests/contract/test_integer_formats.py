"""An integer's ``format`` bounds it: ``int32`` to 32 signed bits, ``int64`` to the integers a
JSON number can hold exactly (|n| <= 2**53 - 1), in a path, query, header or body alike.

query-arrays.yaml's ``catalogId`` path parameter is ``type: integer, format: int64, minimum: 1``.
Before, the format was ignored: ``/catalogs/99999999999999999999/...`` (past even 64 bits) went
out, and Prism (the reference validator, which bounds ``int64`` to JavaScript's safe integers)
refused it. An integer past 2**53 - 1 is read as another number by any server that parses JSON
numbers as doubles (``9007199254740993`` arrives as ``...992``: another catalog), so the client
refuses it before sending, as Prism does. Responses keep the spec's types without the bounds: a
server may answer with any int64.
"""

from __future__ import annotations

from typing import Any

import pytest
from aigenstudio import RequestValidationError

from .regenerated import SPECS

SAFE = 2**53 - 1


@pytest.fixture(scope="module")
def query_arrays_spec() -> Any:
    from aigenstudio._contract.spec import build_spec

    from tools.contract import compile_contract
    from tools.generate import validate_spec

    return build_spec(compile_contract(validate_spec(SPECS / "query-arrays.yaml").document))


def _path_problem(spec: Any, catalog_id: str) -> str | None:
    try:
        spec.operations["listCatalogProductPhotoJobs"].validate_path({"catalog_id": catalog_id})
    except RequestValidationError as error:
        return str(error)
    return None


@pytest.mark.parametrize("value", ["1", "42", str(SAFE), f"{SAFE}.0"])
def test_an_int64_path_value_a_json_number_holds_exactly_goes_out(query_arrays_spec: Any, value: str) -> None:
    assert _path_problem(query_arrays_spec, value) is None


@pytest.mark.parametrize(
    "value", [str(SAFE + 1), str(SAFE + 2), str(2**63 - 1), "99999999999999999999", "1e30"]
)
def test_an_int64_path_value_past_2_53_is_refused(query_arrays_spec: Any, value: str) -> None:
    assert str(_path_problem(query_arrays_spec, value)).startswith(f"catalog_id: at most {SAFE} (got ")


def test_the_format_bounds_are_compiled_into_request_schemas_only() -> None:
    from tools.contract import compile_contract
    from tools.generate import validate_spec

    contract = compile_contract(validate_spec(SPECS / "query-arrays.yaml").document)
    (catalog_id,) = [
        p
        for p in contract["operations"]["listCatalogProductPhotoJobs"]["parameters"]
        if p["name"] == "catalogId"
    ]
    assert catalog_id["schema"]["minimum"] == 1  # the spec's own, tighter bound is kept
    assert catalog_id["schema"]["maximum"] == SAFE


def test_int32_and_int64_bounds_keep_the_tighter_of_the_spec_and_the_format() -> None:
    from tools.contract import bounded_by_format

    int32 = bounded_by_format({"type": "integer", "format": "int32"})
    assert (int32["minimum"], int32["maximum"]) == (-(2**31), 2**31 - 1)
    int64 = bounded_by_format(
        {"type": ["integer", "null"], "format": "int64", "maximum": 10, "minimum": -(2**60)}
    )
    assert (int64["minimum"], int64["maximum"]) == (-SAFE, 10)
    assert bounded_by_format({"type": "string", "format": "int64"}) == {"type": "string", "format": "int64"}
    assert bounded_by_format({"type": "integer", "format": "uint8"}) == {"type": "integer", "format": "uint8"}
