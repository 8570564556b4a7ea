"""A Stripe-like cluster of schemas that reference each other (cyclic_spec.py) loads and diffs
in time and memory linear in the spec: each component is resolved once and each pair of
components compared once per context. Before, the resolver cached per set of schemas on the
current chain: 14 such schemas took 27 s and 1 GB, 16 ran out of 4 GB, 65 (Stripe) 23 GB.
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import yaml

from tests.diff.cyclic_spec import cyclic_spec
from tools.apidiff.http_diff import diff_http
from tools.apidiff.loader import RefResolver, load_spec
from tools.apidiff.rules import Level
from tools.apidiff.schema_diff import SchemaDiffer

SIZE, OPERATIONS = 40, 60


def test_each_component_of_a_cycle_is_resolved_once() -> None:
    resolver = RefResolver(cyclic_spec(size=SIZE, operations=OPERATIONS))
    schemas = resolver.resolve()["components"]["schemas"]
    assert resolver.expansions == SIZE
    first = schemas["Resource00"]
    assert first["properties"]["link1"] is schemas["Resource01"]
    assert first["properties"]["link2"]["anyOf"][1] is schemas["Resource02"]
    walked, node = 0, first
    while walked < SIZE:  # following link1 goes round the whole cycle
        node = node["properties"]["link1"]
        walked += 1
    assert node is first


def test_a_large_cycle_diffs_in_bounded_time_and_memory(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(yaml.safe_dump(cyclic_spec(SIZE, operations=OPERATIONS)))
    (tmp_path / "new.yaml").write_text(
        yaml.safe_dump(cyclic_spec(SIZE, operations=OPERATIONS, label_length=32))
    )
    tracemalloc.start()
    started = time.perf_counter()
    differ = SchemaDiffer()
    changes = diff_http(load_spec(tmp_path / "old.yaml"), load_spec(tmp_path / "new.yaml"), differ)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # Structural bounds: one comparison per root (a response and a path parameter per
    # operation) and per component pair in each context it is used in (top or nested).
    assert differ.comparisons <= 2 * OPERATIONS + 2 * SIZE
    # Loose wall-clock and memory bounds (measured: ~0.1 s, a few MiB) catch a return of the
    # exponential behaviour without flaking on a slow machine.
    assert seconds < 10
    assert peak < 100 * 1024 * 1024
    (change,) = changes  # one row for a change that every operation reaches
    assert (change.kind, change.level, change.location) == (
        "max-length-decreased",
        Level.INFO,
        "#/components/schemas/Resource00/properties/label",
    )
    assert f"reached from {OPERATIONS} places: GET /resources-000/{{id}} response 200" in change.message


def test_the_diff_bench_runs_on_a_small_spec() -> None:
    from bench.diff_bench import diff_rows, measure_diff

    result = measure_diff(operations=10, schemas=20)
    assert (result.rows, result.code) == (3, 0)  # a property removed, an enum value, a bound
    assert [row.metric for row in diff_rows(result)] == [
        "make diff --http-only (synthetic spec)",
        "make diff --http-only peak RSS",
        "API diff without validation (load, resolve, diff)",
    ]
