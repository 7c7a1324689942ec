"""The promotion path and the gate on it.

A stack names the stack its changes are rehearsed on in its Pulumi stack config:
``sgplan:promoteFrom: staging`` in ``Pulumi.prod.yaml``. The rehearsal stack must be a clone of
the target (``clone_stack``, SPEC section 5): the same groups and rules under the rehearsal's
names, so that proving the change on it says something about the target.

``sgplan verify --stack staging --record`` writes, for every stack promoted from staging, an
entry keyed by that stack's desired-state digest. ``sgplan plan --stack prod`` then finds the
entry of exactly its own desired state and says where the change stands; without a passing
entry the plan is blocked (the ``promotion`` gate) unless ``--allow-unpromoted`` is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..load import project_root
from ..model.clone import clone_stack
from ..model.issues import InputError, StackInvalid
from ..model.stack import Stack
from ..plan.model import Finding, Plan
from .record import Entry, change_digest, latest, read_record, short

CONFIG_KEY = "sgplan:promoteFrom"
GATE = "promotion"


def default_record(root: Path | None = None) -> Path:
    return project_root(root) / "state" / "promotion.json"


def _stack_config(path: Path) -> dict[str, Any]:
    import yaml  # only when a stack has a Pulumi config: keeps `import sgplan.cli` light

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read Pulumi stack config {path}: {exc}") from None
    config = data.get("config") if isinstance(data, dict) else None
    return config if isinstance(config, dict) else {}


def stack_setting(stack: str, key: str, root: Path | None = None) -> object:
    """A value of ``Pulumi.<stack>.yaml``'s config (None when absent)."""
    path = project_root(root) / f"Pulumi.{stack}.yaml"
    return _stack_config(path).get(key) if path.is_file() else None


def rehearsal_of(stack: str, root: Path | None = None) -> str | None:
    """The stack ``stack``'s changes are rehearsed on (``sgplan:promoteFrom``), if any."""
    path = project_root(root) / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        return None
    value = _stack_config(path).get(CONFIG_KEY)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f"{path}: {CONFIG_KEY} must be a stack name, not {value!r}")
    return value


def targets_of(stack: str, root: Path | None = None) -> list[str]:
    """The stacks promoted from ``stack`` (their ``sgplan:promoteFrom`` names it)."""
    base = project_root(root)
    out = []
    for path in sorted(base.glob("Pulumi.*.yaml")):
        name = path.name[len("Pulumi.") : -len(".yaml")]
        if rehearsal_of(name, base) == stack:
            out.append(name)
    return out


def clone_differences(target: Stack, rehearsal: Stack, limit: int = 5) -> list[str]:
    """How ``rehearsal`` differs from a clone of ``target`` (groups, rules, prefix lists);
    empty when it is one. Tags, members and live IDs may differ (a clone has its own)."""
    try:
        clone = clone_stack(target, rehearsal.name, environment=rehearsal.env,
                            region=rehearsal.region, vpc_id=rehearsal.vpc_id)  # fmt: skip
    except StackInvalid as exc:
        return [f"{target.name} cannot be cloned: {exc.issues[0]}"]
    out: list[str] = []
    want = {g.name: g for g in clone.groups}
    have = {g.name: g for g in rehearsal.groups}
    out += [f"group {n} is missing" for n in sorted(set(want) - set(have))]
    out += [f"group {n} is not in {target.name}" for n in sorted(set(have) - set(want))]
    for name in sorted(set(want) & set(have)):
        a = {r.key for r in want[name].rules}
        b = {r.key for r in have[name].rules}
        if a != b:
            out.append(f"group {name}: {len(a - b)} rules missing, {len(b - a)} rules extra")
        for attr in ("type", "inner_access_policy"):
            if getattr(want[name], attr) != getattr(have[name], attr):
                out.append(f"group {name}: {attr} differs")
    lists_want = {p.name: set(p.cidrs) for p in clone.prefix_lists}
    lists_have = {p.name: set(p.cidrs) for p in rehearsal.prefix_lists}
    if lists_want != lists_have:
        out.append("prefix lists differ")
    return out[:limit] + ([f"and {len(out) - limit} more"] if len(out) > limit else [])


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Standing:
    """Where a target stack's change stands on its promotion path."""

    target: str
    rehearsal: str
    change: str
    entry: Entry | None
    own: Entry | None  # the target's own verification of this change, if any
    record: Path

    @property
    def ready(self) -> bool:
        return self.entry is not None and self.entry.passed

    def message(self) -> str:
        change = f"change {short(self.change)}"
        up = f"`pulumi up --stack {self.target}`"
        rehearse = (
            f"`pulumi up --stack {self.rehearsal}`, then "
            f"`sgplan verify --stack {self.rehearsal} --record`"
        )
        if self.entry is None:
            return (
                f"{change} has not been applied to {self.rehearsal} and verified (no entry in "
                f"{_shown(self.record)}); next: {rehearse}, then {up}"
            )
        at = f"applied to {self.rehearsal} at {self.entry.commit[:12]}"
        if not self.entry.passed:
            return (
                f"{change} {at}, {self.entry.outcome()} on {self.entry.when()}; fix the change "
                f"and rehearse it again ({rehearse}) before {up}"
            )
        done = f"{change} {at}, verified {self.entry.when()}"
        if self.own is not None and self.own.passed:
            return f"{done}; applied to {self.target} at {self.own.commit[:12]}, verified"
        return f"{done}; next: {up}"


def standing(target: Stack, record: Path, root: Path | None = None) -> Standing | None:
    """Where ``target``'s desired state stands, or None when it has no promotion path."""
    rehearsal = rehearsal_of(target.name, root)
    if rehearsal is None:
        return None
    change = change_digest(target)
    entries = read_record(record)
    return Standing(target.name, rehearsal, change, latest(entries, change, rehearsal),
                    latest(entries, change, target.name), record)  # fmt: skip


def in_project(stack_file: Path, root: Path | None = None) -> bool:
    """Whether a stack file belongs to the project (its ``Pulumi.<stack>.yaml`` applies)."""
    try:
        stack_file.resolve().relative_to(project_root(root))
    except ValueError:
        return False
    return True


def apply_gate(
    plan: Plan, target: Stack, record: Path, allow: bool, stack_file: Path | None = None
) -> Standing | None:
    """Add the promotion gate to ``plan`` (a prod change not rehearsed blocks it unless
    ``allow``); a plan without changes needs no rehearsal and gets no gate. A stack file
    outside the project has no promotion path (the project's Pulumi config is not its)."""
    if stack_file is not None and not in_project(stack_file):
        return None
    where = standing(target, record)
    if where is None or not plan.has_changes:
        return where
    message = where.message()
    if not where.ready:
        message += "; --allow-unpromoted overrides" if not allow else " (override given)"
    plan.findings.append(Finding("gate", GATE, message, None, allowed=where.ready or allow))
    return where
