"""`make distcheck`: the sdist builds a wheel that installs and works in a fresh virtualenv.

Usage (normally through make):
    python tools/distcheck.py wheelhouse --dest DIR    # download the pinned runtime wheels (network)
    python tools/distcheck.py check --wheelhouse DIR   # build, inspect, install offline, smoke-test

``check`` builds the sdist and then the wheel *from that sdist* (``python -m build``'s default,
with the pinned hatchling of this virtualenv: ``--no-isolation``), checks what both carry (the
licence, ``py.typed`` for both import packages, the changelog in the sdist, PEP 621 metadata
with Project-URLs and a classifier per tested CPython), creates a virtualenv without pip in a
temporary directory, installs the wheel into it with this environment's pip from the
wheelhouse only (``--no-index``: nothing is fetched while checking), runs a smoke test in
that interpreter, isolated from the checkout (``-I``, another working directory; see
tools/dist_smoke.py), and runs ``--help`` of each console script pyproject declares.

The wheelhouse holds the runtime dependencies at the exact versions of requirements-dev.txt,
downloaded once per virtualenv (``make`` refreshes it when the pins or pyproject.toml
change), as the bootstrap downloads the development pins: the network is used to set up,
never to check. Exits 0 when everything holds, 1 with a line per problem otherwise.
"""

from __future__ import annotations

import argparse
import email.parser
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import venv
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VERSION_FILE = ROOT / "overrides" / "aigenstudio" / "_version.py"
PINS = ROOT / "requirements-dev.txt"
SMOKE = ROOT / "tools" / "dist_smoke.py"
DISTRIBUTION = "aigenstudio"
# The CPython versions the suite runs on (make test, and .ci/run on the newest one found).
TESTED_PYTHONS = ("3.11", "3.12", "3.13")
PROJECT_URLS = ("Homepage", "Source", "Issues", "Changelog")


class DistError(Exception):
    """A step failed; the message says which and why."""


def source_version() -> str:
    """The version written in _version.py (the single place it lives)."""
    namespace: dict[str, object] = {}
    exec(VERSION_FILE.read_text(encoding="utf-8"), namespace)  # noqa: S102  # our own one-line file
    version = namespace.get("__version__")
    if not isinstance(version, str):
        raise DistError(f"{VERSION_FILE.relative_to(ROOT)}: no __version__ string")
    return version


def _project() -> dict[str, Any]:
    project: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project


def runtime_requirements() -> list[str]:
    """pyproject's [project] dependencies, as written (the wheel's Requires-Dist)."""
    return list(_project()["dependencies"])


def console_scripts() -> list[str]:
    """The commands pyproject's [project.scripts] installs."""
    return sorted(_project().get("scripts", {}))


def _run(
    command: list[str], what: str, *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd, env=env)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()
        raise DistError(f"{what} failed (exit {done.returncode}):\n{output}")
    return done


def download_wheelhouse(dest: Path) -> None:
    """The runtime dependencies' wheels at the pinned versions, into ``dest`` (uses the index).

    ``dest`` is emptied first: a wheel of a former pin must not be what gets installed.
    """
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    _run(
        [
            sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
            "--only-binary=:all:", "--dest", str(dest), "--constraint", str(PINS),
            *runtime_requirements(),
        ],
        "downloading the runtime wheels",
    )  # fmt: skip


def build(out: Path) -> tuple[Path, Path]:
    """(sdist, wheel): ``python -m build`` makes the sdist, then the wheel from the unpacked sdist."""
    _run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        "python -m build (sdist, then the wheel from the sdist)",
    )
    sdists, wheels = sorted(out.glob("*.tar.gz")), sorted(out.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        raise DistError(f"expected one sdist and one wheel in {out}, found {[p.name for p in out.iterdir()]}")
    return sdists[0], wheels[0]


def sdist_problems(sdist: Path, version: str) -> list[str]:
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    required = [
        "LICENSE",
        "CHANGELOG.md",
        "README.md",
        "pyproject.toml",
        "PKG-INFO",
        "generated/aigenstudio_client/py.typed",
        "overrides/aigenstudio/py.typed",
        "overrides/aigenstudio/_version.py",
        "generated/aigenstudio_client/contract.json",
    ]
    problems = [f"sdist: {name} is missing" for name in required if name not in names]
    if sdist.name != f"{DISTRIBUTION}-{version}.tar.gz":
        problems.append(f"sdist: named {sdist.name}, expected {DISTRIBUTION}-{version}.tar.gz")
    return problems


def wheel_problems(wheel: Path, version: str) -> list[str]:
    dist_info = f"{DISTRIBUTION}-{version}.dist-info"
    metadata_name = f"{dist_info}/METADATA"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata_text = archive.read(metadata_name).decode() if metadata_name in names else ""
    required = ["aigenstudio/py.typed", "aigenstudio_client/py.typed", f"{dist_info}/licenses/LICENSE"]
    problems = [f"wheel: {name} is missing" for name in required if name not in names]
    if not metadata_text:
        return [*problems, f"wheel: {metadata_name} is missing (version {version} expected)"]
    meta = email.parser.Parser().parsestr(metadata_text)
    if meta["Version"] != version:
        problems.append(f"wheel: METADATA Version {meta['Version']}, _version.py says {version}")
    if meta["License-Expression"] != "MIT":
        problems.append(f"wheel: License-Expression {meta['License-Expression']!r}, expected 'MIT'")
    urls = {value.split(",", 1)[0].strip() for value in meta.get_all("Project-URL") or []}
    problems += [f"wheel: no Project-URL {label!r}" for label in PROJECT_URLS if label not in urls]
    classifiers = set(meta.get_all("Classifier") or [])
    problems += [
        f"wheel: no classifier for CPython {python}"
        for python in TESTED_PYTHONS
        if f"Programming Language :: Python :: {python}" not in classifiers
    ]
    if "Typing :: Typed" not in classifiers:
        problems.append("wheel: no 'Typing :: Typed' classifier")
    return problems


def install_fresh(wheel: Path, wheelhouse: Path, target: Path) -> Path:
    """A new virtualenv at ``target`` with only the wheel and its dependencies; its python."""
    venv.EnvBuilder(with_pip=False, clear=True).create(target)
    python = target / "bin" / "python"
    _run(
        [
            sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
            "--disable-pip-version-check", "--no-index", "--find-links", str(wheelhouse),
            "--only-binary=:all:", str(wheel),
        ],
        f"installing {wheel.name} into a fresh virtualenv from {wheelhouse} (offline)",
    )  # fmt: skip
    return python


def smoke(python: Path, version: str, workdir: Path) -> str:
    """Run tools/dist_smoke.py in the fresh interpreter, away from the checkout, then each
    console script's ``--help``."""
    env = {"PATH": "/usr/bin:/bin"}
    done = _run(
        [str(python), "-I", str(SMOKE), version],
        "the smoke test in the fresh virtualenv",
        cwd=workdir,
        env=env,
    )
    for script in console_scripts():
        _run(
            [str(python.parent / script), "--help"],
            f"`{script} --help` in the fresh virtualenv",
            cwd=workdir,
            env=env,
        )
    scripts = ", ".join(f"`{script} --help`" for script in console_scripts())
    return done.stdout.strip() + (f"; {scripts} ran" if scripts else "")


def command_check(wheelhouse: Path, keep: bool) -> int:
    if not wheelhouse.is_dir():
        raise DistError(f"{wheelhouse}: no wheelhouse (make distcheck downloads it first)")
    version = source_version()
    work = Path(tempfile.mkdtemp(prefix="aigen-distcheck-"))
    try:
        sdist, wheel = build(work / "dist")
        print(f"built {sdist.name} and, from it, {wheel.name}")
        problems = sdist_problems(sdist, version) + wheel_problems(wheel, version)
        if problems:
            print("\n".join(problems), file=sys.stderr)
            return 1
        print("sdist and wheel carry LICENSE, py.typed for both packages, the changelog and the metadata")
        python = install_fresh(wheel, wheelhouse, work / "venv")
        print(f"installed {wheel.name} into a fresh virtualenv (offline, from the pinned wheelhouse)")
        print(smoke(python, version, work))
    finally:
        if keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"distcheck: {DISTRIBUTION} {version} builds from its sdist, installs and works")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    download = sub.add_parser("wheelhouse", help="download the pinned runtime wheels (uses the index)")
    download.add_argument("--dest", type=Path, required=True)
    check = sub.add_parser("check", help="build sdist -> wheel, install offline in a fresh venv, smoke-test")
    check.add_argument("--wheelhouse", type=Path, required=True)
    check.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    try:
        if args.command == "wheelhouse":
            download_wheelhouse(args.dest)
            return 0
        return command_check(args.wheelhouse, args.keep)
    except DistError as exc:
        print(f"distcheck: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
