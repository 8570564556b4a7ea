"""make generate / make check: validated, atomic, deterministic, drift-detecting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import NEXT_SPEC, ROOT, RepoCopy

pytestmark = pytest.mark.slow


def test_committed_tree_matches_a_fresh_generation(repo: RepoCopy) -> None:
    result = repo.run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "matches openapi.yaml" in result.stdout


def test_regenerating_twice_gives_identical_bytes(repo: RepoCopy) -> None:
    shutil.rmtree(repo.package)
    assert repo.run("generate").returncode == 0
    first = repo.snapshot()
    (repo.root / ".venv" / "generate.stamp").unlink()  # force real work the second time
    assert repo.run("generate").returncode == 0
    assert repo.snapshot() == first
    assert first.keys() == {
        p.relative_to(ROOT / "generated" / "aigenstudio_client").as_posix()
        for p in (ROOT / "generated" / "aigenstudio_client").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_no_change_generate_skips_work(repo: RepoCopy) -> None:
    assert repo.run("generate").returncode == 0
    again = repo.run("generate")
    assert again.returncode == 0
    assert "up to date" in again.stdout


def test_check_fails_on_a_one_character_edit(repo: RepoCopy) -> None:
    target = repo.package / "models" / "product_photo_preset.py"
    text = target.read_text()
    target.write_text(text.replace("name", "nane", 1))
    result = repo.run("check")
    assert result.returncode == 1
    assert "modified: models/product_photo_preset.py" in result.stdout


def test_check_fails_on_a_stray_file(repo: RepoCopy) -> None:
    (repo.package / "api" / "helpers.py").write_text("# hand-written\n")
    result = repo.run("check")
    assert result.returncode == 1
    assert "stray:    api/helpers.py" in result.stdout


def test_check_fails_on_a_missing_file(repo: RepoCopy) -> None:
    (repo.package / "types.py").unlink()
    result = repo.run("check")
    assert result.returncode == 1
    assert "missing:  types.py" in result.stdout


def test_hand_edit_is_undone_by_generate(repo: RepoCopy) -> None:
    original = repo.snapshot()
    (repo.package / "errors.py").write_text("# oops\n")
    assert repo.run("generate").returncode == 0  # the stamp sees the tree changed
    assert repo.snapshot() == original


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("openapi: 3.1.0\ninfo: [unclosed\n", "invalid YAML"),
        (
            (ROOT / "openapi.yaml")
            .read_text()
            .replace("#/components/schemas/ProductPhotoPreset'", "#/components/schemas/Missing'"),
            "unresolvable $ref '#/components/schemas/Missing'",
        ),
        ("openapi: 3.1.0\ninfo:\n  title: x\npaths: {}\n", "'version' is a required property"),
    ],
    ids=["invalid-yaml", "missing-ref", "schema-violation"],
)
def test_broken_spec_fails_and_leaves_generated_untouched(
    repo: RepoCopy, tmp_path: Path, broken: str, expected: str
) -> None:
    before = repo.snapshot()
    spec_before = (repo.root / "openapi.yaml").read_bytes()
    bad = tmp_path / "bad.yaml"
    bad.write_text(broken)
    result = repo.run("generate", "--spec", str(bad))
    assert result.returncode == 2
    assert str(bad) in result.stderr
    # Either validator backend's quoting (python jsonschema: 'x', jsonschema-rs: "x").
    assert expected in result.stderr.replace('"version"', "'version'")
    assert repo.snapshot() == before
    assert (repo.root / "openapi.yaml").read_bytes() == spec_before


def test_missing_ref_message_names_the_json_path(repo: RepoCopy, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (ROOT / "openapi.yaml")
        .read_text()
        .replace("#/components/schemas/ProductPhotoPreset'", "#/components/schemas/Missing'")
    )
    result = repo.run("generate", "--spec", str(bad))
    assert "$.components.schemas.ProductPhotoPresetListResponse.properties.presets.items.$ref" in (
        result.stderr
    )


def test_next_spec_regenerates_and_going_back_restores_the_tree(repo: RepoCopy) -> None:
    original = repo.snapshot()
    original_spec = (repo.root / "openapi.yaml").read_bytes()
    saved = repo.root.parent / "saved-openapi.yaml"
    saved.write_bytes(original_spec)

    result = repo.run("generate", "--spec", str(NEXT_SPEC))
    assert result.returncode == 0, result.stderr
    assert (repo.root / "openapi.yaml").read_bytes() == NEXT_SPEC.read_bytes()
    moved = repo.snapshot()
    assert "api/product_photo_jobs/create_product_photo_job.py" in moved
    assert "api/product_photo_metadata/list_product_photo_operations.py" in moved
    assert "api/product_photo_api/create_product_photo_job.py" not in moved
    assert repo.run("check").returncode == 0

    assert repo.run("generate", "--spec", str(saved)).returncode == 0
    assert repo.snapshot() == original
    assert (repo.root / "openapi.yaml").read_bytes() == original_spec
