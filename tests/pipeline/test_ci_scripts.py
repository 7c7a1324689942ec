"""The forge-side scripts of the GitHub templates (actions/github-script), run with Node
against a stand-in for the GitHub API: the plan comment is created once and then edited in
place, found by its hidden marker; the drift issue likewise. Needs `node` (the GitHub
runners' own runtime for these scripts)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from sgplan.render.comment import marker

from .ci import GITHUB

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed on this machine")

HARNESS = """
const fs = require('fs');
const state = JSON.parse(fs.readFileSync('api.json', 'utf8'));
const calls = [];
const reply = (data) => ({ data });
const github = {
  paginate: async (fn, args) => (await fn(args)).data,
  rest: { issues: {
    listComments: async (a) => reply(state.comments),
    createComment: async (a) => { calls.push(['createComment', a]); state.comments.push({ id: 99, body: a.body }); },
    updateComment: async (a) => { calls.push(['updateComment', a]); },
    listForRepo: async (a) => reply(state.issues.filter(i => (a.labels || '') === '' || (i.labels || []).includes(a.labels))),
    create: async (a) => { calls.push(['create', a]); },
    update: async (a) => { calls.push(['update', a]); },
  } },
};
const context = { repo: { owner: 'acme', repo: 'net' }, issue: { number: 7 }, runId: 4242 };
(async () => {
SCRIPT
})().then(() => console.log(JSON.stringify(calls)), (e) => { console.error(e); process.exit(1); });
"""


def _script(workflow: str, job: str) -> str:
    doc = yaml.safe_load((GITHUB[0].parent / workflow).read_text())
    step = next(s for s in doc["jobs"][job]["steps"] if "github-script" in s.get("uses", ""))
    return str(step["with"]["script"])


def _run(tmp: Path, script: str, api: dict, env: dict[str, str] | None = None) -> list:
    (tmp / "api.json").write_text(json.dumps(api))
    (tmp / "run.js").write_text(HARNESS.replace("SCRIPT", script))
    assert NODE is not None
    done = subprocess.run([NODE, "run.js"], cwd=tmp, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", **(env or {})})  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_plan_comment_is_created_once_then_updated_in_place(tmp_path):
    script = _script("sgplan-pull-request.yml", "comment")
    body = f"{marker('pr-7')}\n## sgplan plan\n"
    (tmp_path / "comment.md").write_text(body)
    others = [{"id": 1, "body": "LGTM"}, {"id": 2, "body": f"{marker('pr-6')}\nold PR"}]
    first = _run(tmp_path, script, {"comments": others, "issues": []})
    assert first == [["createComment", {"owner": "acme", "repo": "net", "issue_number": 7,
                                        "body": body}]]  # fmt: skip
    mine = {"id": 42, "body": f"{marker('pr-7')}\nthe previous push"}
    again = _run(tmp_path, script, {"comments": [*others, mine], "issues": []})
    assert again == [["updateComment", {"owner": "acme", "repo": "net", "comment_id": 42,
                                        "body": body}]]  # fmt: skip


def test_the_drift_issue_is_opened_once_then_updated(tmp_path):
    script = _script("sgplan-drift.yml", "drift")
    (tmp_path / "drift-prod.md").write_text("### sgplan verify: stack `prod`\n")
    (tmp_path / "drift-prod.stat").write_text(" state/prod.json | 4 ++--\n")
    env = {"STACK": "prod"}
    first = _run(tmp_path, script, {"comments": [], "issues": []}, env)
    assert [c[0] for c in first] == ["create"]
    created = first[0][1]
    assert created["title"] == "Drift in stack prod" and created["labels"] == ["sgplan-drift"]
    assert created["body"].startswith("<!-- sgplan:drift prod -->\n")
    assert "### sgplan verify: stack `prod`" in created["body"]
    open_issue = {"number": 5, "body": created["body"], "labels": "sgplan-drift"}
    staging = {"number": 6, "body": "<!-- sgplan:drift staging -->\n", "labels": "sgplan-drift"}
    again = _run(tmp_path, script, {"comments": [], "issues": [staging, open_issue]}, env)
    assert [(c[0], c[1].get("issue_number")) for c in again] == [("update", 5)]
