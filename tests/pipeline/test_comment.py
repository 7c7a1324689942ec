"""The pull-request comment: golden file, the hidden marker, GitHub's size limit with the
summary kept and no section cut in half."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sgplan.cli import app
from sgplan.load import load_stack
from sgplan.model.build import build_stack
from sgplan.model.stack import State
from sgplan.plan import PlanOptions, plan_stack
from sgplan.render import render_markdown
from sgplan.render.comment import GITHUB_LIMIT, MARKER_RE, marker, render_comment
from tests.golden_files import check_golden

from .helpers import prod_snapshot

runner = CliRunner()


def _prod_md() -> str:
    plan = plan_stack(load_stack("prod"), prod_snapshot(), PlanOptions())
    return render_markdown(plan)


def _huge_md(groups: int = 120, rules: int = 60) -> str:
    """A plan creating many groups: far beyond GitHub's comment limit."""
    data = {
        "name": "big",
        "region": "cn-hangzhou",
        "environment": "prod",
        "vpc_id": "vpc-bp1big",
        "groups": [
            {"name": f"prod-app{g:03d}-web-sg", "description": "generated",
             "rules": [{"direction": "ingress", "protocol": "tcp", "ports": str(1000 + r),
                        "peer": f"10.{g}.{r}.0/24", "description": f"rule {r}"}
                       for r in range(rules)]}
            for g in range(groups)
        ],
    }  # fmt: skip
    return render_markdown(plan_stack(build_stack(data), State(region="cn-hangzhou")))


def test_comment_golden_with_marker_and_summary_table():
    text = render_comment([("prod", _prod_md())], footer="Planned at commit 3f2a9c1.")
    check_golden("comment/prod.md", text)
    assert text.startswith(marker("plan") + "\n")
    assert "| `prod` | Plan: 7 to add, 4 to change, 8 to destroy. |" in text


def test_a_plan_too_large_for_github_keeps_the_summary_and_whole_sections():
    huge = _huge_md()
    assert len(huge) > 3 * GITHUB_LIMIT
    text = render_comment([("big", huge), ("prod", _prod_md())], artifact="sgplan-plans")
    assert len(text) <= GITHUB_LIMIT
    assert "| `big` | Plan: 7320 to add, 0 to change, 0 to destroy. |" in text
    assert "**Plan: 7320 to add, 0 to change, 0 to destroy.**" in text
    assert "**Plan: 7 to add, 4 to change, 8 to destroy.**" in text  # the second plan's head too
    assert re.search(r":scissors: \d+ sections? .*left out to stay within the 65,536-character "
                     r"comment limit\. The full plan is in the job artifact `sgplan-plans`\.", text)  # fmt: skip
    assert text.count("<details>") == text.count("</details>")
    assert text.count("```") % 2 == 0
    check_golden("comment/truncated-head.md", text[:3000])


@settings(max_examples=25, deadline=None)
@given(limit=st.integers(min_value=4000, max_value=80_000))
def test_any_limit_is_respected_and_markdown_stays_balanced(limit):
    text = render_comment([("prod", _prod_md()), ("prod2", _prod_md())], limit=limit)
    assert len(text) <= limit
    assert MARKER_RE.match(text)
    assert text.count("<details>") == text.count("</details>")
    assert text.count("```") % 2 == 0
    assert text.count("**Plan: 7 to add, 4 to change, 8 to destroy.**") == 2


def test_comment_cli(tmp_path):
    md = tmp_path / "plan-prod.md"
    md.write_text(_prod_md(), encoding="utf-8")
    out = tmp_path / "comment.md"
    result = runner.invoke(app, ["comment", str(md), "--key", "pr-7", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("<!-- sgplan:plan-comment pr-7 -->")
    shown = runner.invoke(app, ["comment", str(md), "--key", "pr-7", "--print-marker"])
    assert shown.output == "<!-- sgplan:plan-comment pr-7 -->\n"
    bad = runner.invoke(app, ["comment", str(md), "--key", "a b"])
    assert bad.exit_code == 1 and "--key" in bad.output
    missing = runner.invoke(app, ["comment", str(tmp_path / "nope.md")])
    assert missing.exit_code == 1 and "cannot read plan" in missing.output
