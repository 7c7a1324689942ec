"""The risk catalogue: which services must not be reachable from the internet, how bad it is
when they are, and who says so.

Each entry names a check (``open-admin-port``, ``open-database-port``, ``open-risky-port``
or ``open-public-service``), a severity and the source that asks for it: SPEC section 4
(the ECS documentation and Security Center), CloudSploit's Alibaba ECS plugins, prowler's
alibabacloud ``ecs_securitygroup_restrict_*_internet`` checks. A team adds its own with a
YAML or JSON file (``sgplan lint --risks FILE``)::

    - label: Grafana
      protocol: tcp
      ports: 3000
      severity: warning          # critical, warning or info
      check: open-risky-port     # optional; default open-risky-port
      source: our runbook RB-12  # optional
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model.issues import InputError

SEVERITY_ORDER = ("critical", "warning", "info")
RISK_CHECKS = ("open-admin-port", "open-database-port", "open-risky-port", "open-public-service")

DOCS = "SPEC 4 (ECS docs, Security Center)"
CLOUDSPLOIT = "CloudSploit Alibaba ECS plugins"
PROWLER = "prowler alibabacloud ecs_securitygroup_restrict_*_internet"


@dataclass(frozen=True, slots=True)
class Service:
    """A service port range a check looks at, with its severity and source."""

    label: str
    protocol: str
    lo: int
    hi: int
    check: str = "open-risky-port"
    severity: str = "warning"
    source: str = DOCS

    @property
    def text(self) -> str:
        ports = str(self.lo) if self.lo == self.hi else f"{self.lo}-{self.hi}"
        return f"{self.protocol}/{ports} ({self.label})"


def _s(label: str, proto: str, lo: int, hi: int | None, check: str, sev: str, src: str) -> Service:
    return Service(label, proto, lo, hi if hi is not None else lo, check, sev, src)


_A, _D, _R, _P = RISK_CHECKS
_BOTH = f"{CLOUDSPLOIT}; {PROWLER}"

CATALOGUE: tuple[Service, ...] = (
    _s("SSH", "tcp", 22, None, _A, "critical", f"{DOCS}; {_BOTH}"),
    _s("RDP", "tcp", 3389, None, _A, "critical", f"{DOCS}; {_BOTH}"),
    _s("VNC client", "tcp", 5500, None, _A, "critical", CLOUDSPLOIT),
    _s("VNC server", "tcp", 5900, None, _A, "critical", CLOUDSPLOIT),
    _s("Docker API", "tcp", 2375, 2376, _A, "critical", CLOUDSPLOIT),
    _s("Salt master", "tcp", 4505, 4506, _A, "critical", CLOUDSPLOIT),
    _s("MySQL", "tcp", 3306, None, _D, "critical", f"{DOCS}; {_BOTH}"),
    _s("SQL Server", "tcp", 1433, None, _D, "critical", f"{DOCS}; {_BOTH}"),
    _s("SQL Server browser", "udp", 1434, None, _D, "critical", f"{DOCS}; {CLOUDSPLOIT}"),
    _s("Oracle", "tcp", 1521, None, _D, "critical", f"{DOCS}; {_BOTH}"),
    _s("Oracle Autonomous DB", "tcp", 1522, None, _D, "critical", CLOUDSPLOIT),
    _s("PostgreSQL", "tcp", 5432, None, _D, "critical", f"{DOCS}; {_BOTH}"),
    _s("Redis", "tcp", 6379, None, _D, "critical", f"{DOCS}; {_BOTH}"),
    _s("MongoDB", "tcp", 27017, None, _D, "critical", _BOTH),
    _s("Memcached", "tcp", 11211, None, _D, "critical", _BOTH),
    _s("Memcached", "udp", 11211, None, _D, "critical", CLOUDSPLOIT),
    _s("Cassandra", "tcp", 7000, 7001, _D, "critical", _BOTH),
    _s("Cassandra CQL", "tcp", 9042, None, _D, "critical", _BOTH),
    _s("Elasticsearch", "tcp", 9200, None, _D, "critical", _BOTH),
    _s("Elasticsearch transport", "tcp", 9300, None, _D, "critical", _BOTH),
    _s("Kafka", "tcp", 9092, None, _D, "critical", _BOTH),
    _s("FTP", "tcp", 21, None, _R, "warning", f"{DOCS}; {_BOTH}"),
    _s("FTP data", "tcp", 20, None, _R, "warning", _BOTH),
    _s("Telnet", "tcp", 23, None, _R, "warning", f"{DOCS}; {_BOTH}"),
    _s("NetBIOS/RPC", "tcp", 135, 139, _R, "warning", f"{DOCS}; {CLOUDSPLOIT}"),
    _s("NetBIOS/RPC", "udp", 135, 139, _R, "warning", f"{DOCS}; {CLOUDSPLOIT}"),
    _s("SMB", "tcp", 445, None, _R, "warning", f"{DOCS}; {_BOTH}"),
    _s("CIFS/SMB", "udp", 445, None, _R, "warning", CLOUDSPLOIT),
    _s("Kibana", "tcp", 5601, None, _R, "warning", _BOTH),
    _s("Hadoop NameNode", "tcp", 8020, None, _R, "warning", CLOUDSPLOIT),
    _s("Hadoop NameNode web", "tcp", 50070, None, _R, "warning", CLOUDSPLOIT),
    _s("Hadoop NameNode web (TLS)", "tcp", 50470, None, _R, "warning", CLOUDSPLOIT),
    _s("SMTP", "tcp", 25, None, _P, "info", f"{DOCS}; {CLOUDSPLOIT}"),
    _s("DNS", "tcp", 53, None, _P, "info", CLOUDSPLOIT),
    _s("DNS", "udp", 53, None, _P, "info", CLOUDSPLOIT),
)


def by_check(services: Iterable[Service]) -> dict[str, tuple[Service, ...]]:
    out: dict[str, list[Service]] = {c: [] for c in RISK_CHECKS}
    for s in services:
        out.setdefault(s.check, []).append(s)
    return {c: tuple(v) for c, v in out.items()}


def worst(severities: Iterable[str]) -> str:
    return min(severities, key=SEVERITY_ORDER.index)


def _ports(value: Any, where: str) -> tuple[int, int]:
    text = str(value).strip().replace("/", "-")
    lo_s, _, hi_s = text.partition("-")
    try:
        lo, hi = int(lo_s), int(hi_s or lo_s)
    except ValueError:
        raise InputError(
            f"{where}: ports {value!r} cannot be read; allowed: 22 or 9000-9100"
        ) from None
    if not 1 <= lo <= hi <= 65535:
        raise InputError(f"{where}: ports {value!r} out of range; allowed: 1-65535, start <= end")
    return lo, hi


def parse_risks(data: Any, source: str) -> list[Service]:
    """Services from parsed YAML/JSON (a list of mappings); errors name the file and entry."""
    if isinstance(data, dict) and "risks" in data:
        data = data["risks"]
    if not isinstance(data, list):
        raise InputError(f"{source}: a risk file holds a list of services (or risks: [...])")
    out: list[Service] = []
    allowed = {"label", "protocol", "ports", "severity", "check", "source"}
    for n, item in enumerate(data, start=1):
        where = f"{source}: entry {n}"
        if not isinstance(item, dict):
            raise InputError(f"{where}: must be a mapping with {', '.join(sorted(allowed))}")
        unknown = set(item) - allowed
        if unknown:
            raise InputError(
                f"{where}: unknown field(s) {', '.join(sorted(unknown))}; "
                f"allowed: {', '.join(sorted(allowed))}"
            )
        label = str(item.get("label") or "").strip()
        if not label:
            raise InputError(f"{where}: label is required (what the service is)")
        proto = str(item.get("protocol") or "tcp").lower()
        if proto not in ("tcp", "udp"):
            raise InputError(f"{where}: protocol {proto!r} not allowed; allowed: tcp, udp")
        if "ports" not in item:
            raise InputError(f"{where}: ports is required (22 or 9000-9100)")
        lo, hi = _ports(item["ports"], where)
        sev = str(item.get("severity") or "warning").lower()
        if sev not in SEVERITY_ORDER:
            raise InputError(
                f"{where}: severity {sev!r} not allowed; allowed: {', '.join(SEVERITY_ORDER)}"
            )
        check = str(item.get("check") or "open-risky-port")
        if check not in RISK_CHECKS:
            raise InputError(
                f"{where}: check {check!r} not allowed; allowed: {', '.join(RISK_CHECKS)}"
            )
        out.append(Service(label, proto, lo, hi, check, sev, str(item.get("source") or source)))
    return out


def load_risks(path: Path) -> list[Service]:
    """A team's own services from a YAML or JSON file (see the module docs)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    import yaml  # only for a team's risk file: keeps `import sgplan.cli` light

    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError):
        kind = "JSON" if path.suffix == ".json" else "YAML"
        raise InputError(f"{path}: not valid {kind}") from None
    return parse_risks(data, str(path))


def catalogue(extra: Sequence[Service] = ()) -> tuple[Service, ...]:
    return (*CATALOGUE, *extra)
