"""What the overrides rely on in the generated client. If the generator changes any of it,
these fail loudly (and name the thing), rather than the overrides silently losing a guard."""

from __future__ import annotations

import inspect
from types import ModuleType

import httpx
import pytest
from aigenstudio import APIResponseValidationError, Client
from aigenstudio._workflow.operations import find_operation, operation_names
from aigenstudio_client.client import Client as GeneratedClient

from .conftest import SANDBOX_KEY, Recorder, endpoint


def _endpoint_modules() -> list[ModuleType]:
    modules = [find_operation(name) for name in operation_names()]
    return [m for m in modules if hasattr(m, "sync_detailed")]


def test_every_endpoint_module_guards_its_parser_through_the_client() -> None:
    # Our endpoint template routes parser failures to errors.parse_error(client, ...): the
    # call path itself, no patching of generated modules at run time.
    modules = _endpoint_modules()
    assert len(modules) >= 5
    for module in modules:
        source = inspect.getsource(module)
        assert "errors.parse_error(client, response, error)" in source, module.__name__
        assert "errors.argument_error(client, error)" in source, module.__name__
        for name in ("sync_detailed", "asyncio_detailed"):
            body = inspect.getsource(getattr(module, name))
            assert "get_httpx_client()" in body or "get_async_httpx_client()" in body


def test_generated_client_extension_points_exist() -> None:
    for name in ("get_httpx_client", "get_async_httpx_client", "set_httpx_client", "set_async_httpx_client"):
        assert callable(getattr(GeneratedClient, name)), name
    assert issubclass(Client, GeneratedClient)
    # Our attributes must not shadow the generated client's slots.
    ours = set(vars(Client(SANDBOX_KEY)))
    generated_fields = {a.name for a in GeneratedClient.__attrs_attrs__}  # type: ignore[attr-defined]
    assert not ours & generated_fields


def test_parser_failures_are_typed_for_our_client_and_untouched_for_bare_clients(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The response schema catches a missing field first; switch that check off to reach the
    # generated parser, as a body the schema allows but the models cannot read would.
    from aigenstudio._contract.spec import Operation

    monkeypatch.setattr(Operation, "response_problem", lambda self, status, body: None)
    recorder = Recorder(lambda r: httpx.Response(200, json={"request_id": "r"}))  # "operations" missing
    module = endpoint("list_product_photo_operations")
    client = Client(transport=recorder.transport(), max_retries=0)
    with pytest.raises(APIResponseValidationError) as caught:
        module.sync_detailed(client=client)  # type: ignore[attr-defined]
    assert caught.value.request_id == "r"
    assert "KeyError" in str(caught.value)
    bare = GeneratedClient(base_url="https://api.example.test")
    bare.set_httpx_client(httpx.Client(base_url="https://api.example.test", transport=recorder.transport()))
    with pytest.raises(KeyError):  # the generator's own behaviour, unchanged for other clients
        module.sync_detailed(client=bare)  # type: ignore[attr-defined]


def test_the_contract_names_what_the_generator_named() -> None:
    # Error fields and the helpers' request descriptions use the contract's names: they must be
    # the generated code's own (the generator's naming rule, not a look-alike).
    from aigenstudio._contract.spec import load_spec

    modules = {m.__name__.rsplit(".", 1)[-1]: m for m in _endpoint_modules()}
    for operation in load_spec().operations.values():
        assert operation.module in modules, operation.operation_id
        arguments = set(inspect.signature(modules[operation.module].sync_detailed).parameters)
        for param in operation.parameters:
            assert param.field in arguments, (operation.operation_id, param.name, param.field)
