"""The secret suites reuse the client fixtures: ``api`` runs each test body sync and async."""

from __future__ import annotations

from tests.client.conftest import _clean_env, api, recorder

__all__ = ["_clean_env", "api", "recorder"]
