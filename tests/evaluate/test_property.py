"""Property tests: on random NICs the evaluator, the effective-access sets (and their
rendering) and the semantic diff agree with the reference judge on sampled packets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sgplan.evaluate.access import Flow, FlowSet, effective_access
from sgplan.evaluate.catalog import Context, GroupIndex
from sgplan.evaluate.diff import _meanings, _narrowed, access_change
from sgplan.evaluate.evaluator import Evaluator
from sgplan.evaluate.packet import Packet
from sgplan.evaluate.reference import judge
from sgplan.evaluate.space import (
    GROUP_HI,
    GROUPS,
    PROTOCOLS,
    IntervalSet,
    address_point,
    cidr_interval,
    contains,
    intersect,
    normalize,
    peer_domain,
    port_domain,
    subtract,
    union,
)
from sgplan.model import PrefixList

from .strategies import GROUP_NAMES, PREFIX_LISTS, groups, nics, packets, rules

SETTINGS = settings(max_examples=150, deadline=None)
CHANGED_LISTS = (
    PrefixList(name="pl-a", max_entries=5, entries=("10.0.0.0/8",)),
    *PREFIX_LISTS[1:],
)


def _single_point(ev: Evaluator, pk: Packet) -> int | None:
    """The one peer point of a packet that is an address alone or a member of one group."""
    if pk.address is not None and not pk.groups:
        return address_point(pk.address)
    if pk.address is None and len(pk.groups) == 1:
        return ev.context.index.point(pk.groups[0])
    return None


def _port(pk: Packet) -> int:
    return pk.port if pk.port is not None else 0


@SETTINGS
@given(nic=nics(), pks=st.lists(packets(), min_size=1, max_size=25))
def test_evaluator_agrees_with_the_reference_judge(nic, pks):
    ctx = Context.of(nic, PREFIX_LISTS)
    ev = Evaluator(nic, ctx)
    for pk in pks:
        got = ev.decide(pk)
        want = judge(nic, pk, ctx)
        assert got.outcome == want.outcome, (pk.text(), got.reason)
        if want.outcome == "unknown" or want.varies:
            continue
        if want.intra_group:
            assert got.decided_by == "intra-group"
        elif want.group is None:
            assert got.decided_by == "default", got.reason
        else:
            assert got.rule is not None
            assert (got.rule.group, got.rule.position) == (want.group, want.position)


@SETTINGS
@given(nic=nics(), pks=st.lists(packets(), min_size=1, max_size=25))
def test_effective_access_holds_exactly_the_accepted_packets(nic, pks):
    ctx = Context.of(nic, PREFIX_LISTS)
    ev = Evaluator(nic, ctx)
    access = {d: effective_access(ev.decision_map(d)) for d in ("ingress", "egress")}
    for pk in pks:
        point = _single_point(ev, pk)
        if point is None:
            continue
        acc = access[pk.direction]
        want = judge(nic, pk, ctx).outcome
        allowed = contains(acc.allowed.peers_at(pk.protocol, _port(pk)), point)
        maybe = contains(acc.undetermined.peers_at(pk.protocol, _port(pk)), point)
        assert allowed == (want == "accept"), pk.text()
        assert maybe == (want == "unknown"), pk.text()


@SETTINGS
@given(nic=nics())
def test_rendered_flows_cover_the_set_exactly(nic):
    ctx = Context.of(nic, PREFIX_LISTS)
    ev = Evaluator(nic, ctx)
    for direction in ("ingress", "egress"):
        acc = effective_access(ev.decision_map(direction))
        for fs in (acc.allowed, acc.undetermined):
            assert _parse_back(fs.flows(ctx.index), ctx.index) == fs


@SETTINGS
@given(
    old=nics(),
    new_rules=st.lists(st.sampled_from(GROUP_NAMES[:3]), max_size=3),
    data=st.data(),
    pks=st.lists(packets(), min_size=1, max_size=25),
    lists_change=st.booleans(),
)
def test_semantic_diff_agrees_with_judging_both_versions(old, new_rules, data, pks, lists_change):
    new = [data.draw(groups(g.name, g.type)) if g.name in new_rules else g for g in old]
    old_ctx = Context.of(old, PREFIX_LISTS)
    new_ctx = old_ctx.with_lists(CHANGED_LISTS if lists_change else PREFIX_LISTS)
    before, after = Evaluator(old, old_ctx), Evaluator(new, new_ctx)
    changes = {d: access_change(before, after, d) for d in ("ingress", "egress")}
    for pk in pks:
        point = _single_point(after, pk)
        if point is None:
            continue
        was = judge(old, pk, old_ctx).outcome
        now = judge(new, pk, new_ctx).outcome
        change = changes[pk.direction]
        where = (pk.protocol, _port(pk))
        assert contains(change.allowed.peers_at(*where), point) == (
            was == "drop" and now == "accept"
        ), pk.text()
        assert contains(change.denied.peers_at(*where), point) == (
            was == "accept" and now == "drop"
        ), pk.text()
        assert contains(change.undetermined.peers_at(*where), point) == (
            now == "unknown" and was != "unknown"
        ), pk.text()


def _parse_back(flows: list[Flow], index: GroupIndex) -> FlowSet:
    """Read rendered flows back into a set, to prove they say exactly what the set holds."""
    parts: dict[str, list[tuple[int, int, IntervalSet]]] = {p: [] for p in PROTOCOLS}
    for flow in flows:
        peers = _peers_back(flow.peers, index)
        protos = PROTOCOLS if flow.protocol == "all" else (flow.protocol,)
        for proto in protos:
            ranges = [(r.start, r.end) for r in flow.ports] if flow.ports else [port_domain(proto)]
            for lo, hi in ranges:
                parts[proto].append((lo, hi, intersect(peers, peer_domain(proto))))
    out = FlowSet({})
    for proto, items in parts.items():
        for lo, hi, peers in items:
            if peers:
                out = out | FlowSet({proto: ((lo, hi, peers),)})
    return out


def _peers_back(texts: tuple[str, ...], index: GroupIndex) -> IntervalSet:
    out: IntervalSet = ()
    tail = ((index.known_end, GROUP_HI),)
    for text in texts:
        if text == "any group":
            part = GROUPS
        elif text.startswith("any group except "):
            names = text[len("any group except ") :].split(", ")
            part = subtract(GROUPS, normalize((p, p) for p in (_point(n, index) for n in names)))
        elif text == "any other group":
            part = tail
        elif text.startswith("group:") or text.startswith("sg-"):
            p = _point(text, index)
            part = ((p, p),)
        else:
            part = (cidr_interval(text),)
        out = union(out, normalize(part))
    return out


def _point(label: str, index: GroupIndex) -> int:
    return index.point(label[len("group:") :] if label.startswith("group:") else label)


@SETTINGS
@given(old=groups("g0"), data=st.data(), lists_change=st.booleans())
def test_a_group_cut_down_to_the_changed_ports_changes_the_same_flows(old, data, lists_change):
    """The plan's semantic diff evaluates each group cut down to the rules whose ports meet
    a changed rule (sgplan.evaluate.narrow); it must find exactly the flows the whole
    groups do."""
    keep = data.draw(st.lists(st.booleans(), min_size=len(old.rules), max_size=len(old.rules)))
    extra = data.draw(st.lists(rules(), max_size=4))
    kept = [r for r, k in zip(old.rules, keep, strict=True) if k]
    new = old.model_copy(update={"rules": tuple(kept + extra)})
    old_ctx = Context.of([old], PREFIX_LISTS)
    new_ctx = old_ctx.with_lists(CHANGED_LISTS if lists_change else PREFIX_LISTS)
    whole = [
        access_change(Evaluator([old], old_ctx), Evaluator([new], new_ctx), d)
        for d in ("ingress", "egress")
    ]
    directory = old_ctx.directory
    small_old, small_new = _narrowed(
        old, new, old_ctx, new_ctx, _meanings(old, directory), _meanings(new, directory)
    )
    cut = [
        access_change(Evaluator([small_old], old_ctx), Evaluator([small_new], new_ctx), d)
        for d in ("ingress", "egress")
    ]
    for a, b in zip(whole, cut, strict=True):
        assert (a.allowed, a.denied, a.undetermined) == (b.allowed, b.denied, b.undetermined)
