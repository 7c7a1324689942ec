"""Reachability checks over every view a rule is judged in: its group alone, each NIC that
joins the group (with all the NIC's groups, as ``sgplan check --nic`` judges it), and, for a
classic-network group, both NIC types (internet: the public side; intranet: the classic
private network the region's classic instances share).

* Exposure: a rule blamed on some NIC is reported at its service's severity, naming the
  NICs. A rule exposed only when its group is alone, while on every NIC joining the group
  a stronger (or equal-priority) rule of another group closes it, is reported as what it
  is: a latent exposure (``warning``), naming what closes it.
* Rules that never matter: ``shadowed-rule`` only for a rule that decides nothing in any
  view (naming the rules that decide instead), ``redundant-rule`` only for one whose
  removal changes no verdict in any view. A direction with rules through lists whose
  entries are unknown claims no redundancy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..evaluate.catalog import Context
from ..evaluate.evaluator import Evaluator
from ..evaluate.packet import RuleRef
from ..model.group import Member, SecurityGroup
from .checks import CHECKS, Finding, finding
from .reach import (
    CLASSIC_PRIVATE,
    INTERNET,
    Blame,
    GroupReach,
    RuleKey,
    Usage,
    exposure_blames,
    open_all_blames,
    rule_usage,
)
from .risks import Service, by_check

CLASSIC_CHECK = "open-to-classic-network"


@dataclass
class View:
    """One NIC (``nic`` set) or one group alone, judged together."""

    label: str
    nic: str | None
    evaluator: Evaluator
    classic: bool

    @property
    def nic_types(self) -> tuple[str, ...]:
        return ("intranet", "internet") if self.classic else ("intranet",)


def views_of(
    groups: Sequence[SecurityGroup], members: Sequence[Member], ctx: Context
) -> tuple[dict[str, View], dict[str, list[View]]]:
    """The group-alone view of each group (by token), and the NIC views joining each."""
    alone: dict[str, View] = {}
    by_ref = {r: g for g in groups for r in (g.name, g.id) if r}
    for g in groups:
        token = ctx.directory.of_group(g)
        alone[token] = View(
            f"group {token} alone", None, Evaluator([g], ctx), g.network == "classic"
        )
    nics: dict[str, list[View]] = {t: [] for t in alone}
    cache: dict[tuple[str, ...], Evaluator] = {}
    for m in members:
        joined = [by_ref[r] for r in m.groups if r in by_ref]
        if len(joined) < 2:
            # a NIC in one known group is judged as that group alone
            for g in joined:
                nics[ctx.directory.of_group(g)].append(alone[ctx.directory.of_group(g)])
            continue
        key = tuple(ctx.directory.of_group(g) for g in joined)
        ev = cache.get(key)
        if ev is None:
            ev = cache[key] = Evaluator(joined, ctx, f"NIC {m.nic}")
        view = View(f"NIC {m.nic}", m.nic, ev, any(g.network == "classic" for g in joined))
        for token in dict.fromkeys(key):
            nics[token].append(view)
    return alone, nics


def _space_check(view: View, nic_type: str) -> tuple[object, str | None]:
    """The space a view's NIC type is measured against, and the check that replaces the
    service's own (None: keep it)."""
    if view.classic and nic_type == "intranet":
        return CLASSIC_PRIVATE, CLASSIC_CHECK
    return INTERNET, None


def _nic_label(view: View, nic_type: str) -> str | None:
    if not view.classic:
        return None
    if nic_type == "internet":
        return "internet NIC type (public)"
    return "intranet NIC type (classic private network)"


@dataclass
class _Hit:
    blame: Blame
    where: str | None
    views: list[str]


def _blames(
    view: View, wanted: set[str], services: dict[str, tuple[Service, ...]]
) -> list[tuple[str, Blame]]:
    """(NIC type, blame) for every exposure the view has."""
    out: list[tuple[str, Blame]] = []
    for nic_type in view.nic_types:
        space, replace_check = _space_check(view, nic_type)
        if replace_check is not None and replace_check not in wanted:
            continue
        reach = GroupReach(view.evaluator, nic_type, space)  # type: ignore[arg-type]
        found: list[Blame] = []
        if "open-all" in wanted or replace_check:
            found.extend(open_all_blames(reach))
        for check, svcs in services.items():
            if check in wanted or replace_check:
                found.extend(exposure_blames(reach, svcs))
        for b in found:
            if replace_check is not None:
                b = Blame(b.ref, replace_check, CHECKS[replace_check].severity, b.notes)
            out.append((nic_type, b))
    return out


def exposure_findings(
    groups: Sequence[SecurityGroup],
    alone: dict[str, View],
    nics: dict[str, list[View]],
    ctx: Context,
    wanted: set[str],
    services: Sequence[Service],
) -> list[Finding]:
    per_check = by_check(services)
    computed: dict[int, list[tuple[str, Blame]]] = {}

    def blames_of(view: View) -> list[tuple[str, Blame]]:
        found = computed.get(id(view))
        if found is None:
            found = computed[id(view)] = _blames(view, wanted, per_check)
        return found

    out: list[Finding] = []
    for g in groups:
        token = ctx.directory.of_group(g)
        nic_views = nics.get(token, [])
        hits: dict[tuple[str, int, str, str], _Hit] = {}
        order: list[tuple[str, int, str, str]] = []
        for view in nic_views or [alone[token]]:
            for nic_type, b in blames_of(view):
                if b.ref.group != token:
                    continue
                key = (b.ref.group, b.ref.position, b.check, nic_type)
                hit = hits.get(key)
                if hit is None:
                    hits[key] = _Hit(b, _nic_label(view, nic_type), [])
                    order.append(key)
                    hit = hits[key]
                if view.nic is not None:
                    hit.views.append(view.nic)
        for key in order:
            hit = hits[key]
            b = hit.blame
            msg = "lets in " + "; ".join(b.notes)
            if hit.views:
                msg += f" (on NIC {', '.join(dict.fromkeys(hit.views))})"
            out.append(_finding(b, msg, hit.where))
        if not nic_views:
            continue
        # exposures of the group alone that every NIC joining it closes
        for nic_type, b in blames_of(alone[token]):
            key = (b.ref.group, b.ref.position, b.check, nic_type)
            if key in hits:
                continue
            closers = _closers(b.ref, nic_type, nic_views)
            msg = (
                "lets in " + "; ".join(b.notes) + " when the group is alone, but on every NIC "
                f"that joins it ({', '.join(v.nic or '?' for v in nic_views)}) another group's "
                f"stronger or equal-priority rule closes it ({closers}); it exposes any NIC "
                "that joins this group without them"
            )
            out.append(_finding(b, msg, _nic_label(alone[token], nic_type), severity="warning"))
    return out


def _finding(b: Blame, message: str, where: str | None, severity: str | None = None) -> Finding:
    f = finding(b.check, b.ref.group, message, group_id=b.ref.group_id, rule=b.ref, where=where)
    sev = severity if severity is not None else b.severity
    if sev != f.severity:
        from dataclasses import replace

        f = replace(f, severity=sev)  # type: ignore[arg-type]
    return f


def _closers(ref: RuleRef, nic_type: str, views: list[View]) -> str:
    """What decides, on the NICs, the traffic the rule lets in when its group is alone."""
    names: dict[str, None] = {}
    rule = ref.rule
    for view in views:
        dm = view.evaluator.decision_map("ingress", nic_type)
        proto = "tcp" if rule.protocol == "all" else rule.protocol
        port = rule.ports.start if rule.protocol in ("tcp", "udp") else None
        for _lo, _hi, cells in dm.overlapping(proto, port or 0, port or 0):
            for w in dict.fromkeys(cells.winners):
                d = dm.compiled.deciders[w] if w >= 0 else None
                if d is not None and d.ref is not None and d.ref.group != ref.group:
                    names.setdefault(d.text())
    return ", ".join(list(names)[:3]) or "the rules of the NIC's other groups"


def useless_findings(
    groups: Sequence[SecurityGroup],
    alone: dict[str, View],
    nics: dict[str, list[View]],
    ctx: Context,
    wanted: set[str],
) -> list[Finding]:
    usages: dict[int, list[Usage]] = {}

    def usage_of(view: View) -> list[Usage]:
        found = usages.get(id(view))
        if found is None:
            found = usages[id(view)] = [
                rule_usage(view.evaluator.decision_map(d, t))
                for d in ("ingress", "egress")
                for t in view.nic_types
            ]
        return found

    out: list[Finding] = []
    for g in groups:
        token = ctx.directory.of_group(g)
        views = [alone[token], *(v for v in nics.get(token, []) if v is not alone[token])]
        rules: dict[RuleKey, RuleRef] = {}
        decides: dict[RuleKey, str] = {}
        matters: set[RuleKey] = set()
        unjudged: set[RuleKey] = set()
        shadowers: dict[RuleKey, list[str]] = {}
        for view in views:
            for use in usage_of(view):
                for key, ref in use.rules.items():
                    if key[0] != token:
                        continue
                    rules.setdefault(key, ref)
                    if use.unjudged:
                        unjudged.add(key)
                    if key in use.decides:
                        decides.setdefault(key, use.decides[key])
                    if key in use.matters:
                        matters.add(key)
                    if key in use.shadowers:
                        for s in use.shadowers[key]:
                            if s not in shadowers.setdefault(key, []):
                                shadowers[key].append(s)
        where = f" on any NIC that joins it ({', '.join(v.nic or '' for v in views[1:])})"
        scope = where if len(views) > 1 else ""
        for key in sorted(rules, key=lambda k: k[1]):
            ref = rules[key]
            if key not in decides and "shadowed-rule" in wanted:
                names = shadowers.get(key, [])
                shown = ", ".join(names[:3]) + (
                    f" and {len(names) - 3} more" if len(names) > 3 else ""
                )
                why = (
                    f"stronger or equal-priority rules decide every packet it matches{scope}: {shown}"
                    if names
                    else "it matches no packet (its list is empty)"
                )
                out.append(finding("shadowed-rule", token, f"never decides anything: {why}",
                                   group_id=ref.group_id, rule=ref))  # fmt: skip
            elif (
                key in decides
                and key not in matters
                and key not in unjudged
                and "redundant-rule" in wanted
            ):
                policy = ref.rule.policy
                out.append(
                    finding(
                        "redundant-rule",
                        token,
                        f"removing it changes nothing{scope}: where it decides, "
                        f"{decides[key]} would decide the same ({policy})",
                        group_id=ref.group_id,
                        rule=ref,
                    )
                )
    return out
