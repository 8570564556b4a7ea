"""Regenerate generated/aigenstudio_client from openapi.yaml, atomically and reproducibly.

Usage (normally through make):
    python tools/generate.py generate [--spec OTHER.yaml]   # validate, generate, swap in
    python tools/generate.py check                           # drift check, changes nothing

The spec is validated first (openapi-spec-validator), the generator runs into a temporary
directory next to generated/, and only a successful run replaces generated/aigenstudio_client.
A stamp (spec, config, templates, generator version and the output tree hashes) lets a
no-change run return at once.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script (make generate): make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.contract import ContractError, compile_contract, dumps
from tools.facade import FacadeError, load_document, render_facade
from tools.media_types import derived_config

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "aigenstudio_client"
SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "generator-config.yaml"
TEMPLATES = ROOT / "overrides" / "templates"
GENERATED = ROOT / "generated"
STAMP = ROOT / ".venv" / "generate.stamp"
CONTRACT_NAME = "contract.json"
CONTRACT_COMPILER = ROOT / "tools" / "contract.py"
MEDIA_TYPES = ROOT / "tools" / "media_types.py"
FACADE_NAME = "resources.py"
FACADE_RENDERER = ROOT / "tools" / "facade.py"
# The OpenAPI versions the pinned generator reads (openapi-python-client: 3.0 and 3.1).
SUPPORTED_OPENAPI = re.compile(r"3\.[01]\.\d+")


class SpecError(Exception):
    """The spec cannot be generated from; the message names the file and the problem."""


def _walk(node: object, path: str = "$") -> Iterator[tuple[str, object]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if str(key).isidentifier() else f"{path}['{key}']")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")


def check_spec_file(spec: Path, label: str | None = None) -> None:
    """SpecError (one line naming the file) unless `spec` is a file this process can read."""
    name = label or str(spec)
    if str(spec) in ("", "."):
        raise SpecError("no spec given: name the file, e.g. make generate SPEC=path/to/openapi.yaml")
    if spec.is_dir():
        raise SpecError(f"{name}: cannot read the spec: it is a directory, not a file")
    if not spec.exists():
        raise SpecError(f"{name}: cannot read the spec: no such file")
    try:
        with spec.open("rb") as readable:
            readable.read(1)
    except OSError as exc:
        raise SpecError(f"{name}: cannot read the spec: {exc.strerror or exc}") from exc


def read_spec_document(spec: Path, label: str | None = None) -> object:
    """Parse the YAML at `spec`; SpecError names `label` (default: the path) and the line."""
    import yaml

    name = label or str(spec)
    check_spec_file(spec, label)
    try:
        text = spec.read_bytes().decode("utf-8")
    except OSError as exc:
        raise SpecError(f"{name}: cannot read the spec: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise SpecError(f"{name}: not UTF-8 text (invalid byte at offset {exc.start})") from exc
    try:
        # libyaml when available: ~10x faster, same result.
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        position = getattr(exc, "position", None)  # a ReaderError (a control character) has no mark
        if not where and isinstance(position, int):
            where = f" (character {position + 1})"
        raise SpecError(f"{name}{where}: invalid YAML: {problem.splitlines()[0]}") from exc


def validate_spec(spec: Path) -> dict[str, Any]:
    """The parsed spec; SpecError names the file and the JSON path of the first problem."""
    from openapi_spec_validator import validate
    from referencing.exceptions import Unresolvable

    document = read_spec_document(spec)
    if not isinstance(document, dict):
        raise SpecError(f"{spec}: not an OpenAPI document (top level is not a mapping)")
    check_openapi_version(spec, document)
    _refuse_non_string_keys(spec, document)
    try:
        validate(document)
        return document
    except Unresolvable as exc:
        ref = str(getattr(exc, "ref", None) or str(exc).split(" does not exist")[0].strip("'"))
        target = ref if ref.startswith("#") else f"#{ref}"
        sites = [path for path, n in _walk(document) if isinstance(n, dict) and n.get("$ref") == target]
        at = f" at {sites[0]}.$ref" if sites else ""
        raise SpecError(f"{spec}{at}: unresolvable $ref {target!r} (no such component)") from exc
    except Exception as exc:  # jsonschema ValidationError and friends
        json_path = getattr(exc, "json_path", "$")
        # The first line: openapi-spec-validator's jsonschema-rs backend appends the schema path.
        message = str(getattr(exc, "message", exc)).split("\n", 1)[0]
        raise SpecError(f"{spec} at {json_path}: {message}") from exc


def _refuse_non_string_keys(spec: Path, document: dict[Any, Any]) -> None:
    """A mapping key YAML reads as a number or date (unquoted `200:`) is refused at its place:
    the pinned generator accepts string keys only (`make diff` reads such specs anyway)."""
    for path, node in _walk(document):
        if isinstance(node, dict):
            for key in node:
                if not isinstance(key, str):
                    kind = type(key).__name__
                    raise SpecError(
                        f"{spec} at {path}: the key {key!r} is not a string (YAML reads it as {kind}); "
                        f"quote it ('{key}': ...)"
                    )


def check_openapi_version(spec: Path, document: dict[Any, Any]) -> None:
    """SpecError (one line naming the file) unless `document` declares OpenAPI 3.0 or 3.1."""
    version = document.get("openapi")
    if version is None:
        if "swagger" in document:
            raise SpecError(
                f"{spec}: a Swagger {document['swagger']} document, not OpenAPI 3.x "
                "(convert it to OpenAPI 3.0 or 3.1 first)"
            )
        raise SpecError(f"{spec}: not an OpenAPI 3.x document (no top-level 'openapi' field)")
    if isinstance(version, int | float) and not isinstance(version, bool):
        raise SpecError(
            f"{spec}: 'openapi: {version}' is a number; write the full version, e.g. openapi: 3.1.0"
        )
    if not isinstance(version, str) or not SUPPORTED_OPENAPI.fullmatch(version):
        shown = version if isinstance(version, str) and version.isprintable() else repr(version)
        raise SpecError(
            f"{spec}: 'openapi: {shown[:40]}' is not OpenAPI 3.0 or 3.1 "
            "(the versions the pinned generator reads)"
        )


def generator_command(spec: Path, output: Path, root: Path = ROOT, config: Path | None = None) -> list[str]:
    """The openapi-python-client call, with the config (default: the checkout's at `root`,
    else the one derived for the spec, see `write_derived_config`) and templates of `root`."""
    return [
        str(Path(sys.executable).parent / "openapi-python-client"),
        "generate",
        "--path", str(spec),
        "--config", str(config or root / CONFIG.relative_to(ROOT)),
        "--custom-template-path", str(root / TEMPLATES.relative_to(ROOT)),
        "--meta", "none",
        "--output-path", str(output),
        "--fail-on-warning",
    ]  # fmt: skip


def write_derived_config(spec: Path, workdir: Path) -> Path:
    """generator-config.yaml plus a `content_type_overrides` entry for every bytes media type
    of `spec` (tools/media_types.py), written into `workdir`: the generator reads an
    `image/png` or `application/pdf` response as a File instead of refusing the spec."""
    import yaml

    document = read_spec_document(spec)
    config = derived_config(CONFIG, document if isinstance(document, dict) else {})
    path = workdir / "generator-config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=True, allow_unicode=True), encoding="utf-8")
    return path


def _start_generator(spec: Path, output: Path) -> subprocess.Popen[str]:
    venv_bin = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=venv_bin + os.pathsep + os.environ.get("PATH", ""))
    command = generator_command(spec, output, config=write_derived_config(spec, output.parent))
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def generate_into(spec: Path, workdir: Path) -> Path:
    """Validate `spec` and generate the package into workdir; returns the package path.

    The generator runs while the spec is validated (validation alone costs about half a
    generator run) and the resource facade is rendered; their output is used only when
    validation passed and the generator succeeded.
    """
    output = workdir / PACKAGE
    generator = _start_generator(spec, output)
    facade: str | Exception
    try:
        document = validate_spec(spec)
        contract = compile_contract(document)
        # The resource facade (client.<resource>.<verb>), from the generator's own parse of the
        # spec. A failure counts once the generator succeeded: for a spec the generator
        # refuses, its own message says more.
        try:
            facade = render_facade(load_document(spec), spec)
        except Exception as exc:
            facade = exc
    except ContractError as exc:
        generator.kill()
        generator.communicate()
        raise SpecError(f"{spec}: cannot compile the runtime contract: {exc}") from exc
    except BaseException:
        generator.kill()
        generator.communicate()
        raise
    log, _ = generator.communicate()
    if generator.returncode != 0 or not (output / "__init__.py").is_file():
        raise SpecError(f"{spec}: the generator failed:\n{log}".rstrip())
    if isinstance(facade, FacadeError):
        raise SpecError(f"{spec}: cannot render the resource facade: {facade}") from facade
    if isinstance(facade, Exception):
        raise facade
    # The runtime's view of the spec, beside the code generated from it (covered by `check`).
    (output / CONTRACT_NAME).write_text(dumps(contract), encoding="utf-8")
    (output / FACADE_NAME).write_text(facade, encoding="utf-8")
    return output


def _tree_files(root: Path) -> dict[str, Path]:
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for rel, path in _tree_files(root).items():
        digest.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def compare_trees(expected: Path, actual: Path) -> list[str]:
    """Lines describing how `actual` differs from `expected` (empty when identical)."""
    want, have = _tree_files(expected), _tree_files(actual)
    problems = [f"missing:  {rel}" for rel in sorted(want.keys() - have.keys())]
    problems += [f"stray:    {rel}" for rel in sorted(have.keys() - want.keys())]
    problems += [
        f"modified: {rel}"
        for rel in sorted(want.keys() & have.keys())
        if not filecmp.cmp(want[rel], have[rel], shallow=False)
    ]
    return problems


def _inputs_digest(spec: Path) -> str:
    digest = hashlib.sha256()
    digest.update(metadata.version("openapi-python-client").encode())
    digest.update(metadata.version("ruff").encode())
    templates = sorted(p for p in TEMPLATES.rglob("*") if p.is_file())  # the facade template too
    for path in [spec, CONFIG, CONTRACT_COMPILER, FACADE_RENDERER, MEDIA_TYPES, *templates]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def command_generate(spec: Path) -> int:
    check_spec_file(spec)
    target = GENERATED / PACKAGE
    if target.exists() and not target.is_dir():
        raise SpecError(f"{target.relative_to(ROOT)}: is not a directory (remove it, then make generate)")
    stamp = _inputs_digest(spec)
    if target.is_dir() and STAMP.is_file() and STAMP.read_text() == f"{stamp}\n{tree_digest(target)}\n":
        if spec.resolve() != SPEC.resolve() and spec.read_bytes() != SPEC.read_bytes():
            shutil.copyfile(spec, SPEC)
        print(f"generated/{PACKAGE} is up to date with {spec.name} (nothing to do)")
        return 0
    GENERATED.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".generate-", dir=ROOT) as work:
        fresh = generate_into(spec, Path(work))
        # Swap: both renames are on one filesystem; a failure above leaves target as it was.
        old = Path(work) / "previous"
        if target.exists():
            target.rename(old)
        fresh.rename(target)
    if spec.resolve() != SPEC.resolve():
        shutil.copyfile(spec, SPEC)
    STAMP.parent.mkdir(exist_ok=True)
    STAMP.write_text(f"{stamp}\n{tree_digest(target)}\n")
    print(f"generated/{PACKAGE} regenerated from {spec.name}")
    return 0


def stray_outside_package() -> list[str]:
    """Entries of generated/ besides the package: importable in a checkout, never shipped."""
    if not GENERATED.is_dir():
        return []
    return [
        f"stray:    ../{entry.name} (in generated/, outside {PACKAGE})"
        for entry in sorted(GENERATED.iterdir())
        if entry.name not in (PACKAGE, "__pycache__")
    ]


def command_check() -> int:
    check_spec_file(SPEC)
    with tempfile.TemporaryDirectory(prefix="aigen-check-") as work:
        fresh = generate_into(SPEC, Path(work))
        problems = compare_trees(fresh, GENERATED / PACKAGE) + stray_outside_package()
    if problems:
        print(f"generated/{PACKAGE} differs from what the pinned generator makes of openapi.yaml:")
        print("\n".join(f"  {line}" for line in problems))
        print("Run `make generate` (never edit generated/ by hand).")
        return 1
    print(f"generated/{PACKAGE} matches openapi.yaml")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="validate the spec and regenerate generated/")
    gen.add_argument("--spec", default=str(SPEC), help="spec to take in (copied over openapi.yaml)")
    sub.add_parser("check", help="fail if generated/ differs from a fresh generation")
    args = parser.parse_args(argv)
    # Exit codes: 0 done (or no drift), 1 drift found by check, 2 cannot run (bad spec, bad input).
    try:
        return command_generate(Path(args.spec)) if args.command == "generate" else command_check()
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
