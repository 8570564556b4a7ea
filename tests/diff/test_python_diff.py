"""The Python-surface differ on tiny hand-written packages (no generator run: fast and exact)."""

from __future__ import annotations

from pathlib import Path

from tools.apidiff.http_diff import Change, Severity
from tools.apidiff.python_diff import diff_python, find_usages

B, N = Severity.BREAKING, Severity.NON_BREAKING

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


def _diff(tmp_path: Path, new_files: dict[str, str]) -> list[tuple[str, Severity, str]]:
    old = _package(tmp_path / "old", OLD)
    new = _package(tmp_path / "new", new_files)
    return sorted((c.kind, c.severity, c.location) for c in diff_python(old, new))


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
