"""Well-known services by name, so stacks say ``svc.SSH`` rather than ``tcp 22/22``.

Ports are those of seed 001's "common ports" tables (section 2.4) plus a few more every
operator knows. A service may span several (protocol, range) pairs (DNS is tcp and udp 53);
each pair becomes one rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ports import NO_PORTS, PortRange


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    parts: tuple[tuple[str, PortRange], ...]
    title: str = ""

    def __str__(self) -> str:
        return self.name


def _svc(name: str, title: str, *parts: tuple[str, int | tuple[int, int] | None]) -> Service:
    out: list[tuple[str, PortRange]] = []
    for proto, ports in parts:
        if ports is None:
            out.append((proto, NO_PORTS))
        elif isinstance(ports, int):
            out.append((proto, PortRange(ports, ports)))
        else:
            out.append((proto, PortRange(*ports)))
    return Service(name, tuple(out), title)


SSH = _svc("ssh", "SSH", ("tcp", 22))
RDP = _svc("rdp", "Windows Remote Desktop", ("tcp", 3389))
HTTP = _svc("http", "HTTP", ("tcp", 80))
HTTPS = _svc("https", "HTTPS", ("tcp", 443))
HTTP_ALT = _svc("http-alt", "HTTP proxy / Tomcat", ("tcp", 8080))
MYSQL = _svc("mysql", "MySQL", ("tcp", 3306))
MSSQL = _svc("mssql", "SQL Server", ("tcp", 1433))
MSSQL_BROWSER = _svc("mssql-browser", "SQL Server browser", ("udp", 1434))
ORACLE = _svc("oracle", "Oracle", ("tcp", 1521))
POSTGRESQL = _svc("postgresql", "PostgreSQL", ("tcp", 5432))
REDIS = _svc("redis", "Redis", ("tcp", 6379))
MONGODB = _svc("mongodb", "MongoDB", ("tcp", 27017))
MEMCACHED = _svc("memcached", "Memcached", ("tcp", 11211))
DNS = _svc("dns", "DNS", ("udp", 53), ("tcp", 53))
NTP = _svc("ntp", "NTP", ("udp", 123))
FTP = _svc("ftp", "FTP", ("tcp", (20, 21)))
TELNET = _svc("telnet", "Telnet", ("tcp", 23))
SMTP = _svc("smtp", "SMTP", ("tcp", 25))
SMTPS = _svc("smtps", "SMTP over SSL", ("tcp", 465))
POP3 = _svc("pop3", "POP3", ("tcp", 110))
IMAP = _svc("imap", "IMAP", ("tcp", 143))
NETBIOS = _svc("netbios", "NetBIOS", ("udp", (137, 138)), ("tcp", 139))
SMB = _svc("smb", "SMB", ("tcp", 445))
ICMP = _svc("icmp", "ping (ICMP, IPv4)", ("icmp", None))
ICMPV6 = _svc("icmpv6", "ping6 (ICMPv6)", ("icmpv6", None))
GRE = _svc("gre", "GRE (VPN)", ("gre", None))
ALL = _svc("all", "all protocols and ports", ("all", None))
ALL_TCP = _svc("all-tcp", "every TCP port", ("tcp", (1, 65535)))
ALL_UDP = _svc("all-udp", "every UDP port", ("udp", (1, 65535)))

CATALOG: dict[str, Service] = {
    s.name: s
    for s in (
        SSH, RDP, HTTP, HTTPS, HTTP_ALT, MYSQL, MSSQL, MSSQL_BROWSER, ORACLE, POSTGRESQL,
        REDIS, MONGODB, MEMCACHED, DNS, NTP, FTP, TELNET, SMTP, SMTPS, POP3, IMAP, NETBIOS,
        SMB, ICMP, ICMPV6, GRE, ALL, ALL_TCP, ALL_UDP,
    )
}  # fmt: skip
ALIASES = {"postgres": "postgresql", "sqlserver": "mssql", "ping": "icmp", "ping6": "icmpv6"}


def lookup(name: str) -> Service | None:
    key = name.strip().lower()
    return CATALOG.get(ALIASES.get(key, key))


def name_of(protocol: str, ports: PortRange) -> str | None:
    """The catalog name of a single (protocol, range) service, if any."""
    return _BY_PART.get((protocol, ports))


_BY_PART: dict[tuple[str, PortRange], str] = {}
for _s in CATALOG.values():
    if len(_s.parts) == 1:
        _BY_PART.setdefault(_s.parts[0], _s.name)
