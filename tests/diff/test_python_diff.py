"""The Python-surface differ on tiny hand-written packages (no generator run: fast and exact),
and once on a real generation to show the resource facade is part of the surface."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.diff.conftest import V1_SPEC
from tests.diff.small_specs import CAT, DOG, http_changes, ref, spec_doc
from tools.apidiff.http_diff import diff_http
from tools.apidiff.loader import load_spec, resolve
from tools.apidiff.python_diff import diff_python, find_usages, generate_pair, union_order_changes
from tools.apidiff.review import Review
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


# --- a oneOf/anyOf branch reorder is a Python-side break -----------------------------------


def _owner(branches: list[Any], key: str = "oneOf") -> dict[str, Any]:
    owner = {"type": "object", "properties": {"pet": {key: branches}, "pets": {"items": {key: branches}}}}
    return spec_doc({"Cat": CAT, "Dog": DOG, "Owner": owner})


def test_a_reordered_one_of_is_a_breaking_python_change() -> None:
    old, new = _owner([ref("Cat"), ref("Dog")]), _owner([ref("Dog"), ref("Cat")])
    changes = union_order_changes(resolve(old), resolve(new))
    assert [(c.kind, c.level, c.location) for c in changes] == [
        ("union-order-changed", B, "Owner.pet"),
        ("union-order-changed", B, "Owner.pets[]"),
    ]
    assert "Cat, Dog -> Dog, Cat" in changes[0].message
    # The wire is the same: oasdiff reports nothing, nor does the HTTP side.
    assert http_changes(old, new) == []
    assert union_order_changes(resolve(old), resolve(old)) == []


def test_inline_object_branches_reordered_are_found_bare_primitives_are_not() -> None:
    cat, dog = copy.deepcopy(CAT), copy.deepcopy(DOG)
    old, new = _owner([cat, dog], "anyOf"), _owner([dog, cat], "anyOf")
    assert [c.location for c in union_order_changes(resolve(old), resolve(new))] == [
        "Owner.pet (anyOf)",
        "Owner.pets[] (anyOf)",
    ]
    # [integer, string] -> [string, integer]: the generated code does not change (a cast).
    primitives = [{"type": "integer"}, {"type": "string"}]
    old, new = _owner(primitives), _owner(primitives[::-1])
    assert union_order_changes(resolve(old), resolve(new)) == []
    # An added branch is the HTTP side's (one-of-added); the kept ones keep their order.
    old, new = _owner([ref("Cat")]), _owner([ref("Dog"), ref("Cat")])
    assert union_order_changes(resolve(old), resolve(new)) == []


@pytest.mark.slow
def test_a_reordered_one_of_breaks_the_generated_review(tmp_path: Path) -> None:
    """oneOf [ProductPhotoJob, ProductPhotoJobSummary] reversed: the model tries the summary
    first, so a full job parses into ProductPhotoJobSummary. Named by its generated class."""
    spec = yaml.safe_load(V1_SPEC.read_text(encoding="utf-8"))
    job = spec["components"]["schemas"]["ProductPhotoJobStatusResponse"]["properties"]
    job["job"] = {"oneOf": [ref("ProductPhotoJob"), ref("ProductPhotoJobSummary")]}
    old_spec = tmp_path / "old.yaml"
    old_spec.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    job["job"] = {"oneOf": [ref("ProductPhotoJobSummary"), ref("ProductPhotoJob")]}
    new_spec = tmp_path / "new.yaml"
    new_spec.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    old_package, new_package = generate_pair(old_spec, new_spec, tmp_path / "gen")
    changes = diff_python(old_package, new_package, (load_spec(old_spec), load_spec(new_spec)))
    assert [(c.kind, c.level, c.location) for c in changes] == [
        (
            "union-order-changed",
            B,
            "aigenstudio_client.models.product_photo_job_status_response.ProductPhotoJobStatusResponse.job",
        )
    ]
    review = Review("old", "new", diff_http(load_spec(old_spec), load_spec(new_spec)), changes)
    assert (review.bump(), review.exit_code()) == ("major", 1)


# --- attrs model constructors ----------------------------------------------------------

_MODEL = (
    "from attrs import define as _attrs_define\nfrom attrs import field as _attrs_field\n\n"
    "UNSET = object()\n\n@_attrs_define\nclass Item:\n{body}"
    "    additional_properties: dict = _attrs_field(init=False, factory=dict)\n\n"
    "    def to_dict(self) -> dict:\n        return {{}}\n"
)


def _models(tmp_path: Path, old_body: str, new_body: str) -> list[tuple[str, Level, str]]:
    folders = []
    for side, body in (("old", old_body), ("new", new_body)):
        package = tmp_path / side / "pkg"
        (package / "models").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "models" / "__init__.py").write_text("")
        (package / "models" / "item.py").write_text(_MODEL.format(body=body))
        folders.append(package)
    return sorted((c.kind, c.level, c.location) for c in diff_python(folders[0], folders[1]))


BASE = "    id: str\n    sku: str | None = UNSET\n"


def test_a_model_field_that_becomes_required_is_a_python_break(tmp_path: Path) -> None:
    became = "    id: str\n    sku: str\n"
    assert _models(tmp_path, BASE, became) == [("field-became-required", B, "pkg.models.item.Item(sku)")]


def test_a_new_required_model_field_is_a_python_break(tmp_path: Path) -> None:
    added = "    id: str\n    name: str\n    sku: str | None = UNSET\n"
    assert _models(tmp_path, BASE, added) == [("required-field-added", B, "pkg.models.item.Item(name)")]


def test_model_field_removed_optional_or_reordered(tmp_path: Path) -> None:
    assert _models(tmp_path / "a", BASE, "    id: str\n") == [
        ("attribute-removed", B, "pkg.models.item.Item.sku")
    ]
    assert _models(tmp_path / "b", BASE, "    id: str | None = UNSET\n    sku: str | None = UNSET\n") == [
        ("field-became-optional", N, "pkg.models.item.Item(id)")
    ]
    assert _models(tmp_path / "c", "    a: str\n    b: str\n", "    b: str\n    a: str\n") == [
        ("field-moved", B, "pkg.models.item.Item")
    ]
    # A new optional field is a feature, not a break.
    assert _models(tmp_path / "d", BASE, BASE + "    note: str | None = UNSET\n") == [
        ("attribute-added", N, "pkg.models.item.Item.note")
    ]
