"""Read a region's live security groups into the canonical model.

One ``DescribeSecurityGroups`` listing (paged), then every group's rules with
``DescribeSecurityGroupAttribute`` (paged, both directions) on a thread pool, the NICs
(``DescribeNetworkInterfaces``) for multi-group evaluation and attachment counts, and the
prefix lists the rules name. All calls share one request-rate limit. A read either returns
the whole state or fails listing every call that failed: a partial snapshot is never written.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..formats.api import group_from_attribute, meta_from_describe
from ..formats.current import LoadedState
from ..model.group import LiveInfo, Member, PortRangeList, PrefixList, SecurityGroup
from ..model.issues import Issue, StackInvalid
from ..model.stack import Stack, State
from .client import CallFailed, CallStats, EcsApi, LiveConfig
from .errors import CallFailure, LiveReadError

Progress = Callable[[int, int], None]
"""called with (groups read, groups to read)"""


@dataclass
class Filters:
    vpc_id: str | None = None
    group_ids: list[str] = field(default_factory=list)
    group_type: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class LiveRead:
    loaded: LoadedState
    stats: CallStats
    seconds: float

    @property
    def state(self) -> State:
        return self.loaded.state


def _listing_pages(api: EcsApi, filters: Filters) -> Iterator[list[dict[str, Any]]]:
    ids = filters.group_ids
    chunks = [ids[i : i + 100] for i in range(0, len(ids), 100)] or [[]]  # 100 IDs a call
    for chunk in chunks:
        yield from api.security_group_pages(
            filters.vpc_id, chunk or None, filters.group_type, filters.tags
        )


def _prefix_list(body: dict[str, Any]) -> PrefixList:
    entries = (body.get("Entries") or {}).get("Entry") or []
    return PrefixList.model_validate(
        {
            "id": body.get("PrefixListId"),
            "name": body.get("PrefixListName") or body.get("PrefixListId"),
            "address_family": body.get("AddressFamily") or "IPv4",
            "max_entries": int(body.get("MaxEntries") or max(1, len(entries))),
            "description": body.get("Description") or None,
            "entries": [
                {"cidr": e.get("Cidr"), "description": e.get("Description") or None}
                for e in entries
            ],
        }
    )


def read_live(
    config: LiveConfig,
    filters: Filters | None = None,
    *,
    progress: Progress | None = None,
    credential: Any = None,
) -> LiveRead:
    """Read live state; raises :class:`LiveReadError` naming every call that failed.

    Groups are fetched as soon as their listing page arrives, and each group's rules are
    turned into the model by the thread that fetched them, while other calls wait on the
    network or the rate limit.
    """
    started = time.perf_counter()
    filters = filters or Filters()
    try:
        api = EcsApi(config, credential)
    except CallFailed as exc:
        raise LiveReadError(config.region, [exc.failure]) from None
    failures: list[CallFailure] = []
    parsed: list[tuple[SecurityGroup | None, list[Issue]]] = []
    nics: list[dict[str, Any]] = []
    lists: list[dict[str, Any]] = []
    port_lists: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max_workers=max(1, config.concurrency)) as pool:
        side = {
            "nics": pool.submit(api.describe_network_interfaces, filters.vpc_id),
            "lists": pool.submit(_read_prefix_lists, api),
            "port_lists": pool.submit(_read_port_lists, api),
        }
        futures: list[Future[tuple[SecurityGroup | None, list[Issue]]]] = []
        try:
            for page in _listing_pages(api, filters):
                futures += [pool.submit(_read_group, api, item) for item in page]
                if progress:
                    progress(sum(f.done() for f in futures), len(futures))
        except CallFailed as exc:
            failures.append(exc.failure)
            for f in futures:
                f.cancel()
        for n, future in enumerate(futures, start=1):
            if future.cancelled():
                continue
            try:
                parsed.append(future.result())
            except CallFailed as exc:
                failures.append(exc.failure)
            if progress:
                progress(n, len(futures))
        for key, into in (("nics", nics), ("lists", lists), ("port_lists", port_lists)):
            try:
                into.extend(side[key].result())
            except CallFailed as exc:
                failures.append(exc.failure)
        ids = [g.id for g, _ in parsed if g is not None and g.id]
        ref_futures = [
            pool.submit(api.describe_references, ids[i : i + 10]) for i in range(0, len(ids), 10)
        ]
        references: list[dict[str, Any]] = []
        for rf in ref_futures:
            try:
                references.extend(rf.result())
            except CallFailed as exc:
                failures.append(exc.failure)
    if failures:
        raise LiveReadError(config.region, failures)
    loaded = _assemble(config.region, parsed, nics, lists, port_lists, references)
    return LiveRead(loaded, api.stats, time.perf_counter() - started)


def _read_prefix_lists(api: EcsApi) -> list[dict[str, Any]]:
    return [api.describe_prefix_list(s["PrefixListId"]) for s in api.describe_prefix_lists()]


def _read_port_lists(api: EcsApi) -> list[dict[str, Any]]:
    out = []
    for summary in api.describe_port_range_lists():
        entries = api.describe_port_range_list_entries(summary["PortRangeListId"])
        out.append({**summary, "Entries": entries})
    return out


def _port_list(body: dict[str, Any]) -> PortRangeList:
    return PortRangeList.model_validate(
        {
            "id": body.get("PortRangeListId"),
            "name": body.get("PortRangeListName") or body.get("PortRangeListId"),
            "max_entries": int(body.get("MaxEntries") or max(1, len(body.get("Entries") or []))),
            "description": body.get("Description") or None,
            "entries": [
                {"ports": e.get("PortRange"), "description": e.get("Description") or None}
                for e in body.get("Entries") or []
            ],
        }
    )


def _read_group(api: EcsApi, item: dict[str, Any]) -> tuple[SecurityGroup | None, list[Issue]]:
    sg_id = item["SecurityGroupId"]
    if item.get("VpcId"):
        body = api.describe_attribute(sg_id)
    else:
        # classic: without NicType the API answers the internet side only (SPEC 6)
        body = api.describe_attribute(sg_id, "internet")
        private = api.describe_attribute(sg_id, "intranet")
        perms = body["Permissions"]["Permission"]
        seen = {p.get("SecurityGroupRuleId") for p in perms if p.get("SecurityGroupRuleId")}
        perms.extend(
            p for p in private["Permissions"]["Permission"]
            if not p.get("SecurityGroupRuleId") or p["SecurityGroupRuleId"] not in seen
        )  # fmt: skip
    try:
        return group_from_attribute(body, meta_from_describe(item), source=f"live {sg_id}")
    except StackInvalid as exc:
        return None, list(exc.issues)


def _assemble(
    region: str,
    parsed: list[tuple[SecurityGroup | None, list[Issue]]],
    nics: list[dict[str, Any]],
    lists: list[dict[str, Any]],
    port_lists: list[dict[str, Any]] | None = None,
    references: list[dict[str, Any]] | None = None,
) -> LoadedState:
    read = [g for g, _ in parsed if g is not None]
    warnings = [w for _, problems in parsed for w in problems]
    known = {g.id for g in read}
    nic_count: dict[str, int] = defaultdict(int)
    members: list[Member] = []
    for nic in nics:
        ids = list((nic.get("SecurityGroupIds") or {}).get("SecurityGroupId") or [])
        for sg in ids:
            nic_count[sg] += 1
        if any(sg in known for sg in ids):
            members.append(Member(nic=nic["NetworkInterfaceId"],
                                  instance=nic.get("InstanceId") or None, groups=tuple(ids)))  # fmt: skip
    referenced: dict[str, set[str]] = defaultdict(set)
    for g in read:
        for r in g.rules:
            if r.peer.kind == "group_id" and not r.peer.owner and r.peer.value != g.id:
                referenced[r.peer.value].add(g.id or "")
    for ref in references or ():
        target = str(ref.get("SecurityGroupId") or "")
        refs = (ref.get("ReferencingSecurityGroups") or {}).get("ReferencingSecurityGroup") or []
        for r in refs:
            sg = str(r.get("SecurityGroupId") or "")
            uid = str(r.get("AliUid") or "")
            if not sg or sg == target:
                continue
            # another account's group is written ACCOUNT/sg-...; our own by ID
            mine = sg in known
            referenced[target].add(sg if mine or not uid else f"{uid}/{sg}")
    groups = []
    for g in read:
        live = (g.live or LiveInfo()).model_copy(update={
            "nic_count": nic_count.get(g.id or "", 0),
            "referenced_by": tuple(sorted(referenced.get(g.id or "", ()))),
        })  # fmt: skip
        groups.append(g.model_copy(update={"live": live}))
    state = State(
        region=region,
        groups=tuple(sorted(groups, key=lambda g: (g.name, g.id or ""))),
        prefix_lists=tuple(sorted((_prefix_list(b) for b in lists), key=lambda p: p.name)),
        members=tuple(sorted(members, key=lambda m: m.nic)),
        port_lists=tuple(sorted((_port_list(b) for b in port_lists or ()), key=lambda p: p.name)),
    )
    return LoadedState(state, warnings, [f"live {region}"], ["live"])


def filters_for_stack(stack: Stack) -> Filters:
    """What to read for a stack: its VPC when all its groups share one, else the region."""
    vpcs = {g.vpc_id or stack.vpc_id for g in stack.groups}
    vpc = next(iter(vpcs)) if len(vpcs) == 1 else None
    return Filters(vpc_id=vpc)


def read_live_for_stack(
    stack: Stack, config: LiveConfig | None = None, *, progress: Progress | None = None
) -> LoadedState:
    config = config or LiveConfig.from_env(stack.region)
    return read_live(config, filters_for_stack(stack), progress=progress).loaded
