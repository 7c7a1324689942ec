"""How risky one matrix entry is, by the same yardstick as ``sgplan lint``.

Only the internet rows can be *exposure*: when the ports let in at least half of the public
internet of that family (lint's :data:`~sgplan.lint.reach.WIDE_SHARE`), the entry is
``critical`` for management and database ports and for most of all ports, ``warning`` for
the risky ports (FTP, Telnet, NetBIOS, SMB) and ``exposed`` otherwise. Part of the internet
(a trusted range such as Workbench's) is ``limited``; other public addresses ``external``;
private addresses and group members ``internal``.
"""

from __future__ import annotations

from ..evaluate.space import PORT_PROTOCOLS
from ..lint.checks import CHECKS
from ..lint.reach import WIDE_SHARE
from ..lint.risks import CATALOGUE
from .axes import Row

RISKS: tuple[str, ...] = ("critical", "warning", "exposed", "limited", "external", "internal")
"""From worst to mildest; the page colours and sorts by this order."""

RISK_TITLES: dict[str, str] = {
    "critical": "critical: a management or database port, or most ports, open to the internet",
    "warning": "warning: a risky port (FTP, Telnet, NetBIOS, SMB) open to the internet",
    "exposed": "public: open to the internet",
    "limited": "open to part of the internet (a trusted public range)",
    "external": "open to public addresses outside the internet rows",
    "internal": "private addresses or group members only",
}

__all__ = ["RISKS", "RISK_TITLES", "WIDE_SHARE", "risk_of", "worst"]


def risk_of(row: Row, protocol: str, lo: int, hi: int, wide: bool) -> str:
    if row.kind != "internet":
        return "external" if row.public else "internal"
    if not wide:
        return "limited"
    if protocol in PORT_PROTOCOLS and hi - lo + 1 >= 32768:
        return CHECKS["open-all"].severity
    worst_seen = "exposed"
    for svc in CATALOGUE:  # lint's risk catalogue, each service at its own severity
        if svc.protocol == protocol and svc.lo <= hi and lo <= svc.hi:
            severity = svc.severity if svc.severity in RISKS else "exposed"
            if RISKS.index(severity) < RISKS.index(worst_seen):
                worst_seen = severity
    return worst_seen


def worst(risks: list[str]) -> str | None:
    return min(risks, key=RISKS.index) if risks else None
