"""Errors read well: public names in tracebacks, a repr with status, code and request id (never
a secret), ``aigenstudio.APIError`` as the base an openai-python user catches, and pickling
still round-trips with the public names."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from typing import Any

import aigenstudio
import httpx
import pytest
from aigenstudio import APIError, NotFoundError

from .conftest import BASE_URL, SANDBOX_KEY, Recorder

ENVELOPE = {"error": {"code": "not_found", "message": "No such job"}, "request_id": "req_404"}


def _public_exception_classes() -> list[type[BaseException]]:
    found = []
    for name in aigenstudio.__all__:
        value = getattr(aigenstudio, name)
        if isinstance(value, type) and issubclass(value, BaseException):
            found.append(value)
    return found


@pytest.mark.parametrize("cls", _public_exception_classes(), ids=lambda cls: cls.__name__)
def test_every_public_exception_names_itself_by_its_public_path(cls: type[BaseException]) -> None:
    assert cls.__module__ == "aigenstudio"
    assert getattr(aigenstudio, cls.__qualname__) is cls


def _not_found(**kwargs: Any) -> NotFoundError:
    recorder = Recorder(lambda request: httpx.Response(404, json=ENVELOPE))
    with aigenstudio.Client(
        SANDBOX_KEY, base_url=BASE_URL, transport=recorder.transport(), **kwargs
    ) as client:
        try:
            client.product_photo_jobs.get("7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f")
        except NotFoundError as error:
            return error
    raise AssertionError("no NotFoundError")


def test_the_traceback_names_the_public_class() -> None:
    code = f"""
        import httpx, aigenstudio
        transport = httpx.MockTransport(lambda request: httpx.Response(404, json={ENVELOPE!r}))
        client = aigenstudio.Client({SANDBOX_KEY!r}, base_url={BASE_URL!r}, transport=transport)
        client.product_photo_jobs.get("7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f")
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60, check=False
    )
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("aigenstudio.NotFoundError: 404 not_found: No such job"), last
    assert "_core" not in done.stderr.split("Traceback")[-1].splitlines()[-1]
    assert SANDBOX_KEY not in done.stderr


def test_the_repr_carries_status_code_and_request_id_but_no_secret() -> None:
    error = _not_found()
    text = repr(error)
    assert (
        text
        == "NotFoundError(status_code=404, code='not_found', request_id='req_404', message='No such job')"
    )
    assert SANDBOX_KEY not in text


def test_a_connection_error_repr_carries_its_request_id() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    transport = httpx.MockTransport(refuse)
    with (
        aigenstudio.Client(SANDBOX_KEY, base_url=BASE_URL, transport=transport, max_retries=0) as client,
        client.request_id_scope("req_conn_1"),
        pytest.raises(aigenstudio.APIConnectionError) as caught,
    ):
        client.product_photo_presets.list()
    assert repr(caught.value).startswith(
        "APIConnectionError(request_id='req_conn_1', message='Connection error"
    )
    assert SANDBOX_KEY not in repr(caught.value)


def test_an_error_pickles_with_its_public_name() -> None:
    error = _not_found()
    data = pickle.dumps(error)
    assert b"aigenstudio._core.errors\nNotFoundError" not in data  # the class by its public path
    back = pickle.loads(data)
    assert type(back) is NotFoundError
    assert (back.status_code, back.code, back.request_id) == (404, "not_found", "req_404")
    assert repr(back) == repr(error)


def test_api_error_is_the_base_of_every_error_tied_to_an_exchange() -> None:
    assert issubclass(aigenstudio.APIStatusError, APIError)
    assert issubclass(aigenstudio.APIConnectionError, APIError)
    assert issubclass(aigenstudio.APIResponseValidationError, APIError)
    assert not issubclass(aigenstudio.ConfigurationError, APIError)  # raised before any exchange
    assert "APIError" in aigenstudio.__all__
    error = _not_found()
    assert isinstance(error, APIError)
    assert (error.code, error.body) == ("not_found", ENVELOPE)


def test_every_api_error_has_code_and_body_even_without_a_response() -> None:
    error = aigenstudio.APITimeoutError("timed out", request=None, request_id="req_t")
    assert (error.code, error.body) == (None, None)
