"""The smoke test `make distcheck` runs inside a fresh virtualenv that holds only the built wheel.

    python -I tools/dist_smoke.py EXPECTED_VERSION

Checks that both import packages come from that virtualenv's site-packages with their
``py.typed`` markers and the runtime contract, that ``aigenstudio.__version__``, the installed
metadata and the ``User-Agent`` agree with the version built, that the licence file is
installed, and that ``Client`` and ``AsyncClient`` make a call through their whole stack
(answered in-process by an ``httpx.MockTransport``: no network). Exits 1 naming the first
problem. Standard library, httpx and the installed packages only.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import importlib.resources
import sys
import sysconfig
from pathlib import Path

import aigenstudio
import aigenstudio_client
import httpx
from aigenstudio import AsyncClient, Client

KEY = "aigen_test_" + "distcheck" * 3
BASE_URL = "https://api.example.test/api/v1"


class SmokeError(Exception):
    pass


def check(ok: bool, problem: str) -> None:
    if not ok:
        raise SmokeError(problem)


def answer(request: httpx.Request) -> httpx.Response:
    check(request.url.path.endswith("/product-photo-operations"), f"unexpected request {request.url}")
    operation = {"id": "studio_packshot", "name": "Studio packshot", "credits_per_image": 5}
    return httpx.Response(200, json={"operations": [operation], "request_id": "req_smoke"})


def check_installation(expected: str) -> str:
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    for module in (aigenstudio, aigenstudio_client):
        where = Path(str(module.__file__)).resolve()
        check(where.is_relative_to(site), f"{module.__name__} imported from {where}, not from {site}")
        marker = importlib.resources.files(module.__name__).joinpath("py.typed")
        check(marker.is_file(), f"{module.__name__}/py.typed is not installed")
    contract = importlib.resources.files("aigenstudio_client").joinpath("contract.json")
    check(contract.is_file(), "aigenstudio_client/contract.json is not installed")
    version = aigenstudio.__version__
    installed = importlib.metadata.version("aigenstudio")
    check(
        version == installed == expected,
        f"versions disagree: __version__ {version!r}, metadata {installed!r}, built {expected!r}",
    )
    files = importlib.metadata.distribution("aigenstudio").files or []
    check(any(file.as_posix().endswith("licenses/LICENSE") for file in files), "the LICENSE is not installed")
    return installed


def check_calls(version: str) -> None:
    sent: list[httpx.Request] = []

    def recording(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answer(request)

    transport = httpx.MockTransport(recording)
    with Client(KEY, base_url=BASE_URL, transport=transport, max_retries=0) as client:
        operations = client.product_photo_operations.list()
    check(operations.operations[0].id.value == "studio_packshot", f"unexpected parse: {operations!r}")

    async def async_call() -> None:
        async with AsyncClient(KEY, base_url=BASE_URL, transport=transport, max_retries=0) as aclient:
            answered = await aclient.product_photo_operations.list()
        check(answered.request_id == "req_smoke", f"unexpected async parse: {answered!r}")

    asyncio.run(async_call())
    check(len(sent) == 2, f"{len(sent)} requests reached the transport, expected 2")
    for request in sent:
        agent = request.headers.get("User-Agent", "")
        check(agent.endswith(f"/{version}"), f"User-Agent {agent!r} does not end with /{version}")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -I tools/dist_smoke.py EXPECTED_VERSION", file=sys.stderr)
        return 2
    try:
        version = check_installation(argv[0])
        check_calls(version)
    except SmokeError as problem:
        print(f"smoke test failed: {problem}", file=sys.stderr)
        return 1
    print(
        f"smoke test passed: aigenstudio {version} and aigenstudio_client imported from the fresh "
        "virtualenv, py.typed and LICENSE installed, Client and AsyncClient calls made"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
