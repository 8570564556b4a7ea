"""Hard crashes (a killed process) at every step of a journaled run: nothing is charged twice.

A child process runs the catalog against a fake API on 127.0.0.1 and dies with os._exit at
the chosen step of the chosen batch; the same command is run again on the same journal.
The fake API's ledger counts every image charged: each must be charged exactly once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aigenstudio.testing import FakeServer

from .child import CRASH_EXIT
from .conftest import charges, creates, rows

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("child.py")
STEPS = ["planned", "created", "polling", "finished"]

pytestmark = pytest.mark.slow


def run_child(
    server: FakeServer,
    tmp: Path,
    catalog: list[dict[str, str]],
    crash_at: str | None = None,
    extra: dict[str, str] | None = None,
) -> int:
    path = tmp / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in catalog))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "generated"), str(ROOT / "overrides"), str(ROOT)]),
        "CATALOG_BASE_URL": server.base_url,
        "CATALOG_JOURNAL": str(tmp / "state.sqlite"),
        "CATALOG_ROWS": str(path),
        **(extra or {}),
    }
    env.pop("CATALOG_CRASH_AT", None)
    if crash_at is not None:
        env["CATALOG_CRASH_AT"] = crash_at
    done = subprocess.run([sys.executable, str(CHILD)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, CRASH_EXIT), done.stderr
    return done.returncode


def charged_once(server: FakeServer, ids: list[int]) -> None:
    charged: Any = charges(server)
    assert sorted(charged) == sorted(f"sku-{i:03}" for i in ids)
    assert max(charged.values()) == 1, {k: v for k, v in charged.items() if v > 1}


@pytest.mark.parametrize("batch", [0, 1])
@pytest.mark.parametrize("step", STEPS)
def test_crash_at_every_step_then_resume(server: FakeServer, tmp_path: Path, step: str, batch: int) -> None:
    catalog = rows(list(range(45)))  # batches of 20, 20, 5
    assert run_child(server, tmp_path, catalog, crash_at=f"{step}:{batch}") == CRASH_EXIT
    assert run_child(server, tmp_path, catalog) == 0
    charged_once(server, list(range(45)))
    assert creates(server) == 3
    # A third run has nothing left to do and sends no create at all.
    created = creates(server)
    assert run_child(server, tmp_path, catalog) == 0
    assert creates(server) == created


def test_crash_twice_in_a_row(server: FakeServer, tmp_path: Path) -> None:
    catalog = rows(list(range(45)))
    assert run_child(server, tmp_path, catalog, crash_at="created:1") == CRASH_EXIT
    assert run_child(server, tmp_path, catalog, crash_at="polling:1") == CRASH_EXIT
    assert run_child(server, tmp_path, catalog) == 0
    charged_once(server, list(range(45)))


@pytest.mark.parametrize(
    "reexport",
    [
        pytest.param(lambda ids: [1000, 1001, 1002, *ids], id="rows-inserted-at-the-front"),
        pytest.param(lambda ids: [i for i in ids if i % 7], id="rows-removed"),
        pytest.param(lambda ids: list(reversed(ids)), id="rows-reordered"),
        pytest.param(lambda ids: [1000, *reversed([i for i in ids if i % 5]), 1001], id="all-three"),
    ],
)
def test_reexported_catalog_after_a_crash(server: FakeServer, tmp_path: Path, reexport: Any) -> None:
    first = list(range(100))
    assert run_child(server, tmp_path, rows(first), crash_at="polling:2") == CRASH_EXIT  # half done
    second = reexport(first)
    assert run_child(server, tmp_path, rows(second)) == 0
    # Every image of either export charged at most once; every image of the second, once.
    charged: Any = charges(server)
    assert max(charged.values()) == 1
    assert {f"sku-{i:03}" for i in second} <= set(charged)
