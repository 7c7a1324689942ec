"""Execute a plan against the ECS API: the one apply engine (``sgplan apply`` and the Pulumi
provider both call it).

    writer = connect(LiveConfig(region="cn-hangzhou"))
    result = apply_plan(plan, writer)          # raises ApplyRefused / ApplyImpossible / ApplyFailed

The order of calls is :mod:`sgplan.apply.schedule`'s, computed before the first call; a plan
that cannot be applied safely raises :class:`ApplyImpossible` with nothing called. Each call
is paced and retried by the client (throttling, 5xx, dropped connections); the first error
that retrying cannot cure stops the apply with :class:`ApplyFailed`, which lists the calls
that succeeded. Cloud semantics the engine relies on: authorizing an existing rule is a
no-op (so a retried Authorize is harmless); revoking a rule ID that no longer exists fails
(``InvalidParam.SecurityGroupRuleId``), so the group is re-read and only the rules still
there are revoked.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import groupby
from typing import NoReturn

from ..formats.api import describe_item
from ..live.client import CallFailed
from ..live.writer import EcsWriter
from ..model.group import Member, PrefixList
from ..model.rule import Rule
from ..plan.model import GroupPlan, Plan
from ..plan.planner import Resolver
from .result import (
    ApplyFailed,
    ApplyImpossible,
    ApplyRefused,
    ApplyResult,
    CallRecord,
    GroupOutcome,
)
from .schedule import Limits, Op, Schedule, build_schedule

Progress = Callable[[int, int, CallRecord], None]
"""called after each call with (calls done, calls planned, the call)"""

VANISHED = "InvalidParam.SecurityGroupRuleId"

ADVICE = {
    "AuthorizationLimitExceed": "the group would exceed its rule quota (200 rules, prefix "
    "lists counted at max_entries)",
    "AuthorizedGroupRule.LimitExceed": "the group would hold more than 20 rules whose peer "
    "is a group",
    "QuotaExceed.NetworkInterfaceRules": "a NIC in this group would carry more than 1,000 rules",
    "InvalidParam.DuplicatePermissions": "the request held the same rule twice",
    "InvalidOperation.ResourceManagedByCloudProduct": "the group is managed by a cloud "
    "product and is read-only; leave it out of the stack",
    "InvalidSecurityGroupId.NotFound": "the group no longer exists; run `sgplan plan` again",
    "DependencyViolation": "the group is still attached to instances or ENIs, or referenced "
    "by another group's rule",
    "InvalidOperation.DeletionProtection": "the group has deletion protection on (for "
    "example an ACK cluster protects it until the cluster is deleted)",
    "Forbidden.RAM": "the credentials may not write; grant ecs:AuthorizeSecurityGroup and "
    "the other write actions to the RAM user or role",
}


def _token(*parts: str) -> str:
    return "sgplan-" + hashlib.sha256("/".join(parts).encode()).hexdigest()[:32]


class _Run:
    def __init__(self, plan: Plan, writer: EcsWriter, schedule: Schedule,
                 progress: Progress | None, ids: dict[str, str]) -> None:  # fmt: skip
        self.plan = plan
        self.writer = writer
        self.schedule = schedule
        self.progress = progress
        self.result = ApplyResult()
        self.group_ids: dict[int, str] = {}
        self.list_ids: dict[int, str] = {}
        self.names = dict(ids)
        self.list_names: dict[str, str] = {}
        for i, g in enumerate(plan.groups):
            if g.live is not None and g.live.id and g.action not in ("create", "replace"):
                self.group_ids[i] = g.live.id
                if g.desired is not None:
                    self.names.setdefault(g.desired.name, g.live.id)
                self.names.setdefault(g.live.name, g.live.id)
        for i, p in enumerate(plan.prefix_lists):
            if p.live is not None and p.live.id and p.action not in ("create", "replace"):
                self.list_ids[i] = p.live.id
                self.list_names[(p.desired or p.live).name] = p.live.id
        self.done = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()

    # -- bookkeeping -----------------------------------------------------------------------

    def record(self, action: str, target: str, rules: int = 0, note: str = "") -> None:
        call = CallRecord(action, target, rules, True, note)
        with self._lock:
            self.result.calls.append(call)
            self.done += 1
            done = self.done
            if self.progress is not None:
                self.progress(done, max(done, self.schedule.calls), call)

    def fail(
        self, action: str, target: str, exc: CallFailed, rules: Sequence[Rule] = ()
    ) -> NoReturn:
        f = exc.failure
        call = CallRecord(action, target, len(rules), False, f.code)
        with self._lock:
            self.result.calls.append(call)
        advice = ADVICE.get(f.code, f.message)
        message = f"{f.code}{f' (HTTP {f.status})' if f.status else ''}: {advice}"
        if f.attempts > 1:
            message += f" (after {f.attempts} attempts)"
        if rules:
            shown = "; ".join(str(r) for r in rules[:3])
            more = f" and {len(rules) - 3} more" if len(rules) > 3 else ""
            message += f"; rules: {shown}{more}"
        raise ApplyFailed(f"{action} on {target}", f, self.result, message)

    def label(self, i: int) -> str:
        g = self.plan.groups[i]
        gid = self.group_ids.get(i)
        return f"{g.name} ({gid})" if gid else g.name

    def resolver(self) -> Resolver:
        return Resolver(self.names, self.list_names)

    def resolve(self, rules: Sequence[Rule]) -> list[Rule]:
        res = self.resolver()
        out: list[Rule] = []
        seen = set()
        for r in rules:
            peer = res.peer(r.peer)
            rr = r if peer is r.peer else r.model_copy(update={"peer": peer})
            if rr.peer.kind in ("group_name", "prefix_list_name"):
                raise ApplyFailed(f"rule {r}", None, self.result,
                                  f"its peer {r.peer} is neither in the plan nor live")  # fmt: skip
            if rr.key not in seen:  # never send the same rule twice in one request
                seen.add(rr.key)
                out.append(rr)
        return out

    # -- the ops ---------------------------------------------------------------------------

    def _lane(self, ops: list[Op]) -> None:
        for op in ops:
            if self._stop.is_set():
                return
            try:
                getattr(self, "_" + op.kind.replace("-", "_"))(op)
            except BaseException:
                self._stop.set()  # the other lanes finish their call in flight, then stop
                raise

    def run(self) -> ApplyResult:
        """Phase after phase; within a phase, the lanes (groups) run at once, each lane's
        calls in order; the first failure stops every lane before its next call."""
        started = time.perf_counter()
        retries_before = self.writer.stats.retry_count
        workers = max(1, self.writer.config.concurrency)
        try:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for _, phase_ops in groupby(self.schedule.ops, key=lambda o: o.phase):
                    lanes: dict[str, list[Op]] = {}
                    for op in phase_ops:
                        lanes.setdefault(op.lane_key, []).append(op)
                    if len(lanes) == 1 or workers == 1:
                        for ops in lanes.values():
                            self._lane(ops)
                        continue
                    futures = [pool.submit(self._lane, ops) for ops in lanes.values()]
                    errors = [f.exception() for f in futures]
                    first = next((e for e in errors if e is not None), None)
                    if first is not None:
                        raise first
        finally:
            self.result.seconds = time.perf_counter() - started
            self.result.retries = self.writer.stats.retry_count - retries_before
            self.result.ids = {
                **self.names,
                **{f"prefix-list:{k}": v for k, v in self.list_names.items()},
            }
        return self.result

    def _create_prefix_list(self, op: Op) -> None:
        assert op.prefix_list is not None
        p = self.plan.prefix_lists[op.prefix_list]
        assert p.desired is not None
        desired: PrefixList = p.desired
        try:
            pl_id = self.writer.create_prefix_list(
                desired, _token(self.plan.stack, "pl", desired.name)
            )
        except CallFailed as exc:
            self.fail("CreatePrefixList", desired.name, exc)
        self.list_ids[op.prefix_list] = pl_id
        self.list_names[desired.name] = pl_id
        self.result.created[f"prefix-list:{desired.name}"] = pl_id
        self.record("CreatePrefixList", f"{desired.name} ({pl_id})", len(desired.entries))

    def _create_group(self, op: Op) -> None:
        assert op.group is not None
        g = self.plan.groups[op.group]
        assert g.desired is not None
        desired = g.desired
        if desired.network == "vpc" and not desired.vpc_id:
            raise ApplyFailed(f"creating {g.name}", None, self.result, "the stack gives no vpc_id")
        try:
            sg_id = self.writer.create_group(
                desired, _token(self.plan.stack, "sg", desired.name, g.action)
            )
        except CallFailed as exc:
            self.fail("CreateSecurityGroup", g.name, exc)
        self.group_ids[op.group] = sg_id
        self.names[desired.name] = sg_id
        self.result.created[desired.name] = sg_id
        self.record("CreateSecurityGroup", f"{g.name} ({sg_id})")
        if desired.type == "normal" and desired.inner_access_policy == "drop":
            try:
                self.writer.modify_policy(sg_id, "drop")
            except CallFailed as exc:
                self.fail("ModifySecurityGroupPolicy", self.label(op.group), exc)
            self.record("ModifySecurityGroupPolicy", self.label(op.group), note="Drop")

    def _authorize(self, op: Op) -> None:
        assert op.group is not None and op.direction is not None
        sg = self.group_ids[op.group]
        rules = self.resolve(op.rules)
        action = "AuthorizeSecurityGroup" + ("" if op.direction == "ingress" else "Egress")
        try:
            self.writer.authorize(sg, op.direction, rules)
        except CallFailed as exc:
            self.fail(action, self.label(op.group), exc, rules)
        self.record(action, self.label(op.group), len(rules))

    def _revoke(self, op: Op) -> None:
        assert op.group is not None and op.direction is not None
        sg = self.group_ids[op.group]
        action = "RevokeSecurityGroup" + ("" if op.direction == "ingress" else "Egress")
        with_id = [r for r in op.rules if r.rule_id]
        without = [r for r in op.rules if not r.rule_id]
        if with_id:
            self._revoke_ids(op.group, sg, op.direction, action, with_id)
        if without:
            try:
                self.writer.revoke_rules(sg, op.direction, without)
            except CallFailed as exc:
                self.fail(action, self.label(op.group), exc, without)
            self.record(action, self.label(op.group), len(without), "by rule fields")

    def _revoke_ids(self, i: int, sg: str, direction: str, action: str, rules: list[Rule]) -> None:
        try:
            self.writer.revoke_ids(sg, direction, [r.rule_id or "" for r in rules])
            self.record(action, self.label(i), len(rules))
            return
        except CallFailed as exc:
            if exc.failure.code != VANISHED:
                self.fail(action, self.label(i), exc, rules)
        # some rule went away meanwhile (or a retried call had already removed it): re-read
        try:
            live = self.writer.read_group(sg)
        except CallFailed as exc:
            self.fail("DescribeSecurityGroupAttribute", self.label(i), exc)
        there = {r.rule_id for r in live.rules} if live is not None else set()
        keep = [r for r in rules if r.rule_id in there]
        for r in rules:
            if r.rule_id not in there:
                self.result.skipped.append(f"{self.label(i)}: {r} ({r.rule_id}) had already gone")
        if not keep:
            self.record(action, self.label(i), 0, "rules had already gone; skipped")
            return
        try:
            self.writer.revoke_ids(sg, direction, [r.rule_id or "" for r in keep])
        except CallFailed as exc:
            self.fail(action, self.label(i), exc, keep)
        self.record(action, self.label(i), len(keep), f"{len(rules) - len(keep)} already gone")

    def _describe(self, op: Op) -> None:
        assert op.group is not None and op.change is not None and op.direction is not None
        sg = self.group_ids[op.group]
        change = op.change
        action = "ModifySecurityGroup" + ("Rule" if op.direction == "ingress" else "EgressRule")
        rule_id = change.live.rule_id
        if not rule_id:
            live = self.writer.read_group(sg)
            found = [r for r in (live.rules if live else ()) if r.key == change.live.key]
            rule_id = found[0].rule_id if found else None
        if not rule_id:
            self.result.skipped.append(f"{self.label(op.group)}: {change.live} had gone; "
                                       "its description was not set")  # fmt: skip
            return
        try:
            self.writer.modify_description(sg, op.direction, rule_id, change.rule.description or "")
        except CallFailed as exc:
            self.fail(action, self.label(op.group), exc, [change.rule])
        self.record(action, self.label(op.group), 1, "description")

    def _group_attributes(self, op: Op) -> None:
        assert op.group is not None
        g = self.plan.groups[op.group]
        assert g.desired is not None and g.live is not None
        sg = self.group_ids[op.group]
        fields = {a.field.split(".")[0] for a in op.attributes}
        label = self.label(op.group)
        try:
            if fields & {"name", "description"}:
                self.writer.modify_group(
                    sg, g.desired.name if "name" in fields else None,
                    (g.desired.description or "") if "description" in fields else None,
                )  # fmt: skip
                self.record("ModifySecurityGroupAttribute", label)
            if "inner_access_policy" in fields:
                self.writer.modify_policy(sg, g.desired.inner_access_policy)
                self.record("ModifySecurityGroupPolicy", label, note=g.desired.inner_access_policy)
            if "tags" in fields:
                want = dict(g.desired.tags)
                if self.plan.mode == "additive":
                    want = {**g.live.tags, **want}
                put = {k: v for k, v in want.items() if g.live.tags.get(k) != v}
                drop = [k for k in g.live.tags if k not in want]
                if put:
                    self.writer.tag(sg, put)
                    self.record("TagResources", label, note=", ".join(sorted(put)))
                if drop:
                    self.writer.untag(sg, drop)
                    self.record("UntagResources", label, note=", ".join(sorted(drop)))
        except CallFailed as exc:
            self.fail(exc.failure.action, label, exc)

    def _modify_prefix_list(self, op: Op) -> None:
        assert op.prefix_list is not None
        p = self.plan.prefix_lists[op.prefix_list]
        pl_id = self.list_ids[op.prefix_list]
        attrs = {a.field: a.after for a in op.attributes}
        try:
            self.writer.modify_prefix_list(pl_id, op.add_entries, op.remove_entries,
                                           attrs.get("name"), attrs.get("description"))  # fmt: skip
        except CallFailed as exc:
            self.fail("ModifyPrefixList", p.name, exc)
        self.record("ModifyPrefixList", f"{p.name} ({pl_id})",
                    note=f"+{len(op.add_entries)} -{len(op.remove_entries)} entries")  # fmt: skip

    def _delete_group(self, op: Op) -> None:
        assert op.group is not None
        g = self.plan.groups[op.group]
        assert g.live is not None and g.live.id
        try:
            self.writer.delete_group(g.live.id)
        except CallFailed as exc:
            if exc.failure.code != "InvalidSecurityGroupId.NotFound":
                self.fail("DeleteSecurityGroup", f"{g.name} ({g.live.id})", exc)
        self.result.deleted.append(g.live.id)
        self.record("DeleteSecurityGroup", f"{g.name} ({g.live.id})")

    def _delete_prefix_list(self, op: Op) -> None:
        assert op.prefix_list is not None
        p = self.plan.prefix_lists[op.prefix_list]
        assert p.live is not None and p.live.id
        try:
            self.writer.delete_prefix_list(p.live.id)
        except CallFailed as exc:
            if exc.failure.code != "InvalidPrefixListId.NotFound":
                self.fail("DeletePrefixList", p.name, exc)
        self.result.deleted.append(p.live.id)
        self.record("DeletePrefixList", f"{p.name} ({p.live.id})")

    # -- reading back ----------------------------------------------------------------------

    def read_back(self) -> None:
        touched = {i for op in self.schedule.ops if op.group is not None for i in [op.group]}
        for i in sorted(touched):
            g = self.plan.groups[i]
            if g.action == "delete" or i not in self.group_ids:
                continue
            sg = self.group_ids[i]
            known = g.desired or g.live
            item = describe_item(known.model_copy(update={"id": sg})) if known else None
            try:
                live = self.writer.read_group(sg, item)
            except CallFailed as exc:
                raise ApplyFailed(f"reading back {self.label(i)}", exc.failure, self.result,
                                  str(exc.failure)) from None  # fmt: skip
            if live is not None:
                self.result.groups[g.name] = GroupOutcome(g.name, self.group_ids[i], live)


def check_plan(plan: Plan, members: Sequence[Member] = (), limits: Limits | None = None,
               prefix_lists: Sequence[PrefixList] = ()) -> Schedule:  # fmt: skip
    """The schedule of ``plan``; raises before any call if the plan may not or cannot be applied."""
    blocking = [f for f in plan.findings if f.blocks]
    if blocking:
        lines = ["the plan has refusals or gates without consent; nothing was changed:"]
        lines += [f"  - {f.kind} {f.name}{f' ({f.group})' if f.group else ''}: {f.message}"
                  for f in blocking]  # fmt: skip
        raise ApplyRefused("\n".join(lines))
    schedule = build_schedule(plan, members, limits, prefix_lists)
    if schedule.problems:
        raise ApplyImpossible(schedule.problems)
    return schedule


def apply_plan(
    plan: Plan,
    writer: EcsWriter,
    *,
    members: Sequence[Member] = (),
    limits: Limits | None = None,
    prefix_lists: Sequence[PrefixList] = (),
    ids: dict[str, str] | None = None,
    progress: Progress | None = None,
    read_back: bool = True,
) -> ApplyResult:
    """Apply ``plan`` with ``writer``; returns what was done and the groups as read back.

    ``members`` (the NICs and their groups) enables the 1,000-rules-per-NIC check;
    ``ids`` maps group names outside the plan that rules refer to (``group:NAME``) to IDs.
    Raises :class:`ApplyRefused` or :class:`ApplyImpossible` before any call, and
    :class:`ApplyFailed` (holding the partial :class:`ApplyResult`) when a call fails.
    """
    schedule = check_plan(plan, members, limits, prefix_lists)
    run = _Run(plan, writer, schedule, progress, ids or {})
    result = run.run()
    if read_back:
        run.read_back()
    return result


def apply_group(
    group: GroupPlan,
    writer: EcsWriter,
    *,
    mode: str = "sync",
    ids: dict[str, str] | None = None,
    prefix_lists: Sequence[PrefixList] = (),
    members: Sequence[Member] = (),
    progress: Progress | None = None,
) -> ApplyResult:
    """Apply one group's plan (what the Pulumi provider's create/update/delete call)."""
    plan = Plan(stack="", region=writer.config.region, mode=mode,  # type: ignore[arg-type]
                sources=[], groups=[group])  # fmt: skip
    return apply_plan(plan, writer, members=members, prefix_lists=prefix_lists, ids=ids,
                      progress=progress)  # fmt: skip


__all__ = ["Progress", "apply_group", "apply_plan", "check_plan"]
