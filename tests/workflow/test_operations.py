"""The operation resolver: helpers find generated functions by name, wherever a tag put them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest
from aigenstudio._core.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    RateLimitError,
)
from aigenstudio._workflow.operations import find_operation
from aigenstudio._workflow.pagination import iter_jobs
from aigenstudio_client.client import AuthenticatedClient
from aigenstudio_client.errors import UnexpectedStatus

from .conftest import API_KEY, BASE_URL, envelope

ROOT = Path(__file__).resolve().parents[2]

# Runs in a child process whose aigenstudio_client has the next spec's layout: the operations
# regrouped from api/product_photo_api into api/product_photo_jobs (see
# tests/fixtures/specs/next-split-tags.yaml). The overrides are the working tree's, unchanged.
SCRIPT = textwrap.dedent(
    """
    import httpx
    from aigenstudio_client.client import AuthenticatedClient
    from aigenstudio._workflow.operations import find_operation
    from aigenstudio._workflow.pagination import iter_jobs

    page = {"jobs": [{"id": "00000000-0000-0000-0000-000000000001", "total_items": 1,
                      "credits_reserved": 1, "sandbox": True}], "next_cursor": None, "request_id": "r"}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=page))
    client = AuthenticatedClient(base_url="https://api.test", token="t", httpx_args={"transport": transport})
    print(find_operation("list_product_photo_jobs").__name__)
    print(len(list(iter_jobs(client))))
    """
)


def test_finds_operations_in_todays_layout() -> None:
    module = find_operation("get_product_photo_job")
    # aigenstudio_client.api.<tag package>.get_product_photo_job, whatever the spec's tag is.
    prefix, tag, name = module.__name__.rsplit(".", 2)
    assert (prefix, name) == ("aigenstudio_client.api", "get_product_photo_job")
    assert (ROOT / "generated" / "aigenstudio_client" / "api" / tag / "get_product_photo_job.py").is_file()
    assert find_operation("get_product_photo_job") is module  # cached


def test_unknown_operation_is_a_clear_lookup_error() -> None:
    with pytest.raises(LookupError, match=r"'delete_everything'.*found nowhere"):
        find_operation("delete_everything")


def test_helpers_survive_a_tag_regrouping(tmp_path: Path) -> None:
    package = tmp_path / "aigenstudio_client"
    shutil.copytree(
        ROOT / "generated" / "aigenstudio_client", package, ignore=shutil.ignore_patterns("__pycache__")
    )
    (tag_package,) = {p.parent for p in (package / "api").glob("*/list_product_photo_jobs.py")}
    tag_package.rename(package / "api" / "regrouped_jobs")  # as a vendor's tag rename would
    # ...and the regenerated facade imports the endpoints from their new package (its names,
    # taken from paths, stay the same: tests/pipeline/test_facade_naming.py).
    resources = package / "resources.py"
    resources.write_text(
        resources.read_text()
        .replace(f".api.{tag_package.name} ", ".api.regrouped_jobs ")
        .replace(f".api.{tag_package.name}.", ".api.regrouped_jobs.")
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        check=False,
        # tmp_path first: its aigenstudio_client shadows the working tree's.
        env={"PYTHONPATH": f"{tmp_path}:{ROOT / 'overrides'}", "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["aigenstudio_client.api.regrouped_jobs.list_product_photo_jobs", "1"]


def test_raise_on_unexpected_status_clients_get_typed_errors_too() -> None:
    # A generated client built with raise_on_unexpected_status=True raises UnexpectedStatus for
    # the undocumented 429; the helpers turn it into the same RateLimitError as elsewhere.
    transport = httpx.MockTransport(lambda request: envelope(429, "rate_limited", "slow down"))
    client = AuthenticatedClient(
        base_url=BASE_URL, token=API_KEY, raise_on_unexpected_status=True, httpx_args={"transport": transport}
    )
    with pytest.raises(RateLimitError) as info:
        next(iter_jobs(client))
    assert info.value.code == "rate_limited"
    assert isinstance(info.value.__cause__, UnexpectedStatus)


def test_undocumented_2xx_is_a_response_validation_error() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(202, json={"accepted": True}))
    client = AuthenticatedClient(base_url=BASE_URL, token=API_KEY, httpx_args={"transport": transport})
    with pytest.raises(APIResponseValidationError, match="HTTP 202") as info:
        next(iter_jobs(client))
    assert info.value.body == {"accepted": True}


@pytest.mark.parametrize(
    ("failure", "expected"), [(httpx.ConnectError, APIConnectionError), (httpx.ReadTimeout, APITimeoutError)]
)
def test_bare_client_transport_errors_are_typed(
    failure: type[httpx.TransportError], expected: type[Exception]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise failure("network down", request=request)

    client = AuthenticatedClient(
        base_url=BASE_URL, token=API_KEY, httpx_args={"transport": httpx.MockTransport(handler)}
    )
    with pytest.raises(expected) as info:
        next(iter_jobs(client))
    assert type(info.value) is expected
    assert isinstance(info.value.__cause__, failure)


def test_a_bare_clients_deeply_nested_2xx_body_is_a_typed_error_not_a_recursion_error() -> None:
    import httpx
    from aigenstudio import APIResponseValidationError, iter_jobs

    deep = b"[" * 100_000 + b"]" * 100_000

    def nested(request: httpx.Request) -> httpx.Response:
        return httpx.Response(202, content=deep, headers={"content-type": "application/json"})

    transport = httpx.MockTransport(nested)
    client = AuthenticatedClient(base_url=BASE_URL, token=API_KEY, httpx_args={"transport": transport})
    with pytest.raises(APIResponseValidationError) as caught:
        list(iter_jobs(client))
    assert caught.value.body is None
