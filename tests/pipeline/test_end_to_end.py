"""Pull request to production over the local ECS endpoint, with the sgplan provider applying.

The path of docs/pipeline.md: pull prod, change the stack, plan, apply to staging through the
provider (the plugin as a subprocess, called over gRPC as `pulumi up` calls it), verify
staging and record it, pass the promotion gate, apply prod through the provider, verify prod,
re-plan to "No changes.". And the failure path: a change that breaks an intent on staging is
stopped there: the verification fails, the record says so, the prod plan is blocked, and prod
is never touched.

What `pulumi up` does besides the rule sets is pulumi-alicloud's (the groups themselves, their
description and tags, prefix lists): here the same calls go through the SDK writer.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sgplan.apply import connect
from sgplan.cli import app
from sgplan.live import LiveConfig
from sgplan.load import load_stack
from sgplan.localecs import EcsStore, LocalEcs
from sgplan.model.stack import Stack, State
from sgplan.plan import PlanOptions, plan_stack
from sgplan.plan.model import Plan
from tests.provider.harness import Plugin, plugin
from tests.provider.scenarios import inputs_for

from .helpers import REGION, ROOT, prod_snapshot

runner = CliRunner()
SHA = "c0ffee0123456789abcdef0123456789abcdef01"
EDIT = '            web_tier(WEB, "shop public web tier", admin_from=via_bastion, tags=TAGS),\n'
ADD_ALT_HTTPS = (
    '            web_tier(WEB, "shop public web tier", admin_from=via_bastion, tags=TAGS,\n'
    '                     rules=[ingress(protocol="tcp", ports=8443, from_="0.0.0.0/0", description="alt https")]),\n'
)
PUBLIC_SSH = (
    '            web_tier(WEB, "shop public web tier", admin_from=via_bastion, tags=TAGS,\n'
    '                     rules=[ingress(svc.SSH, from_="0.0.0.0/0", description="vendor",\n'
    '                                    waivers=[waive("open-admin-port", "vendor box",\n'
    '                                                   "2099-12-31")])]),\n'
)


def cli(*args: str) -> Any:
    return runner.invoke(app, list(args))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the project whose stacks are imported from the copy (so they can change)."""
    for name in ("stacks", "modules"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for path in ROOT.glob("Pulumi*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "state").mkdir()
    for mod in [m for m in sys.modules if m.split(".")[0] in ("stacks", "modules")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_SHA", SHA)
    yield tmp_path
    for mod in [m for m in sys.modules if m.split(".")[0] in ("stacks", "modules")]:
        sys.modules.pop(mod, None)


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[LocalEcs, Plugin]]:
    """The local endpoint serving the brownfield prod estate (staging's VPC is empty), and the
    sgplan provider plugin talking to it."""
    with LocalEcs(EcsStore.from_state(prod_snapshot())) as ecs, plugin(ecs.endpoint) as p:
        monkeypatch.setenv("SGPLAN_ECS_ENDPOINT", ecs.endpoint)
        monkeypatch.setenv("SGPLAN_ECS_RATE", "2000")
        p.configure(region=REGION)
        yield ecs, p


def change_prod(project: Path, new: str) -> None:
    path = project / "stacks" / "prod.py"
    text = path.read_text()
    assert EDIT in text
    text = text.replace(EDIT, new).replace(
        "from sgplan import Stack, allows,", "from sgplan import Stack, allows, ingress, waive,"
    )
    path.write_text(text)
    # each CLI run is a fresh process; in this one, forget the stack modules imported so far
    for mod in [m for m in sys.modules if m.split(".")[0] == "stacks"]:
        del sys.modules[mod]


def live_state(ecs: LocalEcs, stack: Stack) -> State:
    from sgplan.live import read_live_for_stack

    config = LiveConfig(region=REGION, endpoint=ecs.endpoint, rate=2000.0)
    return read_live_for_stack(stack, config).state


def pulumi_up(ecs: LocalEcs, p: Plugin, name: str) -> None:
    """What `pulumi up --stack NAME` does: pulumi-alicloud creates and updates the groups and
    prefix lists; the sgplan provider applies one RuleSet per group (Check, Diff, Create)."""
    stack = load_stack(name)
    plan = plan_stack(stack, live_state(ecs, stack), PlanOptions(max_remove_share=1.0))
    writer = connect(LiveConfig(region=REGION, endpoint=ecs.endpoint, rate=2000.0))
    list_ids = _alicloud_prefix_lists(plan, writer)
    ids = _alicloud_groups(plan, writer)
    for g in stack.groups:
        news = inputs_for(g, ids[g.name], ids, list_ids, mode="sync")
        checked, failures = p.check(g.name, news)
        assert failures == [], failures
        diff = p.diff(g.name, ids[g.name], {}, checked)
        if diff.changes or g.name not in _existing(plan):
            p.create(g.name, checked)


def _existing(plan: Plan) -> set[str]:
    return {g.name for g in plan.groups if g.live is not None and g.desired is not None}


def _alicloud_prefix_lists(plan: Plan, writer: Any) -> dict[str, str]:
    ids: dict[str, str] = {}
    for pl in plan.prefix_lists:
        if pl.desired is None:
            continue
        if pl.live is None:
            ids[pl.desired.name] = writer.create_prefix_list(pl.desired)
            continue
        assert pl.live.id is not None
        if pl.add_entries or pl.remove_entries:
            writer.modify_prefix_list(pl.live.id, add=pl.add_entries, remove=pl.remove_entries)
        ids[pl.desired.name] = pl.live.id
    return ids


def _alicloud_groups(plan: Plan, writer: Any) -> dict[str, str]:
    ids: dict[str, str] = {}
    for g in plan.groups:
        if g.desired is None:
            continue
        if g.live is None:
            ids[g.name] = writer.create_group(g.desired.model_copy(update={"rules": ()}))
            continue
        assert g.live.id is not None
        ids[g.name] = g.live.id
        for change in g.attributes:
            if change.field == "description":
                writer.modify_group(g.live.id, description=change.after)
            elif change.field.startswith("tags."):
                key = change.field[len("tags.") :]
                if change.after is None:
                    writer.untag(g.live.id, [key])
                else:
                    writer.tag(g.live.id, {key: change.after})
            else:
                raise AssertionError(f"not handled in this test: {change}")
    return ids


def test_pull_request_to_production_through_the_provider(project, cloud):
    ecs, p = cloud
    # 1. pull prod; change the stack (one new public port on the web tier)
    pulled = cli("pull", "--stack", "prod")
    assert pulled.exit_code == 0, pulled.output
    assert (project / "state" / "prod.json").is_file()
    change_prod(project, ADD_ALT_HTTPS)
    valid = cli("validate", "--stack", "prod")
    assert valid.exit_code == 0, valid.output
    assert cli("test", "--stack", "staging").exit_code == 0

    # 2. plan: the prod change is blocked until staging proved it
    blocked = cli("plan", "--stack", "prod", "--live")
    assert blocked.exit_code == 1 and "has not been applied to staging" in blocked.output
    assert "+ ingress accept tcp 8443 from 0.0.0.0/0 priority 1" in blocked.output
    staging_plan = cli("plan", "--stack", "staging", "--live", "--format", "json")
    assert staging_plan.exit_code == 0, staging_plan.output
    assert json.loads(staging_plan.output)["summary"]["add"] > 0

    # 3. apply to staging through the provider, verify, record
    pulumi_up(ecs, p, "staging")
    verified = cli("verify", "--stack", "staging", "--live", "--record")
    assert verified.exit_code == 0, verified.output
    assert "PASS drift: live equals the stack" in verified.output
    assert f"change of prod rehearsed on staging at {SHA[:12]}: verified" in verified.output

    # 4. the gate now passes and says what is next
    ready = cli("plan", "--stack", "prod", "--live")
    assert ready.exit_code == 0, ready.output
    assert f"applied to staging at {SHA[:12]}, verified" in ready.output
    assert "next: `pulumi up --stack prod`" in ready.output

    # 5. apply prod through the provider, verify, re-plan
    pulumi_up(ecs, p, "prod")
    done = cli("verify", "--stack", "prod", "--live", "--record", "--format", "json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.output.split("\nrecorded in ")[0] if "recorded in" in done.output
                        else done.output)  # fmt: skip
    assert report["passed"] is True and report["failed"] == []
    again = cli("plan", "--stack", "prod", "--live", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes." in again.output
    entries = json.loads((project / "state" / "promotion.json").read_text())["entries"]
    assert {(e["stack"], e["target"], e["passed"]) for e in entries} == {
        ("staging", None, True), ("staging", "prod", True), ("prod", None, True)
    }  # fmt: skip


def test_a_change_that_breaks_an_intent_on_staging_stops_before_prod(project, cloud):
    ecs, p = cloud
    prod_before = live_state(ecs, load_stack("prod"))
    # SSH from anywhere on the web tier: lint is waived (a vendor box), but the stack's
    # intent "no public SSH on web" does not hold once it is live
    change_prod(project, PUBLIC_SSH)
    assert cli("lint", "--stack", "staging").exit_code == 0  # waived: the program would run

    pulumi_up(ecs, p, "staging")
    failed = cli("verify", "--stack", "staging", "--live", "--record")
    assert failed.exit_code == 1, failed.output
    assert "FAIL intents" in failed.output and "no public SSH on web" in failed.output
    assert "verification FAILED (intents)" in failed.output

    gate = cli("plan", "--stack", "prod", "--live")
    assert gate.exit_code == 1
    assert f"applied to staging at {SHA[:12]}, verification FAILED (intents)" in gate.output
    # prod was never touched
    assert _rules(live_state(ecs, load_stack("prod"))) == _rules(prod_before)


def _rules(state: State) -> dict[str | None, list[tuple[str, str]]]:
    return {g.id: sorted((str(r.key), r.description or "") for r in g.rules) for g in state.groups}
