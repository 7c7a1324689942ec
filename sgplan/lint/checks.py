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
            "remote administration reachable from most of the internet: SSH 22, RDP 3389, "
            "VNC 5500/5900, Docker API 2375-2376, Salt 4505-4506",
            "Allow ops ports from trusted addresses only, preferably private VPC addresses, a "
            "bastion group, or Alibaba Workbench (161.117.0.0/16 public, 100.104.0.0/16 private).",
        ),
        Check(
            "open-database-port",
            "critical",
            "a database, cache or data store reachable from most of the internet: MySQL 3306, "
            "SQL Server 1433 and 1434/udp, Oracle 1521/1522, PostgreSQL 5432, Redis 6379, "
            "MongoDB 27017, Memcached 11211, Cassandra 7000-7001/9042, Elasticsearch 9200/9300, "
            "Kafka 9092",
            "Let only the application tier in: a group-to-group rule from the app group, or "
            "the app subnets' private CIDRs.",
        ),
        Check(
            "open-risky-port",
            "warning",
            "a risky service reachable from most of the internet: FTP 20-21, Telnet 23, "
            "NetBIOS/RPC 135-139, SMB 445 (tcp and udp), Kibana 5601, Hadoop 8020/50070/50470",
            "Close the port to the internet (use SFTP/SSH instead of FTP and Telnet, never "
            "expose NetBIOS or SMB); allow trusted private addresses only.",
        ),
        Check(
            "open-public-service",
            "info",
            "a service often public on purpose reachable from most of the internet: SMTP 25, "
            "DNS 53",
            "Make sure it is meant to be public (a mail relay or a DNS server); otherwise allow "
            "trusted addresses only.",
        ),
        Check(
            "open-to-classic-network",
            "warning",
            "a classic-network group's intranet side lets the whole classic private network "
            "in (every classic instance of the region, any tenant) on a risky port or on "
            "everything",
            "Replace 0.0.0.0/0 on the intranet NIC type with the private addresses or groups "
            "that need access; move the instance to a VPC.",
        ),
        Check(
            "unreadable-rule",
            "critical",
            "a rule (or group) of the input that could not be read, so it is not judged",
            "Fix the input (or pull it again); a rule that cannot be read cannot be judged, "
            "and what it lets through is unknown.",
        ),
        Check(
            "cannot-judge",
            "warning",
            "a rule whose prefix list or port list entries are unknown here, so what it "
            "lets through cannot be judged",
            "Pull the live state (sgplan pull) or declare the list in the stack so its "
            "entries are known.",
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
