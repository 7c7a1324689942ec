"""The checks: stable names, severities and remediations, and what a finding carries.

Names are part of the interface (waivers, the CrossGuard pack, CI filters refer to them);
never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from ..evaluate.packet import RuleRef
from ..model.issues import Issue
from ..model.rule import Waiver

Severity = Literal["critical", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "warning", "info")


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    severity: Severity
    title: str
    remediation: str


CHECKS: dict[str, Check] = {
    c.name: c
    for c in (
        Check(
            "open-all",
            "critical",
            "anything from anywhere: most ports of TCP or UDP reachable from most of the internet",
            "Remove the rule or narrow it to the protocols, ports and trusted addresses the "
            "service needs; keep the whitelist pattern (accept specific flows, deny the rest).",
        ),
        Check(
            "open-admin-port",
            "critical",
            "SSH (22) or RDP (3389) reachable from most of the internet",
            "Allow ops ports from trusted addresses only, preferably private VPC addresses, a "
            "bastion group, or Alibaba Workbench (161.117.0.0/16 public, 100.104.0.0/16 private).",
        ),
        Check(
            "open-database-port",
            "critical",
            "a database or cache port (3306, 1433, 1434/udp, 1521, 5432, 6379) reachable from "
            "most of the internet",
            "Let only the application tier in: a group-to-group rule from the app group, or "
            "the app subnets' private CIDRs.",
        ),
        Check(
            "open-risky-port",
            "warning",
            "FTP (21), Telnet (23), NetBIOS/RPC (135-139) or SMB (445) reachable from most of "
            "the internet",
            "Close the port to the internet (use SFTP/SSH instead of FTP and Telnet, never "
            "expose NetBIOS or SMB); allow trusted private addresses only.",
        ),
        Check(
            "shadowed-rule",
            "warning",
            "a rule that never decides anything: stronger rules decide every packet it matches",
            "Delete the rule, or change its priority or policy if it was meant to win.",
        ),
        Check(
            "redundant-rule",
            "info",
            "a rule whose removal changes nothing: without it the same verdicts would result",
            "Delete the rule (keep fewer rules per group).",
        ),
        Check(
            "limit-exceeded",
            "critical",
            "a quota of SPEC section 2 is exceeded (rules per group, group peers, groups or "
            "rules per NIC)",
            "Split the group by role, merge rules into ranges or prefix lists, or move NICs "
            "to fewer groups; the cloud refuses changes beyond these limits.",
        ),
        Check(
            "naming-convention",
            "info",
            "a group name that does not follow env-app-purpose-sg",
            "Rename the group like prod-shop-web-sg (environment first, sg last, at least "
            "four parts); keep the old name as key= so the live group is not replaced.",
        ),
        Check(
            "environment-mixing",
            "warning",
            "production and non-production share or reference groups",
            "Give each environment its own groups (clone them) and never grant a non-prod "
            "group access to a prod group or put a NIC in both.",
        ),
        Check(
            "missing-description",
            "info",
            "a group or rule without a description",
            "Say what the group is for and why each rule exists; reviewers read it.",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    severity: Severity
    group: str
    message: str
    remediation: str
    group_id: str | None = None
    rule: RuleRef | None = None
    where: str | None = None
    waiver: Waiver | None = None
    expired_waiver: Waiver | None = None

    @property
    def waived(self) -> bool:
        return self.waiver is not None

    def location(self) -> str:
        parts = [f"group {self.group}" + (f" ({self.group_id})" if self.group_id else "")]
        if self.where:
            parts.append(self.where)
        if self.rule is not None:
            parts.append(f"rule {self.rule.position} `{self.rule.rule.text()}`")
        return ", ".join(parts)

    def text(self) -> str:
        line = f"{self.severity} {self.check}: {self.location()}: {self.message}"
        if self.waiver is not None:
            line += f" [waived until {self.waiver.expires}: {self.waiver.reason}]"
        elif self.expired_waiver is not None:
            line += f" [waiver expired {self.expired_waiver.expires}]"
        return line

    def issue(self, stack: str | None = None) -> Issue:
        """This finding as a validation issue (for raising :class:`StackInvalid`)."""
        return Issue(
            f"{self.check} ({self.severity}): {self.message}; fix: {self.remediation}",
            stack=stack,
            group=self.group,
            rule=self.rule.position if self.rule else None,
            rule_text=self.rule.rule.text() if self.rule else None,
            where_else=self.where,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "group": self.group,
            "group_id": self.group_id,
            "rule": self.rule.as_dict() if self.rule else None,
            "where": self.where,
            "message": self.message,
            "remediation": self.remediation,
            "waived": self.waived,
            "waiver": _waiver(self.waiver),
            "expired_waiver": _waiver(self.expired_waiver),
        }


def _waiver(w: Waiver | None) -> dict[str, str] | None:
    if w is None:
        return None
    return {"check": w.check, "reason": w.reason, "expires": w.expires.isoformat()}


def finding(
    check: str,
    group: str,
    message: str,
    *,
    group_id: str | None = None,
    rule: RuleRef | None = None,
    where: str | None = None,
) -> Finding:
    c = CHECKS[check]
    return Finding(check, c.severity, group, message, c.remediation, group_id, rule, where)


def apply_waivers(f: Finding, today: date) -> Finding:
    """Attach the rule's waiver for this check: active ones waive, expired ones are noted."""
    if f.rule is None:
        return f
    for w in f.rule.rule.waivers:
        if w.check == f.check:
            if w.active(today):
                return replace(f, waiver=w, expired_waiver=None)
            f = replace(f, expired_waiver=w)
    return f
