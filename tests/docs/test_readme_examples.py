"""The README's Python blocks type-check as a user's code would (mypy --strict, pyright strict)
and run against Prism where they make calls.

Each ```python block is written to a file of its own and checked against the installed
packages; a block that fails is a README that lies about the API.

Run against Prism (marked ``prism`` and ``slow``; skipped without Node, like tests/contract):
each block runs as a script in a fresh interpreter with ``AIGENSTUDIO_API_KEY`` (a sandbox
key) and ``AIGENSTUDIO_BASE_URL`` (the mock) and must exit 0 within ``BLOCK_TIMEOUT``
seconds, and every request it sent must have passed Prism's validation (a block may catch
the error a rejected request raises). Prism answers from the spec's static examples, so an
HTML comment on the last non-blank line before a block can say what the mock cannot do:

    <!-- readme-example: no-prism (reason) -->
        not run against Prism; the test is skipped with the reason;
    <!-- readme-example: prism-timeout=SECONDS (reason) -->
        the block waits for something the mock never does (a job that stays "queued"):
        it runs for SECONDS and passes if it is still running then, has sent at least one
        request and none Prism rejected (or if it exits 0 sooner).

Any other ``readme-example:`` comment, or one without a reason, fails the test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from tools.prism import PrismServer

ROOT = Path(__file__).resolve().parents[2]
PYRIGHT = ROOT / "node_modules" / ".bin" / "pyright"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
_MARKER = re.compile(r"<!--\s*readme-example:(.*?)-->", re.DOTALL)
_MARKER_BODY = re.compile(r"\s*(?:no-prism|prism-timeout=(\d+(?:\.\d+)?))\s+\((.*\S.*)\)\s*", re.DOTALL)
_MARKER_USAGE = (
    "use <!-- readme-example: no-prism (reason) --> or "
    "<!-- readme-example: prism-timeout=SECONDS (reason) --> on the line before the ```python fence"
)
# A sandbox key of the documented form (aigen_test_ and 24 characters); Prism only checks that
# a bearer token is there.
API_KEY = "aigen_test_" + "readme" + "0" * 18
BLOCK_TIMEOUT = 30.0  # the blocks take well under a second each against Prism
# Prism's log: one "Request received" line per request, and ✖ error lines for each request it
# refused (validation, security) -- a block may catch the error the client raised for it.
_PRISM_REQUEST = re.compile(r"\[HTTP SERVER\] (\w+) (\S+) \S+\s+info\s+Request received")
_PRISM_ERROR = "\u2716"
_PRISM_PROBE = "[HTTP SERVER] get / "


@dataclass(frozen=True)
class Example:
    index: int
    line: int  # of the ```python fence in README.md
    code: str
    marker: str | None = None  # the readme-example comment before the block, as written
    no_prism: bool = False  # not run against Prism
    prism_timeout: float | None = None  # seconds: the block waits on what Prism never does
    reason: str = ""
    marker_error: str | None = None

    @property
    def name(self) -> str:
        return f"block{self.index}-line{self.line}"


def _example(text: str, index: int, found: re.Match[str]) -> Example:
    line = text.count("\n", 0, found.start()) + 1
    example = Example(index, line, found.group(1))
    before = text[: found.start()].rstrip().rsplit("\n", 1)[-1].strip()
    marker = _MARKER.fullmatch(before)
    if marker is None:
        return example
    body = _MARKER_BODY.fullmatch(marker.group(1))
    if body is None:
        return replace(example, marker=before, marker_error=f"malformed {before!r}: {_MARKER_USAGE}")
    timeout = None if body.group(1) is None else float(body.group(1))
    reason = body.group(2).strip()
    return replace(example, marker=before, no_prism=timeout is None, prism_timeout=timeout, reason=reason)


def readme_examples(text: str | None = None) -> list[Example]:
    """The README's ```python blocks, each with the readme-example marker right before it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8") if text is None else text
    return [_example(text, index, found) for index, found in enumerate(_BLOCK.finditer(text))]


def marker_problems(text: str | None = None) -> list[str]:
    """Malformed markers, and markers that are not right before a block (they would do nothing)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8") if text is None else text
    examples = readme_examples(text)
    problems = [f"line {e.line}: {e.marker_error}" for e in examples if e.marker_error]
    attached = sum(1 for e in examples if e.marker is not None)
    if len(_MARKER.findall(text)) != attached:
        problems.append(f"a readme-example marker is not right before a ```python block: {_MARKER_USAGE}")
    return problems


def readme_blocks() -> list[str]:
    return [example.code for example in readme_examples()]


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("readme")
    files = []
    for index, block in enumerate(readme_blocks()):
        path = folder / f"readme_example_{index}.py"
        path.write_text(block, encoding="utf-8")
        files.append(path)
    return files


def test_the_readme_has_python_examples(examples: list[Path]) -> None:
    assert len(examples) >= 2


@pytest.mark.slow
def test_readme_examples_pass_mypy_strict(examples: list[Path]) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            *map(str, examples),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("node") is None or not PYRIGHT.exists(), reason="pyright needs Node (npm ci)"
)
def test_readme_examples_pass_pyright_strict(examples: list[Path]) -> None:
    # The README's blocks and the demo `make demo` runs: the examples a user reads first.
    folder = examples[0].parent
    config = {
        "typeCheckingMode": "strict",
        "pythonVersion": "3.11",
        "extraPaths": [str(ROOT), str(ROOT / "generated"), str(ROOT / "overrides")],
        "reportMissingTypeStubs": False,
    }
    (folder / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    checked = [*map(str, examples), str(ROOT / "tools" / "demo.py")]
    result = subprocess.run(
        [str(PYRIGHT), "--pythonpath", sys.executable, "--project", str(folder), *checked],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _prism_params() -> list[object]:
    params: list[object] = []
    for example in readme_examples():
        skip = pytest.mark.skip(reason=f"README marker: no-prism ({example.reason})")
        params.append(pytest.param(example, id=example.name, marks=[skip] if example.no_prism else []))
    return params


def _text(data: str | bytes | None) -> str:
    return data.decode(errors="replace") if isinstance(data, bytes) else data or ""


def _run_block(path: Path, prism: PrismServer, timeout: float) -> tuple[int | None, str, str]:
    """Run ``python path`` against Prism: (exit code, or None if still running at ``timeout``
    and then killed; stdout; stderr)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIGENSTUDIO_")}
    env.update(AIGENSTUDIO_API_KEY=API_KEY, AIGENSTUDIO_BASE_URL=prism.base_url, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, str(path)],
        cwd=path.parent,  # not the repository: the block imports the installed packages only
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        return None, _text(out), _text(err)
    return process.returncode, _text(out), _text(err)


def _settled_log_size(prism: PrismServer, quiet: float = 0.3, limit: float = 3.0) -> int:
    """The log's size once Prism has stopped writing for ``quiet`` seconds (it logs a request's
    outcome a moment after answering it), or after ``limit`` seconds."""
    size, deadline = prism.log_path.stat().st_size, time.monotonic() + limit
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = prism.log_path.stat().st_size
        if now == size:
            break
        size = now
    return size


def _prism_log_since(prism: PrismServer, offset: int) -> str:
    _settled_log_size(prism)
    with prism.log_path.open("rb") as log:
        log.seek(offset)
        return log.read().decode("utf-8", errors="replace")


@pytest.mark.prism
@pytest.mark.slow
@pytest.mark.parametrize("example", _prism_params())
def test_readme_example_runs_against_prism(example: Example, prism: PrismServer, tmp_path: Path) -> None:
    assert example.marker_error is None, f"README.md line {example.line}: {example.marker_error}"
    path = tmp_path / f"readme_example_{example.index}.py"
    path.write_text(example.code, encoding="utf-8")
    offset = _settled_log_size(prism)  # what earlier blocks made Prism log is not this block's
    timeout = example.prism_timeout if example.prism_timeout is not None else BLOCK_TIMEOUT

    code, out, err = _run_block(path, prism, timeout)

    log = _prism_log_since(prism, offset)
    requests = [" ".join(found.groups()) for found in _PRISM_REQUEST.finditer(log)]
    refused = [
        line.strip()
        for line in log.splitlines()
        if _PRISM_ERROR in line and _PRISM_PROBE not in line  # tools/prism's readiness probe, late
    ]
    where = f"README.md line {example.line} (block {example.index})"
    report = f"\nPrism saw: {requests}\nstdout:\n{out}\nstderr:\n{err}"
    assert not refused, f"{where}: Prism refused a request:\n" + "\n".join(refused) + report
    if code is None:
        assert example.prism_timeout is not None, (
            f"{where} was still running after {timeout:g} s against Prism; if it waits on something "
            "the mock never does, mark it <!-- readme-example: prism-timeout=SECONDS (reason) -->" + report
        )
        assert requests, f"{where}: still running after {timeout:g} s without a request" + report
        assert "Traceback" not in err, where + report
    else:
        assert code == 0, f"{where} exited {code} against Prism" + report


def test_readme_markers_are_parsed() -> None:
    text = (
        "x\n<!-- readme-example: no-prism (needs a real job (not a mock)) -->\n\n```python\na = 1\n```\n"
        "<!-- readme-example: prism-timeout=7.5 (waits for a job) -->\n```python\nb = 2\n```\n"
        "<!-- unrelated -->\n```python\nc = 3\n```\n"
    )
    first, second, third = readme_examples(text)
    assert (first.line, first.code, first.no_prism, first.prism_timeout) == (4, "a = 1\n", True, None)
    assert first.reason == "needs a real job (not a mock)"
    assert (second.no_prism, second.prism_timeout, second.reason) == (False, 7.5, "waits for a job")
    assert (third.marker, third.no_prism, third.prism_timeout) == (None, False, None)
    assert marker_problems(text) == []


@pytest.mark.parametrize(
    "marker", ["no-prism", "no-prism ()", "skip (why)", "prism-timeout (why)", "prism-timeout=x (why)"]
)
def test_a_malformed_marker_is_a_problem_not_a_skip(marker: str) -> None:
    text = f"<!-- readme-example: {marker} -->\n```python\npass\n```\n"
    (example,) = readme_examples(text)
    assert example.marker_error is not None
    assert not example.no_prism
    assert example.prism_timeout is None
    (problem,) = marker_problems(text)
    assert "malformed" in problem


def test_a_marker_away_from_a_block_is_a_problem() -> None:
    text = "<!-- readme-example: no-prism (why) -->\ntext\n```python\npass\n```\n"
    assert readme_examples(text)[0].marker is None
    assert len(marker_problems(text)) == 1


def test_the_readme_markers_are_well_formed() -> None:
    assert marker_problems() == []
