"""What the overrides rely on in the generated client. If the generator changes any of it,
these fail loudly (and name the thing), rather than the overrides silently losing a guard."""

from __future__ import annotations

import inspect
from types import ModuleType

import httpx
import pytest
from aigenstudio import APIResponseValidationError, Client
from aigenstudio._operations import find_operation, operation_names
from aigenstudio_client.client import Client as GeneratedClient

from .conftest import SANDBOX_KEY, Recorder, endpoint


def _endpoint_modules() -> list[ModuleType]:
    modules = [find_operation(name) for name in operation_names()]
    return [m for m in modules if hasattr(m, "sync_detailed")]


def test_every_endpoint_module_has_the_private_parser_we_wrap() -> None:
    modules = _endpoint_modules()
    assert len(modules) >= 5
    for module in modules:
        build = getattr(module, "_build_response", None)
        assert callable(build), f"{module.__name__}: the generator no longer emits _build_response"
        params = inspect.signature(build).parameters
        assert list(params) == ["client", "response"], f"{module.__name__}._build_response{params}"
        for name in ("sync_detailed", "asyncio_detailed"):
            source = inspect.getsource(getattr(module, name))
            assert "_build_response(client=client, response=response)" in source, f"{module.__name__}.{name}"
            assert "get_httpx_client()" in source or "get_async_httpx_client()" in source


def test_generated_client_extension_points_exist() -> None:
    for name in ("get_httpx_client", "get_async_httpx_client", "set_httpx_client", "set_async_httpx_client"):
        assert callable(getattr(GeneratedClient, name)), name
    assert issubclass(Client, GeneratedClient)
    # Our attributes must not shadow the generated client's slots.
    ours = set(vars(Client(SANDBOX_KEY)))
    generated_fields = {a.name for a in GeneratedClient.__attrs_attrs__}  # type: ignore[attr-defined]
    assert not ours & generated_fields


def test_parsers_are_wrapped_after_a_call_and_bare_clients_are_untouched() -> None:
    recorder = Recorder(lambda r: httpx.Response(200, json={"request_id": "r"}))  # "operations" missing
    module = endpoint("list_product_photo_operations")
    client = Client(transport=recorder.transport(), max_retries=0)
    with pytest.raises(APIResponseValidationError):
        module.sync_detailed(client=client)  # type: ignore[attr-defined]
    assert all(getattr(m._build_response, "__aigenstudio_guard__", False) for m in _endpoint_modules())
    bare = GeneratedClient(base_url="https://api.example.test")
    bare.set_httpx_client(httpx.Client(base_url="https://api.example.test", transport=recorder.transport()))
    with pytest.raises(KeyError):  # the generator's own behaviour, unchanged for other clients
        module.sync_detailed(client=bare)  # type: ignore[attr-defined]
