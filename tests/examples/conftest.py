"""The Prism mock server for the examples: the session fixture the README examples use."""

from __future__ import annotations

from tests.docs.conftest import prism as prism

__all__ = ["prism"]
