"""The Python-surface differ on tiny hand-written packages (no generator run: fast and exact),
and once on a real generation to show the resource facade is part of the surface."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.diff.conftest import V1_SPEC
from tools.apidiff.python_diff import diff_python, find_usages, generate_pair
from tools.apidiff.rules import Change, Level

B, N = Level.BREAKING, Level.INFO

OLD = {
    "api/__init__.py": "",
    "api/pets/__init__.py": "",
    "api/pets/list_pets.py": "def sync(*, client: object, limit: int = 20) -> list[str]:\n    return []\n",
    "api/pets/get_pet.py": "def sync(pet_id: str, *, client: object) -> str:\n    return pet_id\n",
    "models/__init__.py": "from .pet import Pet\n\n__all__ = ('Pet',)\n",
    "models/pet.py": "class Pet:\n    name: str\n    age: int\n\n    def to_dict(self) -> None: ...\n",
}


def _package(root: Path, files: dict[str, str]) -> Path:
    package = root / "pkg"
    for rel, text in {"__init__.py": "", **files}.items():
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text(text)
    return package


def _diff(tmp_path: Path, new_files: dict[str, str]) -> list[tuple[str, Level, str]]:
    old = _package(tmp_path / "old", OLD)
    new = _package(tmp_path / "new", new_files)
    return sorted((c.kind, c.level, c.location) for c in diff_python(old, new))


def test_identical_packages_have_no_changes(tmp_path: Path) -> None:
    assert _diff(tmp_path, OLD) == []


def test_required_parameter_added_is_breaking_optional_is_not(tmp_path: Path) -> None:
    new = dict(OLD)
    new["api/pets/list_pets.py"] = (
        "def sync(*, client: object, species: str, limit: int = 20, cursor: str | None = None) -> list[str]:"
        "\n    return []\n"
    )
    assert _diff(tmp_path, new) == [
        ("parameter-added", N, "pkg.api.pets.list_pets.sync(cursor)"),
        ("parameter-added-required", B, "pkg.api.pets.list_pets.sync(species)"),
    ]


def test_removed_field_and_added_field_of_a_model(tmp_path: Path) -> None:
    new = dict(OLD)
    new["models/pet.py"] = "class Pet:\n    name: str\n    owner: str\n\n    def to_dict(self) -> None: ...\n"
    assert _diff(tmp_path, new) == [
        ("attribute-added", N, "pkg.models.pet.Pet.owner"),
        ("attribute-removed", B, "pkg.models.pet.Pet.age"),
    ]


def test_removed_module_is_listed_once_and_added_module_as_new(tmp_path: Path) -> None:
    new = {k: v for k, v in OLD.items() if k != "api/pets/get_pet.py"}
    new["api/pets/delete_pet.py"] = "def sync(pet_id: str) -> None:\n    return None\n"
    assert _diff(tmp_path, new) == [
        ("module-added", N, "pkg.api.pets.delete_pet"),
        ("module-removed", B, "pkg.api.pets.get_pet"),
    ]


def test_a_tag_rename_moves_every_endpoint_module_and_griffe_still_checks_them(tmp_path: Path) -> None:
    new = {k.replace("api/pets/", "api/animals/"): v for k, v in OLD.items()}
    new["api/animals/get_pet.py"] = (
        "def sync(pet_id: str, *, client: object, deep: bool, fields: str = '') -> str:\n    return pet_id\n"
    )
    assert sorted(_diff(tmp_path, new)) == sorted(
        [
            ("module-added", N, "pkg.api.animals"),
            ("module-moved", B, "pkg.api.pets.get_pet"),
            ("module-moved", B, "pkg.api.pets.list_pets"),
            ("module-removed", B, "pkg.api.pets"),
            # The moved module's function gained a required parameter: found through the move.
            ("parameter-added-required", B, "pkg.api.animals.get_pet.sync(deep)"),
            ("parameter-added", N, "pkg.api.animals.get_pet.sync(fields)"),
        ]
    )


def test_removed_re_export_is_reported_by_griffe(tmp_path: Path) -> None:
    new = dict(OLD)
    new["models/__init__.py"] = "__all__ = ()\n"
    assert ("object-removed", B, "pkg.models.Pet") in _diff(tmp_path, new)


def test_usages_of_removed_paths_in_our_code_are_found(tmp_path: Path) -> None:
    changes = [
        Change("module-removed", B, "pkg.api.pets", "module removed"),
        Change("module-moved", B, "pkg.api.pets.get_pet", "moved to `pkg.api.animals.get_pet`"),
        Change("class-removed", B, "pkg.models.pet.Pet", "class removed"),
        Change("attribute-removed", B, "pkg.models.pet.Pet.age", "attribute removed"),
    ]
    code = tmp_path / "code.py"
    code.write_text(
        "from pkg.api.pets import get_pet\n"
        "import pkg.api.pets.get_pet as endpoint\n"
        "from pkg.models.pet import Other, Pet\n"
        "from pkg.api.petshop import x  # a different module\n"
        "age = pet.age\n"
        "    # from pkg.api.pets import get_pet  (a comment imports nothing)\n"
    )
    found = [(u.line, u.target) for u in find_usages(changes, [code], tmp_path)]
    assert found == [(1, "pkg.api.pets.get_pet"), (2, "pkg.api.pets.get_pet"), (3, "pkg.models.pet.Pet")]


FACADE = (
    "import functools\n\n"
    "class Jobs:\n    def get(self, job_id: str) -> str:\n        return job_id\n{extra}\n"
    "class SyncResources:\n    @functools.cached_property\n"
    "    def jobs(self) -> Jobs:\n        return Jobs()\n"
)


def test_resource_facade_changes_name_the_call_a_caller_writes(tmp_path: Path) -> None:
    old = _package(tmp_path / "old", {**OLD, "resources.py": FACADE.format(extra="")})
    cancel = "    def cancel(self, job_id: str) -> str:\n        return job_id\n"
    new = _package(tmp_path / "new", {**OLD, "resources.py": FACADE.format(extra=cancel)})
    changes = [(c.kind, c.level, c.location, c.message) for c in diff_python(old, new)]
    assert changes == [
        ("function-added", N, "pkg.resources.Jobs.cancel", "function added (`client.jobs.cancel`)")
    ]


@pytest.mark.slow
def test_the_generated_facade_is_part_of_the_python_surface(tmp_path: Path) -> None:
    """A new POST /product-photo-jobs/{jobId}/cancel shows as client.product_photo_jobs.cancel."""
    spec = yaml.safe_load(V1_SPEC.read_text(encoding="utf-8"))
    job = spec["paths"]["/product-photo-jobs/{jobId}"]["get"]
    spec["paths"]["/product-photo-jobs/{jobId}/cancel"] = {
        "post": {**job, "operationId": "cancelProductPhotoJob", "summary": "Cancel a job"}
    }
    new_spec = tmp_path / "cancel.yaml"
    new_spec.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    old_package, new_package = generate_pair(V1_SPEC, new_spec, tmp_path / "gen")
    changes = {c.location: c for c in diff_python(old_package, new_package)}
    cancel = changes["aigenstudio_client.resources.ProductPhotoJobs.cancel"]
    assert (cancel.kind, cancel.level) == ("function-added", N)
    assert "`client.product_photo_jobs.cancel`" in cancel.message
    raw = changes["aigenstudio_client.resources.ProductPhotoJobsWithRawResponse.cancel"]
    assert "`client.product_photo_jobs.with_raw_response.cancel`" in raw.message
    assert (
        "`async_client.product_photo_jobs.cancel`"
        in changes["aigenstudio_client.resources.AsyncProductPhotoJobs.cancel"].message
    )
    assert "aigenstudio_client.api.product_photo_api.cancel_product_photo_job" in changes
