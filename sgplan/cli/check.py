"""``sgplan check``: the console's diagnosis, offline. Is a packet allowed, and which rule
decides? Or the one-click set (ICMP, tcp 80, 443, 22, 3389, 8080), or what a NIC or group
lets through at all."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..model.issues import InputError
from .app import EXIT_ERROR, OutputFormat, app, err, out, user_errors
from .options import CurrentListOpt, Direction, NicType, OptionalStackOpt, Protocol

if TYPE_CHECKING:  # the evaluator is imported when a check runs, not for --help
    from ..evaluate.evaluator import Evaluator
    from ..evaluate.query import Coverage
    from ..evaluate.sources import Subject
    from ..evaluate.space import IntervalSet

StackOption = OptionalStackOpt
CurrentOption = CurrentListOpt
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json")]

# The console's one-click diagnosis (SPEC 5).
DIAGNOSIS: tuple[tuple[str, int | None], ...] = (
    ("icmp", None), ("tcp", 80), ("tcp", 443), ("tcp", 22), ("tcp", 3389), ("tcp", 8080),
)  # fmt: skip


@app.command()
@user_errors
def check(
    stack: StackOption = None,
    current: CurrentOption = None,
    group: Annotated[
        list[str] | None,
        typer.Option(
            "--group",
            "-g",
            metavar="GROUP",
            help="a group by name or ID (repeat: groups of one NIC)",
        ),
    ] = None,
    nic: Annotated[
        str | None,
        typer.Option("--nic", metavar="NIC", help="a NIC (or instance) listed in members"),
    ] = None,
    direction: Annotated[Direction, typer.Option("--direction", "-d")] = Direction.ingress,
    protocol: Annotated[Protocol, typer.Option("--protocol", "-p")] = Protocol.tcp,
    port: Annotated[
        int | None, typer.Option("--port", metavar="PORT", help="destination port (tcp/udp)")
    ] = None,
    peer: Annotated[
        str | None,
        typer.Option(
            "--peer",
            metavar="PEER",
            help="source (ingress) or destination (egress): an address, a CIDR, internet, "
            "group:NAME, sg-..., or an address and groups of one member",
        ),
    ] = None,
    diagnose: Annotated[
        bool, typer.Option("--diagnose", help="ICMP, tcp 80, 443, 22, 3389 and 8080 at once")
    ] = False,
    access: Annotated[
        bool,
        typer.Option(
            "--access",
            help="list everything the NIC or group lets through; "
            "without --group/--nic: the access matrix of every group",
        ),
    ] = False,
    nic_type: Annotated[
        NicType | None,
        typer.Option(
            "--nic-type",
            help="classic network: only intranet (private) or internet (public) traffic; "
            "default both for classic groups",
        ),
    ] = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Judge packets against a NIC's groups (or one group) and say which rule decides.

    Classic-network groups are judged on both NIC types (internet and intranet) unless
    --nic-type picks one; each verdict says which it is about. Rules of the input that
    could not be read are reported as errors (exit 1) after the verdicts on the rest."""
    from ..evaluate.packet import parse_endpoint
    from ..evaluate.sources import evaluator, read_source

    source, unreadable = read_source(stack, current)
    if access and not group and nic is None:
        from ..report.cli_table import print_access_table

        print_access_table(source, output.value)
        return
    subject = _subject(source, group or [], nic)
    ev = evaluator(source, subject)
    classic = any(g.network == "classic" for g in subject.groups)
    nic_types = (
        [nic_type.value] if nic_type else (["internet", "intranet"] if classic else ["intranet"])
    )
    if access:
        reports = [_access_report(ev, subject, t, classic) for t in nic_types]
        _print_all(output, reports, _access_lines, unreadable)
        return
    if peer is None:
        if not diagnose:
            raise InputError(
                "give --peer (or --diagnose to probe from the internet, or --access to list "
                "everything let through)"
            )
        peer = "internet"  # the console's diagnosis probes from the internet
    checks = _checks(protocol.value, port, diagnose)
    peers = _peer_set(peer)
    reports = []
    for t in nic_types:
        if peers is not None:
            report = _set_report(ev, subject, direction.value, peer, peers, checks, t)
        else:
            _known_groups(source, peer)
            if t == "internet" and parse_endpoint(peer)[1]:
                continue  # group peers act on private traffic only
            report = _packet_report(ev, subject, direction.value, peer, checks, t)
        if classic:
            report["nic_type"] = t
        reports.append(report)
    _print_all(output, reports, _report_lines, unreadable)


def _known_groups(source: Any, peer: str) -> None:
    """A group a peer names by name must exist (an ID may name a group defined elsewhere)."""
    from ..evaluate.packet import parse_endpoint

    names = {g.name for g in source.groups} | {g.id for g in source.groups if g.id}
    for g in parse_endpoint(peer)[1]:
        if g in names or g.startswith("sg-") or "/sg-" in g:
            continue
        listed = ", ".join(sorted(n for n in names if n)) or "no groups defined"
        raise InputError(f"--peer names group {g!r}, which does not exist; allowed: {listed}")


_NIC_LABELS = {
    "internet": "internet NIC type: public traffic",
    "intranet": "intranet NIC type: the classic private network",
}


def _print_all(
    output: OutputFormat, reports: list[dict[str, Any]], lines: Any, unreadable: list[Any]
) -> None:
    import json

    errors = [f"rule could not be read, so it is not judged: {u}" for u in unreadable]
    console = out()
    if output is OutputFormat.json:
        doc: dict[str, Any] = reports[0] if len(reports) == 1 else {"reports": reports}
        if errors:
            doc = {**doc, "errors": errors}
        console.print_json(json.dumps(doc))
    else:
        for report in reports:
            for line in lines(report):
                console.print(line, markup=False)
    if errors:
        for e in errors:
            err().print(f"error: {e}", markup=False)
        raise typer.Exit(EXIT_ERROR)


def _subject(source: Any, groups: Sequence[str], nic: str | None) -> Subject:
    from ..evaluate.sources import group_subject, nic_subject

    if nic is not None and groups:
        raise InputError("give --nic or --group, not both")
    if nic is not None:
        return nic_subject(source, nic)
    return group_subject(source, groups)


def _checks(protocol: str, port: int | None, diagnose: bool) -> list[tuple[str, int | None]]:
    if diagnose:
        return list(DIAGNOSIS)
    return [(protocol.lower(), port)]


def _peer_set(text: str) -> IntervalSet | None:
    """A set of addresses (``internet``, a CIDR wider than one address), else None."""
    import ipaddress

    from ..evaluate.space import PUBLIC, PUBLIC_V4, PUBLIC_V6, cidr_interval

    key = text.strip().lower()
    named = {"internet": PUBLIC, "internet-v4": PUBLIC_V4, "internet-v6": PUBLIC_V6}
    if key in named:
        return named[key]
    if "/" in key and " " not in key and "," not in key and not key.startswith("group:"):
        try:
            net = ipaddress.ip_network(key, strict=False)
        except ValueError:
            return None
        if net.num_addresses > 1:
            return (cidr_interval(net.compressed),)
    return None


def _packet_report(
    ev: Evaluator,
    subject: Subject,
    direction: str,
    peer: str,
    checks: list[tuple[str, int | None]],
    nic_type: str,
) -> dict[str, Any]:
    from ..evaluate.packet import Packet, parse_endpoint

    address, groups = parse_endpoint(peer)
    rows = []
    for proto, port in checks:
        if proto == "icmp" and address is not None and address.version == 6:
            proto = "icmpv6"
        pk = Packet(direction, proto, port, address, groups, nic_type)  # type: ignore[arg-type]
        v = ev.decide(pk)
        rows.append({"check": _label(proto, port), **v.as_dict()})
    return {"subject": subject.label, "direction": direction, "peer": peer, "results": rows}


def _set_report(
    ev: Evaluator,
    subject: Subject,
    direction: str,
    peer: str,
    peers: IntervalSet,
    checks: list[tuple[str, int | None]],
    nic_type: str,
) -> dict[str, Any]:
    from ..evaluate.query import peer_set_coverage

    rows = []
    for proto, port in checks:
        for p in ("icmp", "icmpv6") if proto == "icmp" else (proto,):
            cov = peer_set_coverage(ev, direction, p, port, peers, nic_type)
            rows.append({"check": _label(p, port), **_coverage_dict(cov)})
    return {"subject": subject.label, "direction": direction, "peer": peer, "results": rows}


def _coverage_dict(cov: Coverage) -> dict[str, Any]:
    if cov.accepted is None and cov.dropped is None and cov.unknown is None:
        outcome = "none"  # e.g. ICMPv6 asked about IPv4 addresses only
    elif cov.all_accepted:
        outcome = "accept"
    elif cov.none_accepted and cov.unknown is None:
        outcome = "drop"
    else:
        outcome = "partly"
    examples = {}
    for name in ("accepted", "dropped", "unknown"):
        ex = getattr(cov, name)
        if ex is not None:
            examples[name] = ex.text(cov.direction, cov.default_reason)
    return {"outcome": outcome, "examples": examples}


_NAMES = {"icmp": "ICMP", "icmpv6": "ICMPv6", "gre": "GRE", "tcp": "TCP", "udp": "UDP"}


def _label(protocol: str, port: int | None) -> str:
    return _NAMES[protocol] if port is None else f"{protocol}/{port}"


def _access_report(
    ev: Evaluator, subject: Subject, nic_type: str, classic: bool = False
) -> dict[str, Any]:
    from ..evaluate.access import effective_access

    index = ev.context.index
    out: dict[str, Any] = {"subject": subject.label, "directions": []}
    if classic:
        out["nic_type"] = nic_type
    for d in ("ingress", "egress"):
        acc = effective_access(ev.decision_map(d, nic_type))
        out["directions"].append(
            {
                "direction": d,
                "allowed": [f.as_dict() | {"text": f.text(d)} for f in acc.allowed.flows(index)],
                "undetermined": [
                    f.as_dict() | {"text": f.text(d)} for f in acc.undetermined.flows(index)
                ],
            }
        )
    return out


def _access_lines(report: dict[str, Any]) -> list[str]:
    lines = []
    label = f" ({_NIC_LABELS[report['nic_type']]})" if report.get("nic_type") else ""
    for d in report["directions"]:
        lines.append(f"{report['subject']}: {d['direction']} lets through{label}")
        lines.extend(f"  {f['text']}" for f in d["allowed"])
        if not d["allowed"]:
            lines.append("  nothing")
        if d["undetermined"]:
            lines.append("  and, depending on lists whose entries are unknown here:")
            lines.extend(f"  ? {f['text']}" for f in d["undetermined"])
    return lines


def _report_lines(report: dict[str, Any]) -> list[str]:
    word = "from" if report["direction"] == "ingress" else "to"
    label = f" ({_NIC_LABELS[report['nic_type']]})" if report.get("nic_type") else ""
    lines = [f"{report['subject']}: {report['direction']} {word} {report['peer']}{label}"]
    width = max(len(r["check"]) for r in report["results"])
    for r in report["results"]:
        if "reason" in r:
            lines.append(f"  {r['check']:<{width}}  {r['outcome']:<7}  {r['reason']}")
            continue
        examples = [f"{name} e.g. {text}" for name, text in r["examples"].items()] or [""]
        lines.append(f"  {r['check']:<{width}}  {r['outcome']:<7}  {examples[0]}".rstrip())
        lines.extend(f"  {'':<{width}}  {'':<7}  {text}" for text in examples[1:])
    return lines
