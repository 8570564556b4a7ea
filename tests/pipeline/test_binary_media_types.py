"""Bytes media types (issue 22, item 1): a spec answering or taking any binary media type
generates with no hand edit; each such success is a streamed download (tools/media_types.py)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.media_types import binary_media_types, derived_config, first_media_type_is_bytes, is_bytes

from .conftest import RepoCopy

ROOT = Path(__file__).resolve().parents[2]
BINARY = {"schema": {"type": "string", "format": "binary"}}
ERROR = {"$ref": "#/components/responses/InvalidApiKey"}

# (media types of the 200 answer in the spec's order, whether it is a download)
RESPONSES: dict[str, tuple[dict[str, Any], bool]] = {
    "png": ({"image/png": BINARY}, True),
    "png_then_webp": ({"image/png": BINARY, "image/webp": BINARY}, True),
    "any_image": ({"image/*": BINARY}, True),
    "pdf": ({"application/pdf": BINARY}, True),
    "zip": ({"application/zip": BINARY}, True),
    "octet": ({"application/octet-stream": BINARY}, True),
    "audio": ({"audio/mpeg": BINARY}, True),
    "video": ({"video/mp4": {}}, True),  # no schema at all (common in 3.1 specs)
    "anything": ({"*/*": BINARY}, True),
    "csv_export": ({"text/csv": BINARY}, True),
    "plain_text": ({"text/plain": {"schema": {"type": "string"}}}, False),
    "json_then_png": ({"application/json": {"schema": {"type": "object"}}, "image/png": BINARY}, False),
    "png_then_json": ({"image/png": BINARY, "application/json": {"schema": {"type": "object"}}}, True),
}
# Request bodies: (media type) -> the body is a File.
UPLOADS = {"upload_png": "image/png", "upload_octet": "application/octet-stream", "upload_any": "*/*"}


def _spec() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    for name, (content, _) in RESPONSES.items():
        document["paths"][f"/media/{name}/{{mediaId}}"] = {
            "get": {
                "operationId": f"get_{name}",
                "parameters": [
                    {"name": "mediaId", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {"description": "The bytes.", "content": copy.deepcopy(content)},
                    "401": ERROR,
                },
            }
        }
    for name, media_type in UPLOADS.items():
        document["paths"][f"/uploads/{name}"] = {
            "post": {
                "operationId": name,
                "requestBody": {"required": True, "content": {media_type: copy.deepcopy(BINARY)}},
                "responses": {"204": {"description": "Stored."}, "401": ERROR},
            }
        }
    return document


@pytest.mark.parametrize(
    ("media_type", "media", "expected"),
    [
        ("image/png", None, True),
        ("Image/PNG; q=1", None, True),
        ("application/pdf", None, True),
        ("*/*", None, True),
        ("application/vnd.api+json", None, False),
        ("application/json; charset=utf-8", None, False),
        ("multipart/form-data", None, False),
        ("application/x-www-form-urlencoded", None, False),
        ("text/plain", {"schema": {"type": "string"}}, False),
        ("text/csv", {"schema": {"type": "string", "format": "binary"}}, True),
        ("text/csv", {}, False),
    ],
)
def test_which_media_types_are_bytes(media_type: str, media: Any, expected: bool) -> None:
    assert is_bytes(media_type, media) is expected


def test_the_derived_config_overrides_every_bytes_type_of_the_spec_and_keeps_the_rest() -> None:
    document = _spec()
    config = derived_config(ROOT / "generator-config.yaml", document)
    wanted = {"image/png", "image/webp", "image/*", "application/pdf", "application/zip", "audio/mpeg"}
    wanted |= {"video/mp4", "*/*", "text/csv"}
    assert set(binary_media_types(document)) == wanted  # the generator reads octet-stream itself
    assert config["content_type_overrides"] == dict.fromkeys(sorted(wanted), "application/octet-stream")
    assert config["package_name_override"] == "aigenstudio_client"
    assert first_media_type_is_bytes({"application/json": {}, "image/png": {}}) is False


def test_the_pinned_generator_alone_refuses_a_bytes_response(repo: RepoCopy, tmp_path: Path) -> None:
    """What the derived config fixes: with generator-config.yaml as written, nothing is generated."""
    from tools.generate import generator_command

    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(_spec(), sort_keys=False))
    done = subprocess.run(
        generator_command(spec, tmp_path / "out", repo.root), capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "Unsupported content_type" in done.stdout + done.stderr


def test_every_bytes_media_type_generates_a_streamed_download(repo: RepoCopy, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(_spec(), sort_keys=False))
    done = repo.run("generate", "--spec", str(spec))
    assert done.returncode == 0, done.stdout + done.stderr
    contract = json.loads((repo.package / "contract.json").read_text())
    downloads = {
        op["module"]: bool(op["responses"]["200"].get("download"))
        for op in contract["operations"].values()
        if op["path"].startswith("/media/")
    }
    assert downloads == {f"get_{name}": is_download for name, (_, is_download) in RESPONSES.items()}
    # A download's body is never checked as JSON, whatever is listed after its bytes type.
    assert [
        op["responses"]["200"]["schema"]
        for op in contract["operations"].values()
        if op["module"] == "get_png_then_json"
    ] == [None]
    facade = (repo.package / "resources.py").read_text()
    for name, (_, is_download) in RESPONSES.items():
        returns = _facade_return(facade, f"get_{name}")
        assert (returns == "BinaryResponse") is is_download, (name, returns)
    for name in UPLOADS:
        module = (repo.package / "api" / "default" / f"{name}.py").read_text()
        assert "body: File" in module
    typed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "mypy"),
            "aigenstudio_client",
        ],
        cwd=repo.root / "generated",
        capture_output=True,
        text=True,
        check=False,
    )
    assert typed.returncode == 0, typed.stdout + typed.stderr


def _facade_return(facade: str, module: str) -> str:
    """The annotation of the sync facade method that calls generated module ``module``."""
    marker = f"(``{module}``)"
    head = facade[: facade.index(marker)]
    signature = head[head.rindex("    def ") :]
    return signature.split(") -> ", 1)[1].split(":", 1)[0].strip()
