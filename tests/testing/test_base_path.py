"""The fake answers only under the API's base path (``/api/v1``), as the real API does: a
base URL without it fails locally too (404 in the API's error envelope, naming the base path),
in the in-process transport and over loopback (``make mock``)."""

from __future__ import annotations

import json

import httpx
import pytest
from aigenstudio import APIStatusError, Client
from aigenstudio.testing import FakeAPI, FakeServer

KEY = "aigen_test_" + "base" * 6
AUTH = {"Authorization": f"Bearer {KEY}"}
# Paths outside /api/v1: the spec's paths without it, a look-alike prefix, the base nested deeper.
OUTSIDE = [
    "/product-photo-jobs",
    "/api/v1x/product-photo-jobs",
    "/v2/api/v1/product-photo-jobs",
    "/api/product-photo-jobs",
]


def _assert_not_found(response: httpx.Response, base_path: str = "/api/v1") -> None:
    assert response.status_code == 404
    body = json.loads(response.content)
    assert body["error"]["code"] == "not_found"
    assert f"the API's paths start with {base_path} " in body["error"]["message"]
    assert body["request_id"] == response.headers["x-request-id"]


@pytest.mark.parametrize("path", OUTSIDE)
def test_the_transport_answers_404_outside_the_base_path(path: str) -> None:
    fake = FakeAPI()
    request = httpx.Request("GET", f"https://api.aigenstudio.fake{path}", headers=AUTH)
    _assert_not_found(fake.transport().handle_request(request))
    assert [e[:3] for e in fake.requests] == [("GET", path, 404)]


def test_a_client_without_the_base_path_fails_against_the_transport() -> None:
    fake = FakeAPI()
    with (
        Client(
            KEY, base_url="https://api.aigenstudio.fake", transport=fake.transport(), max_retries=0
        ) as client,
        pytest.raises(APIStatusError) as raised,
    ):
        client.product_photo_jobs.create(images=[{"source_url": "https://shop.test/a.jpg"}])
    assert raised.value.status_code == 404
    assert "the API's paths start with /api/v1" in str(raised.value)
    assert fake.jobs == {}  # nothing was created (and no credits spent)


@pytest.mark.parametrize("path", OUTSIDE)
def test_the_server_answers_404_outside_the_base_path(path: str) -> None:
    with FakeServer() as server:
        response = httpx.get(f"http://127.0.0.1:{server.port}{path}", headers=AUTH)
        _assert_not_found(response)
        # ... while under the base path the same call is answered
        assert httpx.get(f"{server.base_url}/product-photo-jobs", headers=AUTH).status_code == 200


def test_a_client_without_the_base_path_fails_against_the_server() -> None:
    with FakeServer() as server:
        bare = f"http://127.0.0.1:{server.port}"
        with Client(KEY, base_url=bare, max_retries=0) as client, pytest.raises(APIStatusError) as raised:
            client.product_photo_jobs.list()
        assert raised.value.status_code == 404
        assert "the API's paths start with /api/v1" in str(raised.value)
        assert server.api.jobs == {}


def test_the_server_advertises_the_base_path_its_api_answers_under() -> None:
    with FakeServer(FakeAPI(base_url="https://api.aigenstudio.fake/v2")) as server:
        assert server.base_url == f"http://127.0.0.1:{server.port}/v2"
        assert httpx.get(f"{server.base_url}/product-photo-jobs", headers=AUTH).status_code == 200
        outside = httpx.get(f"http://127.0.0.1:{server.port}/api/v1/product-photo-jobs", headers=AUTH)
        _assert_not_found(outside, "/v2")
