"""On random groups, a rule lint calls shadowed or redundant changes no verdict of the
reference judge when removed, and a shadowed one never decides a sampled packet."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from sgplan.evaluate.catalog import Context
from sgplan.evaluate.reference import judge
from sgplan.lint import LintInput, lint
from tests.evaluate.strategies import PREFIX_LISTS, groups, packets


@settings(max_examples=120, deadline=None)
@given(group=groups("g0"), pks=st.lists(packets(), min_size=1, max_size=30))
def test_flagged_rules_are_useless(group, pks):
    findings = lint(
        LintInput((group,), PREFIX_LISTS), date(2026, 1, 1), ["shadowed-rule", "redundant-rule"]
    )
    ctx = Context.of([group], PREFIX_LISTS)
    for f in findings:
        assert f.rule is not None
        i = f.rule.position - 1
        without = group.model_copy(update={"rules": group.rules[:i] + group.rules[i + 1 :]})
        for pk in pks:
            with_it = judge([group], pk, ctx)
            assert with_it.outcome == judge([without], pk, ctx).outcome, (f.text(), pk.text())
            if f.check == "shadowed-rule":
                assert (with_it.group, with_it.position) != ("g0", f.rule.position), f.text()
