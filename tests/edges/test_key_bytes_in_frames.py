"""A key passed with the wrong type (bytes read from a secrets file, a bytearray) is still the
key: refusing it must not leave its bytes in a frame local that Sentry, ``rich`` or
``traceback`` with ``capture_locals=True`` record.

Before: ``Client(b"aigen_live_...")`` and ``verify_webhook(body, headers, b"...")`` raised a
ConfigurationError whose traceback held the key's bytes in ``__init__``'s ``key`` and
``verify_webhook``'s ``concealed`` locals (``conceal`` wrapped only a str).
"""

from __future__ import annotations

import pytest
from aigenstudio import AsyncClient, Client, ConfigurationError, verify_webhook

from tests.client.conftest import SANDBOX_KEY
from tests.edges.test_secret_edges import assert_no_secret_in_locals

_WRONG_TYPED_KEYS = [SANDBOX_KEY.encode(), bytearray(SANDBOX_KEY.encode()), memoryview(SANDBOX_KEY.encode())]


@pytest.mark.parametrize("cls", [Client, AsyncClient])
@pytest.mark.parametrize("key", _WRONG_TYPED_KEYS, ids=lambda key: type(key).__name__)
def test_a_bytes_key_refused_by_the_client_stays_out_of_frame_locals(
    cls: type[Client] | type[AsyncClient], key: object
) -> None:
    with pytest.raises(ConfigurationError, match=f"got {type(key).__name__}") as caught:
        cls(key, base_url="https://api.example.com/api/v1")  # type: ignore[arg-type]
    assert_no_secret_in_locals(caught.value)


@pytest.mark.parametrize("key", _WRONG_TYPED_KEYS, ids=lambda key: type(key).__name__)
def test_a_bytes_key_refused_by_webhook_verification_stays_out_of_frame_locals(key: object) -> None:
    headers = {
        "X-Aigen-Signature": "v1=" + "0" * 64,
        "X-Aigen-Timestamp": "1700000000",
        "X-Aigen-Event-Id": "e",
    }
    with pytest.raises(ConfigurationError) as caught:
        verify_webhook(b"{}", headers, key, now=1700000000)  # type: ignore[arg-type]
    assert_no_secret_in_locals(caught.value)
