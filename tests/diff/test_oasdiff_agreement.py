"""Our HTTP verdicts against oasdiff's, over the oasdiff-like cases of oasdiff/cases.yaml.

Each case names an oasdiff rule and its level. Our verdict (breaking or not) must match, and
for a named rule the change must carry that oasdiff id at the same level, unless the case
says `ours:` (a level we give on purpose; the reason is in docs/api-diff-rules.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.diff.oasdiff.agreement import Case, load_cases, our_changes
from tools.apidiff.rules import OASDIFF_IDS, Level

CASES = load_cases()
RULES_TABLE = (Path(__file__).parents[2] / "docs" / "api-diff-rules.md").read_text(encoding="utf-8")
LEVELS = {"ERR": Level.BREAKING, "WARN": Level.WARNING, "INFO": Level.INFO}


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_verdict_and_rule_match_oasdiff(case: Case) -> None:
    changes = our_changes(case)
    breaking = any(c.level is Level.BREAKING for c in changes)
    assert breaking == case.expected_breaking, [(c.kind, c.level.value, c.location) for c in changes]
    rule = case.rule.split(" ")[0]
    if case.level == "NONE" or rule not in OASDIFF_IDS:
        return  # oasdiff reports nothing, or the case describes a shape rather than one rule
    matching = [c for c in changes if c.oasdiff == rule]
    assert matching, f"no change carries oasdiff id {rule}: {[(c.kind, c.oasdiff) for c in changes]}"
    expected = Level(case.ours) if case.ours else LEVELS[case.level]
    assert {c.level for c in matching} == {expected}


def test_deviations_are_few_and_documented() -> None:
    deviations = [c for c in CASES if c.ours]
    assert len(deviations) <= 2
    for case in deviations:
        assert case.rule.split(" ")[0] in RULES_TABLE


def test_every_rule_we_emit_is_in_the_rules_table() -> None:
    emitted = {change.kind for case in CASES for change in our_changes(case)}
    emitted |= {
        change.kind for case in CASES for change in our_changes(Case(case.rule, "", case.new, case.old, None))
    }
    missing = sorted(kind for kind in emitted if f"`{kind}`" not in RULES_TABLE)
    assert not missing
