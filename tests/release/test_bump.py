"""`make bump`: the next version and its CHANGELOG entry from the API change review.

Everything runs on temporary copies of the version file and CHANGELOG.md (the real ones are
never written). The reviews that regenerate the client are marked slow.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools import bump

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "tests" / "fixtures" / "specs"
V1, SPLIT = SPECS / "openapi-1.0.0.yaml", SPECS / "next-split-tags.yaml"


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A copy of the version file and the changelog (their real shape), in tmp_path."""
    shutil.copy(ROOT / "overrides" / "aigenstudio" / "_version.py", tmp_path / "_version.py")
    shutil.copy(ROOT / "CHANGELOG.md", tmp_path / "CHANGELOG.md")
    return tmp_path


def _set_version(release: Path, version: str) -> None:
    text = (release / "_version.py").read_text(encoding="utf-8")
    current = ".".join(map(str, bump.read_version(release / "_version.py")))
    (release / "_version.py").write_text(text.replace(f'"{current}"', f'"{version}"'), encoding="utf-8")


def _run(release: Path, *args: str) -> int:
    return bump.main(
        [
            *args,
            "--version-file",
            str(release / "_version.py"),
            "--changelog",
            str(release / "CHANGELOG.md"),
            "--date",
            "2027-01-15",
        ]
    )


@pytest.mark.parametrize(
    ("version", "level", "expected"),
    [
        ((1, 4, 2), "major", (2, 0, 0)),
        ((1, 4, 2), "minor", (1, 5, 0)),
        ((1, 4, 2), "patch", (1, 4, 3)),
        ((0, 1, 0), "major", (0, 2, 0)),  # below 1.0.0 a breaking change bumps the minor
        ((0, 1, 3), "minor", (0, 2, 0)),
        ((0, 1, 3), "patch", (0, 1, 4)),
    ],
)
def test_semver(version: tuple[int, int, int], level: str, expected: tuple[int, int, int]) -> None:
    assert bump.next_version(version, level) == expected


def test_the_entry_goes_below_the_title_and_above_the_newest_release(release: Path) -> None:
    changelog = release / "CHANGELOG.md"
    before = changelog.read_text(encoding="utf-8")
    bump.prepend_entry(changelog, "## [0.2.0] - 2027-01-15\n\nX.\n", "0.2.0")
    after = changelog.read_text(encoding="utf-8")
    intro, rest = before.split("## [0.1.0]", 1)
    assert after == intro + "## [0.2.0] - 2027-01-15\n\nX.\n\n## [0.1.0]" + rest
    with pytest.raises(bump.BumpError, match=r"already has an entry for 0\.2\.0"):
        bump.prepend_entry(changelog, "## [0.2.0] - 2027-01-15\n", "0.2.0")


def test_only_the_version_line_is_rewritten(release: Path) -> None:
    path = release / "_version.py"
    before = path.read_text(encoding="utf-8")
    bump.write_version(path, (3, 0, 0))
    after = path.read_text(encoding="utf-8")
    assert [a for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b] == [
        line for line in before.splitlines() if line.startswith("__version__")
    ]
    assert '__version__ = "3.0.0"' in after


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_without_a_release_tag_or_base_it_asks_for_one(
    release: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = release / "repo"
    repo.mkdir()
    shutil.copy(V1, repo / "openapi.yaml")
    _git(repo, "init", "-q")
    _git(repo, "add", "openapi.yaml")
    _git(repo, "commit", "-q", "-m", "spec")
    before = (release / "_version.py").read_text(encoding="utf-8"), (release / "CHANGELOG.md").read_text()
    assert _run(release, "--new", str(repo / "openapi.yaml")) == 2
    err = capsys.readouterr().err
    assert err == "error: no release tag (v*) to compare with: name the base, e.g. make bump BASE=<git ref>\n"
    assert (
        (release / "_version.py").read_text(encoding="utf-8"),
        (release / "CHANGELOG.md").read_text(),
    ) == before


def test_the_make_target_calls_the_tool_with_base() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nbump: $(VENV)/.installed ## " in makefile
    assert '$(PY) tools/bump.py $(if $(BASE),--base "$(BASE)")' in makefile


@pytest.mark.slow
def test_an_additive_change_bumps_the_minor_and_names_the_new_operation(release: Path) -> None:
    spec = yaml.safe_load(V1.read_text(encoding="utf-8"))
    job = spec["paths"]["/product-photo-jobs/{jobId}"]["get"]
    spec["paths"]["/product-photo-jobs/{jobId}/cancel"] = {
        "post": {**job, "operationId": "cancelProductPhotoJob", "summary": "Cancel a job"}
    }
    additive = release / "openapi.yaml"
    additive.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    _set_version(release, "1.4.2")

    assert _run(release, "--old", str(V1), "--new", str(additive)) == 0

    assert bump.read_version(release / "_version.py") == (1, 5, 0)
    entry = (release / "CHANGELOG.md").read_text(encoding="utf-8").split("## [1.5.0] - 2027-01-15\n")[1]
    entry = entry.split("\n## [")[0]
    assert "### Breaking changes" not in entry
    assert "- `POST /product-photo-jobs/{jobId}/cancel` (`cancelProductPhotoJob`)" in entry
    assert "`client.product_photo_jobs.cancel`" in entry  # the facade call, from the Python surface
    assert entry.index("### Operations added") < entry.index("### Python surface")


@pytest.mark.slow
def test_a_breaking_change_lists_breaks_first_and_bumps_the_minor_below_1(
    release: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(release, "--old", str(V1), "--new", str(SPLIT)) == 0
    assert capsys.readouterr().out == (
        "version 0.1.0 -> 0.2.0 (major (below 1.0.0: the minor)); CHANGELOG.md: entry added\n"
    )
    text = (release / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.index("## [0.2.0] - 2027-01-15") < text.index("## [0.1.0]")
    entry = text.split("## [0.2.0] - 2027-01-15\n")[1].split("\n## [")[0]
    sections = [line for line in entry.splitlines() if line.startswith("### ")]
    assert sections[0] == "### Breaking changes"
    assert (
        "- `aigenstudio_client.api.product_photo_api.get_product_photo_job`: moved to "
        "`aigenstudio_client.api.product_photo_jobs.get_product_photo_job`"
    ) in entry


@pytest.mark.slow
def test_make_bump_runs_as_a_script(release: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "bump.py"),
            "--old",
            str(V1),
            "--new",
            str(V1),
            "--version-file",
            str(release / "_version.py"),
            "--changelog",
            str(release / "CHANGELOG.md"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("version 0.1.0 -> 0.1.1 (patch)")  # nothing changed: a patch


def test_the_entry_goes_below_unreleased_and_ignores_headings_in_code(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(
        "# Changelog\n\nExample:\n\n```markdown\n## [9.9.9] - 2000-01-01\n```\n\n"
        "## [Unreleased]\n\n- pending work\n\n## [0.1.0] - 2026-12-01\n\n- first\n",
        encoding="utf-8",
    )
    bump.prepend_entry(changelog, "## [0.2.0] - 2027-01-15\n\n- new\n", "0.2.0")
    text = changelog.read_text(encoding="utf-8")
    assert text.index("## [9.9.9]") < text.index("## [Unreleased]") < text.index("- pending work")
    assert text.index("- pending work") < text.index("## [0.2.0]") < text.index("## [0.1.0]")
    with pytest.raises(bump.BumpError, match="already has an entry"):
        bump.prepend_entry(changelog, "## [0.1.0] - x\n", "0.1.0")
