"""The review a reviewer reads, on the vendor's realistic next spec (tests/diff/vendor_update.py):
one row per API change with its Python fan-out, the levels reconciled, what a caller does, the
hand-written package checked, and a report that fits one pull-request comment."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.diff.conftest import REPO_SPEC, Run
from tests.diff.vendor_update import write_vendor_update
from tools.apidiff.report import COMMENT_LIMIT, Review, render
from tools.apidiff.rules import Change, Level

RunDiff = Callable[..., Run]
pytestmark = pytest.mark.slow  # each review regenerates the client twice (about 4 s)


def _above_the_fold(report: str) -> str:
    return report.split("<details>", 1)[0]


@pytest.fixture(scope="module")
def update_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str]:
    from tools.apidiff import cli

    work = tmp_path_factory.mktemp("update")
    new = write_vendor_update(work / "new.yaml")
    output = work / "api-diff.md"
    code = cli.main(["--old", str(REPO_SPEC), "--new", str(new), "--output", str(output)])
    return code, output.read_text(encoding="utf-8")


def _rows(report: str) -> list[str]:
    table = _above_the_fold(report).split("### API changes", 1)[1]
    return [
        line
        for line in table.splitlines()
        if line.startswith("| ") and not line.startswith(("| Level", "| ---"))
    ]


def test_one_api_change_is_one_row_with_its_python_fan_out(update_report: tuple[int, str]) -> None:
    code, report = update_report
    assert code == 1
    rows = _rows(report)
    assert len(rows) == 4  # the parameter, the enum value, the field, the operation
    status = [row for row in rows if "query:status" in row]
    assert len(status) == 1
    assert status[0].startswith("| **breaking** |")
    assert (
        "`client.product_photo_jobs.iter`, `client.product_photo_jobs.list`, `aigenstudio.iter_jobs`"
        in status[0]
    )
    assert "Stop passing `status=`" in status[0]
    assert "**Summary:** 4 API change(s): 1 breaking, 1 warning, 2 info." in report
    assert "Vendor spec version: 1.0.0 → 1.1.0." in report


def test_the_python_side_being_stricter_is_explained(update_report: tuple[int, str]) -> None:
    _, report = update_report
    assert (
        "- `GET /product-photo-jobs parameter query:status` is breaking: on the wire the server "
        "ignores an unknown parameter (warning); in Python a keyword argument the function no longer "
        "has raises TypeError."
    ) in report


def test_hand_written_functions_that_pass_a_removed_parameter_on_are_named(
    update_report: tuple[int, str],
) -> None:
    _, report = update_report
    fold = _above_the_fold(report)
    assert (
        "- public `aigenstudio.iter_jobs(status)`: passes `status` on to `client.product_photo_jobs.iter`"
        in fold
    )
    assert "- public `aigenstudio.aio.iter_jobs(status)`" in fold
    assert re.search(
        r"`overrides/aigenstudio/_workflow/pagination\.py:\d+` uses `status`: `.*iter\(status=", fold
    )
    assert 'RequestValidationError("status"' not in fold  # naming an argument in a message is no use


def test_a_change_our_code_does_not_touch_says_none_affected(run_diff: RunDiff, tmp_path: Path) -> None:
    new = write_vendor_update(tmp_path / "new.yaml", remove_status=False)
    result = run_diff("--old", str(REPO_SPEC), "--new", str(new))
    assert result.code == 0
    line = next(line for line in result.out.splitlines() if line.startswith("Hand-written code"))
    assert line.endswith(" uses checked, none affected.")
    assert int(line.split(": ", 1)[1].split(" ")[0]) > 0  # the enum and model are used by our code


def test_a_small_change_reads_short_with_the_code_diff_folded(update_report: tuple[int, str]) -> None:
    _, report = update_report
    fold = _above_the_fold(report)
    assert len(fold.splitlines()) < 40
    assert "diff --git" not in fold
    assert "diff --git" in report
    assert len(report) <= COMMENT_LIMIT


def test_any_report_fits_one_comment_and_points_to_the_rest() -> None:
    many = [
        Change("endpoint-removed", Level.BREAKING, f"GET /things/{n}", "endpoint removed " + "x" * 80)
        for n in range(2000)
    ]
    text = render(Review("old.yaml", "new.yaml", many, []))
    assert len(text) <= COMMENT_LIMIT
    assert "Report cut to fit one pull-request comment (65,536 characters)" in text
    assert "reports/api-diff.full.md" in text
    assert text.count("<details>") == text.count("</details>")
    assert text.startswith("## API change review")


def _package(root: Path, init: str, impl: str) -> Path:
    package = root / "aigenstudio"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(init, encoding="utf-8")
    (package / "_impl.py").write_text(impl, encoding="utf-8")
    return package


def test_our_public_api_is_diffed_under_the_names_callers_import() -> None:
    import tempfile

    from tools.apidiff.python_diff import diff_handwritten

    init = "from ._impl import CatalogReport, iter_jobs\n\n__all__ = ['CatalogReport', 'iter_jobs']\n"
    with tempfile.TemporaryDirectory() as work:
        old = _package(
            Path(work) / "old",
            init,
            "class CatalogReport:\n    pass\n\n\n"
            "def iter_jobs(client, *, status=None, page_size=None, _cache=None):\n    return []\n",
        )
        new = _package(
            Path(work) / "new",
            "from ._impl import iter_jobs\n\n__all__ = ['iter_jobs']\n",
            "def iter_jobs(client, *, page_size=None):\n    return []\n",
        )
        rows = {(c.kind, c.location) for c in diff_handwritten(old, new)}
    assert rows == {
        ("object-removed", "aigenstudio.CatalogReport"),
        ("parameter-removed", "aigenstudio.iter_jobs(status)"),  # `_cache` is private: not listed
    }


def test_make_diff_base_lists_our_api_changes_since_the_base(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.release.repo_copy import copy_repo

    repo = copy_repo(tmp_path)
    pagination = repo / "overrides" / "aigenstudio" / "_workflow" / "pagination.py"
    text = pagination.read_text(encoding="utf-8")
    text = text.replace("    page_size: int | None = None,\n) -> Iterator", ") -> Iterator", 1)
    text = text.replace("iter(**_arguments(status, page_size))", "iter(**_arguments(status, None))", 1)
    pagination.write_text(text, encoding="utf-8")  # iter_jobs loses `page_size`
    result = subprocess.run(
        [sys.executable, str(repo / "tools" / "apidiff" / "cli.py"), "--base", "HEAD"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "| **breaking** | `aigenstudio.iter_jobs(page_size)`: Parameter was removed |" in result.stdout
    assert "Its public API since `HEAD`: 1 change(s) (rows above)." in result.stdout
