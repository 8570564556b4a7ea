"""The Prism mock server for the README examples: the contract tests' session fixture, reused."""

from __future__ import annotations

from tests.contract.conftest import prism as prism

__all__ = ["prism"]
