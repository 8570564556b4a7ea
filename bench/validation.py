"""Pre-flight validation cost: one 20-image create body through the client's own check, unsent.

The call timed is the one ``process_catalog`` makes for every batch before anything is sent:
``load_spec().operations["createProductPhotoJob"].validate_arguments(json=..., headers=...)``.
That API is private and may be reworked, so it is looked up by name at run time; when it is
missing or behaves differently (raises on a valid body), the result carries a note instead
of a number. Timing: one warm-up call (the spec is parsed and compiled once per process),
then ``repeats`` blocks of ``calls`` calls; the median of the per-call block means is kept.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["ValidationResult", "create_body", "measure_validation"]

OPERATION_ID = "createProductPhotoJob"
IDEMPOTENCY_KEY = "bench-catalog-0000-batch-0000"


@dataclass
class ValidationResult:
    us_per_call: float | None
    calls: int
    note: str = ""  # why there is no number, when there is none


def create_body(images: int = 20) -> dict[str, Any]:
    """A valid create body at the documented maximum of images, with the usual options."""
    return {
        "operation": "marketplace_clean",
        "preservation_level": "strict",
        "webhook_url": "https://hooks.example.com/aigenstudio/jobs",
        "images": [
            {
                "source_url": f"https://cdn.example.com/catalog/sku-{n:04d}.jpg",
                "external_id": f"sku-{n:04d}",
            }
            for n in range(images)
        ],
    }


def _find_check() -> Callable[[dict[str, Any]], None] | str:
    """The validation call, or why it cannot be made (a note for the table)."""
    try:
        from aigenstudio._contract.spec import load_spec
    except ImportError as exc:
        return f"n/a (aigenstudio._contract.spec.load_spec not importable: {exc})"
    try:
        operation = load_spec().operations[OPERATION_ID]
    except (AttributeError, KeyError, TypeError) as exc:
        return f"n/a (load_spec().operations[{OPERATION_ID!r}] not found: {exc!r})"
    validate = getattr(operation, "validate_arguments", None)
    if not callable(validate):
        return f"n/a ({type(operation).__name__} has no validate_arguments(json=, headers=))"
    headers = {"Idempotency-Key": IDEMPOTENCY_KEY}
    return lambda body: validate(json=body, headers=headers)


def measure_validation(calls: int = 2000, repeats: int = 9, images: int = 20) -> ValidationResult:
    check = _find_check()
    if isinstance(check, str):
        return ValidationResult(None, 0, check)
    body = create_body(images)
    try:
        check(body)  # warm-up; also proves the API still takes these arguments and this body
    except Exception as exc:  # any failure is reported, not raised
        return ValidationResult(
            None, 0, f"n/a (validate_arguments API differs or rejects a valid body: {exc!r})"
        )
    clock = time.perf_counter_ns
    per_call: list[float] = []
    for _ in range(repeats):
        start = clock()
        for _ in range(calls):
            check(body)
        per_call.append((clock() - start) / calls / 1000)
    return ValidationResult(statistics.median(per_call), calls * repeats)
