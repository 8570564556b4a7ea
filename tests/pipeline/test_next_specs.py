"""Issue 22: every plausible next spec regenerates, type-checks, runs and agrees with Prism.

For each ``tests/fixtures/specs/v1.1/<name>.yaml``, on a temporary copy of the repository
(tests/pipeline/next_specs.py): regenerate with the copy's pipeline, ``mypy --strict`` on
``<name>_program.py`` and on the untouched hand-written package against the regenerated
client, run the program against Prism serving the spec, and run the differential checks
(0 false accepts, 0 false rejects, 0 crashes). One Prism per spec, one mypy cache for all.

A spec waiting for a pipeline change is expected to fail (``xfail(strict=True)``) until that
change lands: ``WAITING_FOR`` names the items of issue 22 each waits for. When an item lands
its spec passes, the strict xfail turns that into a failure, and its row goes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.pipeline.next_specs import (
    SpecCopy,
    fixture_specs,
    program_for,
    regenerate,
    run_differential,
    run_program,
    typecheck,
)
from tests.servers.prism import prism_for_tests, require_prism

# Fixture spec (file stem) -> the items of issue 22 it waits for.
WAITING_FOR: dict[str, str] = {}

pytestmark = [pytest.mark.slow, pytest.mark.prism]


def _spec_param(spec: Path) -> object:
    waiting = WAITING_FOR.get(spec.stem)
    marks = [pytest.mark.xfail(strict=True, reason=waiting)] if waiting else []
    return pytest.param(spec, id=spec.stem, marks=marks)


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for every spec: the standard library and httpx are checked once."""
    return tmp_path_factory.mktemp("next-specs-mypy")


def check_next_spec(spec: Path, workdir: Path, mypy_cache: Path) -> list[str]:
    """Every problem the harness finds with ``spec`` (empty: it goes in with no hand edit)."""
    copy = SpecCopy.make(workdir / "repo")
    program = program_for(spec)
    problems = [] if program.is_file() else [f"{program.name} is missing beside {spec.name}"]
    problems += regenerate(copy, spec)
    if problems:
        return problems  # nothing generated: nothing to type-check or run
    problems += typecheck(copy, program, mypy_cache)
    with prism_for_tests(spec) as prism:
        problems += run_program(copy, program, prism.base_url, workdir)
        problems += run_differential(copy, spec, prism.base_url, workdir)
    return problems


@pytest.mark.parametrize("spec", [_spec_param(spec) for spec in fixture_specs()])
def test_next_spec_goes_in_with_no_hand_edit(spec: Path, tmp_path: Path, mypy_cache: Path) -> None:
    require_prism()
    problems = check_next_spec(spec, tmp_path, mypy_cache)
    assert not problems, "\n\n".join(problems)


# -- the harness itself: it passes a sound spec (above, baseline), and it reports a broken one --

BASELINE = next(spec for spec in fixture_specs() if spec.stem == "baseline")


def test_every_fixture_spec_has_its_program_and_a_plain_spec_passes_today() -> None:
    assert all(program_for(spec).is_file() for spec in fixture_specs())
    assert "baseline" not in WAITING_FOR  # the harness is proved on a spec that works today


def test_a_type_error_in_the_program_is_reported(tmp_path: Path, mypy_cache: Path) -> None:
    copy = SpecCopy.make(tmp_path / "repo")
    assert regenerate(copy, BASELINE) == []
    program = tmp_path / "baseline_program.py"
    text = program_for(BASELINE).read_text(encoding="utf-8")
    # The spec says x_request_id is a string: an int is what the type checker must catch.
    program.write_text(text.replace('x_request_id="req_program_1"', "x_request_id=1"), encoding="utf-8")
    problems = typecheck(copy, program, mypy_cache)
    assert len(problems) == 1
    assert 'Argument "x_request_id" to "list" of "AccountResource" has incompatible type "int"' in problems[0]


def _forget_the_page_size_limit(copy: SpecCopy) -> None:
    """The copy's client forgets that a page of jobs holds at most 100 (``limit`` maximum)."""
    contract_path = copy.package / "contract.json"
    contract = json.loads(contract_path.read_text(encoding="utf-8"))
    parameters = contract["operations"]["listProductPhotoJobs"]["parameters"]
    (limit,) = (p for p in parameters if p["name"] == "limit")
    del limit["schema"]["maximum"]
    contract_path.write_text(json.dumps(contract), encoding="utf-8")


def test_a_client_sending_what_prism_refuses_and_a_failing_program_are_reported(tmp_path: Path) -> None:
    require_prism()
    copy = SpecCopy.make(tmp_path / "repo")
    assert regenerate(copy, BASELINE) == []
    _forget_the_page_size_limit(copy)
    program = tmp_path / "wrong_program.py"
    text = program_for(BASELINE).read_text(encoding="utf-8")
    program.write_text(text.replace('"Client Example Store"', '"Another Store"'), encoding="utf-8")
    with prism_for_tests(BASELINE) as prism:
        ran = run_program(copy, program, prism.base_url, tmp_path)
        judged = run_differential(copy, BASELINE, prism.base_url, tmp_path, generated=20)
    assert len(ran) == 1
    assert "AssertionError" in ran[0]
    assert len(judged) == 1
    assert "false-accept" in judged[0]
    assert "listProductPhotoJobs" in judged[0]
    assert "query limit: 101" in judged[0]
