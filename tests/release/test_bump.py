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

from tests.release.repo_copy import copy_repo
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
    assert err == (
        "error: no release to compare with: no v* tag and no released version in CHANGELOG.md's last "
        "commit: name the base, e.g. make bump BASE=<git ref>\n"
    )
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
    assert "**Breaking:**" not in entry
    added = entry.split("### Added\n", 1)[1].split("\n### ", 1)[0]
    # the facade call users write, with the operation's summary and route
    assert (
        "- `client.product_photo_jobs.cancel(...)`: Cancel a job (`POST /product-photo-jobs/{jobId}/cancel`)."
        in added
    )


@pytest.mark.slow
def test_a_breaking_change_lists_breaks_first_and_bumps_the_minor_below_1(
    release: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(release, "--old", str(V1), "--new", str(SPLIT)) == 0
    assert capsys.readouterr().out == (
        "version 0.1.0 -> 0.2.0 (major (below 1.0.0: the minor), since openapi-1.0.0.yaml); "
        "CHANGELOG.md: entry added\n"
    )
    text = (release / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.index("## [0.2.0] - 2027-01-15") < text.index("## [0.1.0]")
    entry = text.split("## [0.2.0] - 2027-01-15\n")[1].split("\n## [")[0]
    changed = entry.split("### Changed\n", 1)[1].split("\n### ", 1)[0]
    moved = next(
        line for line in changed.splitlines() if "api.product_photo_api.get_product_photo_job`" in line
    )
    assert moved.startswith(
        "- **Breaking:** `aigenstudio_client.api.product_photo_api.get_product_photo_job`"
    )
    assert moved.endswith(
        "Import from `aigenstudio_client.api.product_photo_jobs.get_product_photo_job` instead."
    )
    assert changed.index("**Breaking:**") < changed.index("- One request path")  # before Unreleased's


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
    assert result.stdout == (  # nothing changed: nothing to release, nothing written
        "nothing to release: openapi-1.0.0.yaml has no API change since 0.1.0 (openapi-1.0.0.yaml); "
        "nothing written\n"
    )
    assert (release / "CHANGELOG.md").read_text(encoding="utf-8") == (ROOT / "CHANGELOG.md").read_text(
        encoding="utf-8"
    )


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


# The maintainer's loop on a temporary copy of this repository (its tracked files as they are
# in the working tree), committed with no tag: the CHANGELOG records 0.1.0, as here.


def _make_bump(repo: Path) -> subprocess.CompletedProcess[str]:
    """`make bump` as the Makefile runs it (tools/bump.py of the copy, no arguments)."""
    return subprocess.run(
        [sys.executable, str(repo / "tools" / "bump.py"), "--date", "2027-01-15"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )


def _state(repo: Path) -> tuple[str, str]:
    return (
        (repo / "CHANGELOG.md").read_text(encoding="utf-8"),
        (repo / "overrides" / "aigenstudio" / "_version.py").read_text(encoding="utf-8"),
    )


@pytest.fixture(scope="module")
def bumped_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    from tests.diff.vendor_update import write_vendor_update

    repo = copy_repo(tmp_path_factory.mktemp("repo"))
    write_vendor_update(repo / "openapi.yaml", repo / "openapi.yaml")
    return repo, _make_bump(repo)


def _entry(repo: Path, version: str) -> str:
    text = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    return text.split(f"## [{version}] - 2027-01-15\n", 1)[1].split("\n## [", 1)[0]


@pytest.mark.slow
def test_make_bump_works_out_of_the_box_from_the_changelogs_last_release(
    bumped_repo: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    repo, result = bumped_repo
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "version 0.1.0 -> 0.2.0 (major (below 1.0.0: the minor), since CHANGELOG.md"
    )
    assert bump.read_version(repo / "overrides" / "aigenstudio" / "_version.py") == (0, 2, 0)


@pytest.mark.slow
def test_the_entry_follows_keep_a_changelog_in_the_users_words(
    bumped_repo: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    repo, _ = bumped_repo
    entry = _entry(repo, "0.2.0")
    sections = [line[4:] for line in entry.splitlines() if line.startswith("### ")]
    assert sections == sorted(sections, key=bump.SECTIONS.index)  # only Keep a Changelog's, in order
    assert {"Added", "Changed", "Removed"} <= set(sections)
    assert "The vendor's API specification went from 1.0.0 to 1.1.0" in entry
    removed = entry.split("### Removed\n", 1)[1].split("\n### ", 1)[0]
    assert (
        "- **Breaking:** The `status` parameter of `GET /product-photo-jobs` is gone: "
        "`client.product_photo_jobs.iter(status=...)`, `client.product_photo_jobs.list(status=...)`, "
        "`aigenstudio.iter_jobs(status=...)` and `aigenstudio.aio.iter_jobs(status=...)` no longer "
        "take `status`. Stop passing `status=`"
    ) in removed
    added = entry.split("### Added\n", 1)[1].split("\n### ", 1)[0]
    assert "- `client.product_photo_jobs.cancel(...)`: Cancel a Product Photo job" in added
    assert "`ProductPhotoJobItem.background_color`: new field in responses." in added
    assert "`ProductPhotoJobStatus` has a new value `expired`" in entry
    for jargon in ("aigenstudio_client.api", "attribute-added", "module-added", "bump:", "(`parameter-"):
        assert jargon not in entry
    assert entry.count("background_color") == 1  # each change once
    assert entry.count("`client.product_photo_jobs.cancel") == 1


@pytest.mark.slow
def test_the_release_takes_in_what_unreleased_held(
    bumped_repo: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    repo, _ = bumped_repo
    text = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    unreleased = text.split("## [Unreleased]\n", 1)[1].split("\n## [", 1)[0]
    assert not unreleased.strip()
    before = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").split("## [Unreleased]\n", 1)[1]
    first_item = next(line for line in before.splitlines() if line.startswith("- "))
    assert first_item in _entry(repo, "0.2.0")


@pytest.mark.slow
def test_make_bump_again_changes_nothing_before_and_after_the_commit(
    bumped_repo: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    repo, _ = bumped_repo
    before = _state(repo)
    again = _make_bump(repo)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("already bumped: version 0.2.0 and its CHANGELOG.md entry are in place")
    assert _state(repo) == before
    _git(repo, "commit", "-q", "-am", "release 0.2.0")
    committed = _make_bump(repo)
    assert committed.returncode == 0, committed.stderr
    assert committed.stdout.startswith("nothing to release: openapi.yaml has no API change since 0.2.0")
    assert _state(repo) == before
