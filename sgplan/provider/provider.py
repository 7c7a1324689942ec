"""The sgplan Pulumi provider on ``pulumi.provider.experimental``: one resource,
``sgplan:ecs:RuleSet``, the complete rule set of one security group.

Every method turns property values into plain data, does its work in a thread (the ECS
calls block), and answers in Pulumi's terms. Errors that a user can act on are raised as
``RuleSetError``/``InputError`` messages naming the group; credentials are never echoed.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from ..apply import ApplyError, EcsWriter
from ..live.client import CallFailed
from .config import ProviderConfig
from .inputs import RuleSetInputs, parse_inputs
from .ruleset import (
    ADD,
    DELETE,
    RuleSetError,
    applied_after,
    apply,
    detailed_diff,
    live_names,
    outputs,
    plan_ruleset,
    read_live,
    refuse_managed,
    revoke,
    state_inputs,
)
from .schema import RULESET, schema_json
from .values import UNKNOWN, has_unknown, plain_map, value_map

KINDS = {ADD: PropertyDiffKind.ADD, DELETE: PropertyDiffKind.DELETE,
         "update": PropertyDiffKind.UPDATE}  # fmt: skip
REPLACE_KEYS = ("groupId", "region")


class SgplanProvider(Provider):
    def __init__(self) -> None:
        super().__init__()
        self.config = ProviderConfig()
        self._writers: dict[str, EcsWriter] = {}
        self._lock = threading.Lock()

    # -- plumbing --------------------------------------------------------------------------

    def writer(self, region: str) -> EcsWriter:
        with self._lock:
            found = self._writers.get(region)
            if found is None:
                found = self._writers[region] = self.config.writer(region)
            return found

    @staticmethod
    async def _run(fn: Any, *args: Any) -> Any:
        try:
            return await asyncio.to_thread(fn, *args)
        except CallFailed as exc:
            raise RuleSetError(str(exc.failure)) from None
        except ApplyError as exc:
            raise RuleSetError(str(exc)) from None

    @staticmethod
    def _check_type(urn: str) -> None:
        kind = urn.split("::")[-2] if "::" in urn else ""
        if kind and kind != RULESET:
            raise RuleSetError(f"unknown resource type {kind!r}; this provider has {RULESET}")

    @staticmethod
    def _inputs(values: Mapping[str, PropertyValue]) -> RuleSetInputs:
        inputs, failures = parse_inputs(plain_map(values))
        if failures:
            lines = "; ".join(f"{f.property}: {f.reason}" for f in failures)
            raise RuleSetError(f"invalid RuleSet inputs: {lines}")
        return inputs

    # -- the provider protocol --------------------------------------------------------------

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema=schema_json())

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        failures = ProviderConfig.problems(plain_map(request.new_inputs))
        return CheckResponse(
            inputs=request.new_inputs,
            failures=[CheckFailure(p, r) for p, r in failures] or None,
        )

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        self.config = ProviderConfig.from_request(dict(request.variables), plain_map(request.args))
        with self._lock:
            self._writers.clear()
        return ConfigureResponse(
            accept_secrets=True, supports_preview=True, accept_resources=False, accept_outputs=False
        )

    async def check(self, request: CheckRequest) -> CheckResponse:
        self._check_type(request.urn)
        raw = plain_map(request.new_inputs)
        # values Pulumi does not know yet (a new group's ID, a peer group's ID) are checked
        # when they are known; everything else is checked now
        known = dict(raw)
        if known.get("groupId") is UNKNOWN:
            known["groupId"] = "sg-known-after-apply"
        if known.get("region") is UNKNOWN:
            known["region"] = "known-after-apply"
        if known.get("mode") is UNKNOWN:
            known.pop("mode")
        rules = known.get("rules")
        if rules is UNKNOWN:
            known.pop("rules")
        elif isinstance(rules, dict):
            known["rules"] = {n: r for n, r in rules.items() if not has_unknown(r)}
        _, failures = parse_inputs(known)
        return CheckResponse(
            inputs=request.new_inputs,
            failures=[CheckFailure(f.property, f.reason) for f in failures] or None,
        )

    async def diff(self, request: DiffRequest) -> DiffResponse:
        self._check_type(request.urn)
        news = plain_map(request.new_inputs)
        olds = plain_map(request.old_state)
        replaces = [k for k in REPLACE_KEYS if k in olds and news.get(k) != olds.get(k)]
        if replaces:
            return DiffResponse(changes=True, replaces=replaces, diffs=replaces,
                                detailed_diff={k: PropertyDiff(PropertyDiffKind.UPDATE_REPLACE, True)
                                               for k in replaces})  # fmt: skip
        if has_unknown(news):
            return DiffResponse(changes=True, diffs=["rules"],
                                detailed_diff={"rules": PropertyDiff(PropertyDiffKind.UPDATE, True)})  # fmt: skip
        inputs = self._inputs(request.new_inputs)
        entries = await self._run(self._plan_entries, inputs)
        detailed = {p: PropertyDiff(KINDS[k], True) for p, k in entries.items()}
        if olds.get("mode") and olds.get("mode") != inputs.mode:
            detailed["mode"] = PropertyDiff(PropertyDiffKind.UPDATE, True)
        diffs = sorted({p.split("[")[0].split(".")[0] for p in detailed})
        return DiffResponse(changes=bool(detailed), diffs=diffs, detailed_diff=detailed)

    def _plan_entries(self, inputs: RuleSetInputs) -> dict[str, str]:
        writer = self.writer(inputs.region)
        live = read_live(writer, inputs)
        gplan = plan_ruleset(inputs, live)
        refuse_managed(inputs, live, gplan)
        return detailed_diff(inputs, gplan)

    async def create(self, request: CreateRequest) -> CreateResponse:
        self._check_type(request.urn)
        raw = plain_map(request.properties)
        if request.preview:
            return CreateResponse(resource_id="", properties=value_map(_preview_outputs(raw)))
        inputs = self._inputs(request.properties)
        props = await self._run(self._apply, inputs, {})
        return CreateResponse(resource_id=inputs.group_id, properties=value_map(props))

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        self._check_type(request.urn)
        if request.preview:
            return UpdateResponse(properties=value_map(_preview_outputs(plain_map(request.news))))
        inputs = self._inputs(request.news)
        before = plain_map(request.olds).get("appliedRuleIds") or {}
        props = await self._run(self._apply, inputs, dict(before))
        return UpdateResponse(properties=value_map(props))

    def _apply(self, inputs: RuleSetInputs, before: dict[str, str]) -> dict[str, Any]:
        done = apply(self.writer(inputs.region), inputs)
        applied = applied_after(inputs, done.group, before, done.authorized)
        return outputs(inputs, done.group, applied, done.plan)

    async def read(self, request: ReadRequest) -> ReadResponse:
        self._check_type(request.urn)
        props = plain_map(request.properties)
        old_inputs = plain_map(request.inputs)
        result = await self._run(self._read, request.resource_id, props, old_inputs)
        if result is None:
            return ReadResponse(resource_id=None)  # the group is gone: so is the rule set
        new_props, new_inputs = result
        return ReadResponse(
            resource_id=request.resource_id,
            properties=value_map(new_props),
            inputs=value_map(new_inputs),
        )

    def _read(
        self, group_id: str, props: dict[str, Any], old_inputs: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Refresh (``props`` known): the live rules this RuleSet holds, drift included.
        Import (nothing known but the group ID): the group's live rules as the inputs."""
        base = old_inputs or props
        region = str(base.get("region") or self.config.region or "")
        if not region:
            raise RuleSetError(
                f"cannot read {group_id}: no region; set `pulumi config set sgplan:region "
                "cn-hangzhou` (the provider's region for imports)"
            )
        raw = {**base, "groupId": group_id, "region": region}
        raw.setdefault("mode", "sync")
        inputs, _ = parse_inputs({k: raw.get(k) for k in ("groupId", "region", "groupName",
                                                          "mode", "rules")})  # fmt: skip
        writer = self.writer(region)
        live = writer.read_group(group_id)
        if live is None:
            return None
        if not inputs.group_name:
            inputs.group_name = live.name
        if inputs.mode == "sync":
            held = live_names(inputs, live.rules)
        else:  # additive: only the declared rules are this RuleSet's business
            keys = inputs.names_by_key()
            held = {keys[r.key]: r for r in live.rules if r.key in keys}
        before = props.get("appliedRuleIds") or {}
        live_ids = {r.rule_id for r in live.rules}
        applied = {n: i for n, i in before.items() if i in live_ids}
        if not old_inputs and not props.get("rules"):  # import: adopt what is live
            inputs.rules = live_names(inputs, live.rules)
            new_inputs = state_inputs(inputs)
            return outputs(inputs, live, {}, None), new_inputs
        state = outputs(inputs, live, applied, None)
        state["rules"] = state_inputs(inputs, held)["rules"]
        return state, state_inputs(inputs)

    async def delete(self, request: DeleteRequest) -> None:
        self._check_type(request.urn)
        props = plain_map(request.properties)
        applied = props.get("appliedRuleIds") or {}
        region = str(props.get("region") or self.config.region or "")
        if not applied or not region:
            return
        await self._run(revoke, self.writer(region), request.resource_id,
                        str(props.get("groupName") or ""), region, list(applied.values()))  # fmt: skip


def _preview_outputs(raw: dict[str, Any]) -> dict[str, Any]:
    out = {k: raw.get(k) for k in ("groupId", "region", "groupName", "mode", "rules")}
    out.update({"ruleIds": UNKNOWN, "appliedRuleIds": UNKNOWN, "counts": UNKNOWN,
                "fingerprint": UNKNOWN})  # fmt: skip
    return out
