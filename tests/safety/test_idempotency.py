"""Idempotency keys: random ones are unique, derived ones are stable, bad ones never leave."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aigenstudio import RequestValidationError
from aigenstudio._contract import spec as spec_module
from aigenstudio._http.idempotency import idempotency_key_for, new_idempotency_key, validate_idempotency_key
from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput
from aigenstudio_client.models.product_photo_job_create_request import ProductPhotoJobCreateRequest
from aigenstudio_client.models.product_photo_operation_id import ProductPhotoOperationId

NAMESPACE = "catalog-2024/batch-1"
PAYLOAD: dict[str, Any] = {
    "images": [{"source_url": "https://x.example/a.jpg", "external_id": "a"}],
    "operation": "marketplace_clean",
}
# Pinned: a derived key must survive SDK upgrades, or a re-run after an upgrade pays twice.
GOLDEN = "idem_c4fc713286f356657006aa10d023a99d8c12c3aa8ebfb856b642c4aef10b57ee"


def test_random_keys_are_valid_and_unique() -> None:
    keys = {new_idempotency_key() for _ in range(1000)}
    assert len(keys) == 1000
    for key in keys:
        assert re.fullmatch(r"idem_[0-9a-f]{32}", key)
        assert validate_idempotency_key(key) == key


def test_derived_key_is_sha256_of_the_canonical_json() -> None:
    canonical = json.dumps(
        ["aigenstudio.idempotency.v1", NAMESPACE, PAYLOAD], sort_keys=True, separators=(",", ":")
    )
    expected = "idem_" + hashlib.sha256(canonical.encode()).hexdigest()
    assert idempotency_key_for(NAMESPACE, PAYLOAD) == expected == GOLDEN
    assert validate_idempotency_key(GOLDEN) == GOLDEN


def test_derived_key_is_the_same_in_another_process() -> None:
    code = (
        "import json, sys; from aigenstudio._http.idempotency import idempotency_key_for;"
        "print(idempotency_key_for(sys.argv[1], json.loads(sys.argv[2])))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code, NAMESPACE, json.dumps(PAYLOAD)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert out.stdout.strip() == GOLDEN


def test_dict_key_order_does_not_matter_but_content_does() -> None:
    reordered = {
        "operation": "marketplace_clean",
        "images": [{"external_id": "a", "source_url": PAYLOAD["images"][0]["source_url"]}],
    }
    assert idempotency_key_for(NAMESPACE, reordered) == GOLDEN
    changed = {**PAYLOAD, "operation": "premium_ad"}
    assert idempotency_key_for(NAMESPACE, changed) != GOLDEN
    two = {**PAYLOAD, "images": PAYLOAD["images"] * 2}
    assert idempotency_key_for(NAMESPACE, two) != GOLDEN
    assert idempotency_key_for("catalog-2024/batch-2", PAYLOAD) != GOLDEN


def test_namespace_and_payload_cannot_be_shifted_into_each_other() -> None:
    assert idempotency_key_for("a", "bc") != idempotency_key_for("ab", "c")


def test_generated_models_hash_like_their_json_body() -> None:
    model = ProductPhotoJobCreateRequest(
        images=[ProductPhotoImageInput(source_url="https://x.example/a.jpg", external_id="a")],
        operation=ProductPhotoOperationId.MARKETPLACE_CLEAN,
    )
    assert idempotency_key_for(NAMESPACE, model) == idempotency_key_for(NAMESPACE, model.to_dict())
    assert idempotency_key_for(NAMESPACE, [model]) == idempotency_key_for(NAMESPACE, [model.to_dict()])
    other = ProductPhotoJobCreateRequest(
        images=[ProductPhotoImageInput(source_url="https://x.example/b.jpg", external_id="a")],
        operation=ProductPhotoOperationId.MARKETPLACE_CLEAN,
    )
    assert idempotency_key_for(NAMESPACE, other) != idempotency_key_for(NAMESPACE, model)


@pytest.mark.parametrize("payload", [{1, 2}, {1: "a"}, object(), float("nan")], ids=repr)
def test_payloads_without_a_canonical_form_are_refused(payload: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        idempotency_key_for(NAMESPACE, payload)


def test_namespace_is_required() -> None:
    with pytest.raises(TypeError):
        idempotency_key_for("", PAYLOAD)


@pytest.mark.parametrize(
    ("key", "limit"),
    [
        ("short", "at least 8 characters"),
        ("", "at least 8 characters"),
        ("k" * 161, "at most 160 characters"),
        ("idem_abc\r\nX-Evil: 1", "no control characters"),
        ("idem_abc\x00def", "no control characters"),
        ("idem_abc\tdef", "no control characters"),
        ("idem_clé_12345", "ASCII characters only"),
        ("         ", "no leading or trailing whitespace"),
        (" idem_abcdef", "no leading or trailing whitespace"),
    ],
)
def test_bad_keys_are_rejected_naming_field_and_limit(key: str, limit: str) -> None:
    with pytest.raises(RequestValidationError) as caught:
        validate_idempotency_key(key)
    assert caught.value.field == "idempotency_key"
    assert caught.value.limit.startswith(limit)


@pytest.mark.parametrize("key", ["k" * 8, "k" * 160, "order 42 / batch 3", "idem_" + "f" * 64])
def test_keys_at_the_limits_are_accepted(key: str) -> None:
    assert validate_idempotency_key(key) == key


def test_non_strings_are_rejected() -> None:
    with pytest.raises(RequestValidationError):
        validate_idempotency_key(12345678)  # type: ignore[arg-type]


def test_length_limits_follow_the_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    from tools.contract import compile_contract

    document = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text())
    document["components"]["parameters"]["IdempotencyKey"]["schema"]["maxLength"] = 20
    shorter = spec_module.build_spec(compile_contract(document))
    monkeypatch.setattr(spec_module, "load_spec", lambda: shorter)
    with pytest.raises(RequestValidationError) as caught:
        validate_idempotency_key("k" * 21)
    assert caught.value.limit == "at most 20 characters"
    assert validate_idempotency_key("k" * 20) == "k" * 20
