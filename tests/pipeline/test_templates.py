"""Our template overrides are tied to the pinned generator's templates they were derived from."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openapi_python_client

ROOT = Path(__file__).resolve().parents[2]
OVERRIDES = ROOT / "overrides" / "templates"
UPSTREAM = Path(openapi_python_client.__file__).parent / "templates"


def _recorded() -> dict[str, str]:
    lines = (OVERRIDES / "UPSTREAM.sha256").read_text().splitlines()
    return {name: digest for digest, name in (line.split() for line in lines if line and line[0] != "#")}


def test_every_override_records_its_upstream_template() -> None:
    overrides = {p.relative_to(OVERRIDES).as_posix() for p in OVERRIDES.rglob("*.jinja")}
    assert overrides == set(_recorded())


def test_pinned_generator_templates_are_the_ones_we_derived_from() -> None:
    # A failure here means the generator upgrade changed a template we override:
    # re-derive overrides/templates/<name> from the new upstream file, then update the hash.
    for name, digest in _recorded().items():
        actual = hashlib.sha256((UPSTREAM / name).read_bytes()).hexdigest()
        assert actual == digest, f"upstream template {name} changed; re-derive our override"


def test_enum_property_override_differs_from_upstream_only_in_the_construct_call() -> None:
    ours = (OVERRIDES / "property_templates" / "enum_property.py.jinja").read_text()
    upstream = (UPSTREAM / "property_templates" / "enum_property.py.jinja").read_text()
    assert ours == upstream.replace(
        "{{ property.class_info.name }}({{ source }})",
        "{{ property.class_info.name }}.from_api_value({{ source }})",
    )
