"""Where Prism (the reference for what a request may carry) reads query arrays as we do, and
where it does not, each shown on Prism itself and on our checks.

Agreement: a form array is read as every value of its repeated key, whether the spec spells out
``explode: true`` (``status``) or leaves OpenAPI's default for ``form`` (``batch`` here): 21
batches break ``maxItems: 20`` for both, and a comma is part of one value (``?batch=1,2`` is
one item, not two). Divergence, where the checks follow the OpenAPI spec (the server's
contract), not Prism: an empty value (``?sku=``) is one empty SKU for the spec, which
``minLength: 1`` refuses; Prism drops falsy values and reads no ``sku`` at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aigenstudio import RequestValidationError
from aigenstudio._contract.spec import Operation, build_spec

from tests.contract.clients import SANDBOX_KEY
from tests.servers.prism import require_prism
from tools.contract import compile_contract
from tools.generate import validate_spec
from tools.prism import PrismServer, start_prism

from .regenerated import SPECS

pytestmark = [pytest.mark.prism, pytest.mark.slow]

EXPLICIT = "        - name: batch\n          in: query\n          required: false\n          style: form\n"


@pytest.fixture(scope="module")
def spec_without_batch_explode(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """query-arrays.yaml with ``explode`` left out of ``batch`` (OpenAPI's default applies)."""
    text = (SPECS / "query-arrays.yaml").read_text(encoding="utf-8")
    assert text.count(EXPLICIT + "          explode: true\n") == 1
    spec = tmp_path_factory.mktemp("prism") / "query-arrays-default-explode.yaml"
    spec.write_text(text.replace(EXPLICIT + "          explode: true\n", EXPLICIT), encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def prism(spec_without_batch_explode: Path) -> Iterator[PrismServer]:
    require_prism()
    server = start_prism(spec_without_batch_explode)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def operation(spec_without_batch_explode: Path) -> Operation:
    spec = build_spec(compile_contract(validate_spec(spec_without_batch_explode).document))
    return spec.operations["listCatalogProductPhotoJobs"]


def _prism_status(prism: PrismServer, params: list[tuple[str, str]]) -> int:
    response = httpx.get(
        f"{prism.base_url}/catalogs/42/product-photo-jobs",
        params=params,
        headers={"Authorization": f"Bearer {SANDBOX_KEY}", "X-Catalog-Locale": "de-DE"},
    )
    return response.status_code


def _our_rule(operation: Operation, params: dict[str, Any]) -> str | None:
    try:
        operation.validate_arguments(params=params, headers={"X-Catalog-Locale": "de-DE"})
    except RequestValidationError as error:
        return f"{error.field}: {error.limit}"
    return None


def test_both_read_every_value_of_an_explicitly_exploded_array(
    prism: PrismServer, operation: Operation
) -> None:
    assert _prism_status(prism, [("status", "queued"), ("status", "processing")]) == 200
    assert _our_rule(operation, {"status": ["queued", "processing"]}) is None
    assert _prism_status(prism, [("status", "queued"), ("status", "queued")]) == 422
    assert _our_rule(operation, {"status": ["queued", "queued"]}) == "status: items must be unique"


def test_both_read_a_form_array_without_explode_as_repeated_keys(
    prism: PrismServer, operation: Operation
) -> None:
    batches = [str(number) for number in range(1, 22)]
    assert _prism_status(prism, [("batch", b) for b in batches]) == 422
    assert _our_rule(operation, {"batch": batches}) == "batch: at most 20 items"
    assert _prism_status(prism, [("batch", "1"), ("batch", "x")]) == 422
    assert _our_rule(operation, {"batch": ["1", "x"]}) == "batch[1]: must be integer"
    assert _prism_status(prism, [("batch", "1,2")]) == 422  # one item "1,2", not [1, 2]
    assert _our_rule(operation, {"batch": "1,2"}) == "batch[0]: must be integer"


def test_prism_drops_an_empty_value(prism: PrismServer, operation: Operation) -> None:
    assert _prism_status(prism, [("sku", "")]) == 200  # Prism: no sku
    assert _our_rule(operation, {"sku": [""]}) == "sku[0]: at least 1 character"
