"""Prism for pytest: skip only when Node.js is absent, fail loudly for anything else."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tools.prism import (
    DEFAULT_SPEC,
    NodeMissingError,
    PrismError,
    PrismServer,
    PrismUnavailableError,
    check_installed,
    start_prism,
)


@contextmanager
def prism_for_tests(spec: Path = DEFAULT_SPEC) -> Iterator[PrismServer]:
    try:
        server = start_prism(spec)
    except NodeMissingError as exc:
        pytest.skip(f"Prism contract tests need Node.js: {exc}")
    except PrismUnavailableError as exc:
        pytest.fail(str(exc), pytrace=False)  # Node is there: a missing Prism is a setup bug
    except PrismError as exc:
        pytest.fail(f"Prism failed to start: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


def require_prism() -> None:
    """Skip when Node.js is absent; fail (``run make node``) when only Prism is missing."""
    try:
        check_installed()
    except NodeMissingError as exc:
        pytest.skip(f"Prism contract tests need Node.js: {exc}")
    except PrismUnavailableError as exc:
        pytest.fail(str(exc), pytrace=False)
