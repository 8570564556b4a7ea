"""The edges of the idempotency key rules a retry (and a second paid job) depends on: the
retry-safe key check's exact limits, derived keys for non-ASCII payloads pinned across
versions, and the vendor's length rule when no packaged contract declares one."""

from __future__ import annotations

from pathlib import Path

import pytest
from aigenstudio import RequestValidationError
from aigenstudio._contract import spec as spec_module
from aigenstudio._core.errors import ConfigurationError
from aigenstudio._http.idempotency import (
    idempotency_key_for,
    is_valid_idempotency_key,
    validate_idempotency_key,
)

# Pinned like test_idempotency.GOLDEN: the canonical JSON keeps non-ASCII text as UTF-8
# (ensure_ascii=False); escaping it instead would change this key and a re-run would pay twice.
NON_ASCII_GOLDEN = "idem_37c973809b089c22b64ffd0efb691be950edd408924d4dad606d8240025cade0"


def test_a_derived_key_for_a_non_ascii_payload_is_pinned() -> None:
    payload = {"images": [{"external_id": "café-№1"}], "note": "数字"}
    assert idempotency_key_for("catalogue-été/lot-1", payload) == NON_ASCII_GOLDEN


@pytest.mark.parametrize(
    ("key", "valid"),
    [
        ("k" * 7, False),
        ("k" * 8, True),
        ("k" * 160, True),
        ("k" * 161, False),
        ("order 42 / batch 3", True),  # an inner space is printable ASCII
        ("tilde~~~", True),  # "~" is the last printable ASCII character
        ("key\x7fdelete", False),  # DEL is just past it
        ("key\x1fcontrol", False),  # the unit separator just before the space
        ("clé-12345", False),
        (" leading-space", False),
        ("trailing-space ", False),
        (12345678, False),
        (None, False),
    ],
)
def test_the_retry_safe_key_check_at_its_edges(key: object, valid: bool) -> None:
    assert is_valid_idempotency_key(key) is valid


def _no_contract() -> spec_module.Spec:
    raise ConfigurationError("aigenstudio_client/contract.json is missing")


@pytest.mark.parametrize("missing", ["contract", "header"])
def test_without_a_declared_header_the_vendor_length_rule_applies(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    if missing == "contract":
        monkeypatch.setattr(spec_module, "load_spec", _no_contract)
    else:
        spec = spec_module.load_spec()
        monkeypatch.setattr(spec_module, "load_spec", lambda: spec)
        monkeypatch.setattr(type(spec), "header_parameter", lambda self, name: None)
    assert validate_idempotency_key("k" * 8) == "k" * 8
    assert validate_idempotency_key("k" * 160) == "k" * 160
    for bad, length in (("k" * 7, 7), ("k" * 161, 161)):
        with pytest.raises(RequestValidationError) as caught:
            validate_idempotency_key(bad)
        assert caught.value.field == "idempotency_key"
        assert caught.value.limit == "8-160 characters"
        assert str(caught.value).endswith(f"idempotency_key: must be 8-160 characters (got {length})")
    with pytest.raises(RequestValidationError) as caught:
        validate_idempotency_key("idem_abc\r\nX-Evil: 1")
    assert caught.value.limit.startswith("no control characters")


def test_a_spec_allowing_longer_keys_is_followed_over_the_vendor_rule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import yaml

    from tools.contract import compile_contract

    document = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text())
    document["components"]["parameters"]["IdempotencyKey"]["schema"]["maxLength"] = 200
    longer = spec_module.build_spec(compile_contract(document))
    monkeypatch.setattr(spec_module, "load_spec", lambda: longer)
    assert validate_idempotency_key("k" * 170) == "k" * 170
