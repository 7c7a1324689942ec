"""Console-style export files, named like the console's and carrying the API's field names.

* JSON ``ecs_${region}_${sg}.json``: a ``DescribeSecurityGroupAttribute``-shaped body.
* CSV ``ecs_sgRule_${sg}_${region}_${date}.csv``: one row per rule, the API permission
  fields as columns (UTF-8 with BOM so spreadsheets show Chinese descriptions).

The console does not publish its exact columns (SPEC 5), so these use the API names of SPEC 6.
Importing honours the console's rules: at most 200 rules a file, priorities above 100
ignored with a warning, and across regions no rule whose peer is a group or prefix list.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..model.group import SecurityGroup
from ..model.issues import InputError, Issue
from ..model.limits import CONSOLE_IMPORT_MAX_RULES, PRIORITY_MAX
from ..model.rule import Rule
from ..userfiles import read_text
from .api import PERMISSION_FIELDS, attribute_body, group_from_attribute, rules_from_permissions

JSON_NAME = re.compile(r"^ecs_(?P<region>[a-z]{2}-[a-z0-9-]+?)_(?P<sg>sg-[A-Za-z0-9]+)\.json$")
CSV_NAME = re.compile(
    r"^ecs_sgRule_(?P<sg>sg-[A-Za-z0-9]+)_(?P<region>[a-z]{2}-[a-z0-9-]+?)_(?P<date>\d{4}-\d{2}-\d{2})\.csv$"
)


def json_name(region: str, sg_id: str) -> str:
    return f"ecs_{region}_{sg_id}.json"


def csv_name(region: str, sg_id: str, day: date) -> str:
    return f"ecs_sgRule_{sg_id}_{region}_{day.isoformat()}.csv"


def is_console_file(path: Path) -> bool:
    return bool(JSON_NAME.match(path.name) or CSV_NAME.match(path.name))


@dataclass
class ConsoleFile:
    """One console file read back: the group (ID, region from the name) and warnings."""

    group: SecurityGroup
    region: str
    warnings: list[Issue] = field(default_factory=list)


def write_json(group: SecurityGroup, region: str, folder: Path) -> Path:
    sg_id = _id_of(group)
    path = folder / json_name(region, sg_id)
    body = attribute_body(group, region)
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def csv_text(group: SecurityGroup) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(PERMISSION_FIELDS), lineterminator="\n")
    writer.writeheader()
    for perm in attribute_body(group)["Permissions"]["Permission"]:
        writer.writerow(perm)
    return buf.getvalue()


def write_csv(group: SecurityGroup, region: str, folder: Path, day: date) -> Path:
    path = folder / csv_name(region, _id_of(group), day)
    path.write_text(csv_text(group), encoding="utf-8-sig")
    return path


def _id_of(group: SecurityGroup) -> str:
    if not group.id:
        raise InputError(f"group {group.name} has no live ID; console files are named by ID")
    return group.id


def read(path: Path) -> ConsoleFile:
    """Read a console JSON or CSV file as a group (no import rules applied)."""
    m_json, m_csv = JSON_NAME.match(path.name), CSV_NAME.match(path.name)
    if not (m_json or m_csv):
        raise InputError(
            f"{path.name}: not a console export name; allowed: ecs_REGION_SG.json or "
            "ecs_sgRule_SG_REGION_YYYY-MM-DD.csv"
        )
    match = m_json or m_csv
    assert match is not None
    problems: list[Issue] = []
    region, sg_id = match["region"], match["sg"]
    text = read_text(path)
    if m_json:
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        if isinstance(body, list):
            body = {"Permissions": {"Permission": body}}
        if not isinstance(body, dict):
            raise InputError(f"{path}: expected a security group body or a list of rules")
        body = {**body, "SecurityGroupId": body.get("SecurityGroupId") or sg_id}
    else:
        rows, problems = _csv_rows(text, path)
        body = {"SecurityGroupId": sg_id, "Permissions": {"Permission": rows}}
    group, warnings = group_from_attribute(body, source=str(path))
    warnings = problems + warnings
    if m_csv and all(r.nic_type == "intranet" for r in group.rules):
        # a CSV carries no VpcId; rules that are all intranet mean a VPC group
        group = group.model_copy(update={"network": "vpc"})
    return ConsoleFile(group, region, warnings)


# Columns without which a rule would be read wrong (a default priority, no description)
REQUIRED_COLUMNS = ("Direction", "Policy", "Priority", "IpProtocol", "PortRange", "Description")
PEER_COLUMNS = tuple(f for f in PERMISSION_FIELDS if f.startswith(("Source", "Dest")) and
                     f not in ("SourcePortRange",))  # fmt: skip


def _csv_rows(text: str, path: Path) -> tuple[list[dict[str, Any]], list[Issue]]:
    """The rows of a console CSV as API permissions, and a problem for every missing column
    and every row that cannot be read (short or long rows): never silently dropped."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
        raw = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc})") from None
    if not header:
        raise InputError(f"{path}: empty file; expected a header row of API field names")
    header = [h.strip() for h in header]
    unknown = sorted(set(header) - set(PERMISSION_FIELDS))
    if unknown:
        raise InputError(
            f"{path}: unknown column(s) {', '.join(unknown)}; allowed: API field names "
            + ", ".join(PERMISSION_FIELDS)
        )
    problems: list[Issue] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if not any(c in header for c in PEER_COLUMNS):
        missing.append("a peer column (SourceCidrIp, DestCidrIp, SourceGroupId...)")
    if missing:
        problems.append(
            Issue(
                f"{path.name}: missing column(s) {', '.join(missing)}; its rules cannot be "
                "read as they are in the cloud"
            )
        )
    rows: list[dict[str, Any]] = []
    for n, values in raw:
        if not any(v.strip() for v in values):
            continue  # a blank line
        if len(values) != len(header):
            problems.append(
                Issue(
                    f"{path.name} line {n}: {len(values)} fields where the header has "
                    f"{len(header)}; the row cannot be read"
                )
            )
            continue
        rows.append(dict(zip(header, values, strict=True)))
    return rows, problems


def import_rules(path: Path, target_region: str | None = None) -> tuple[list[Rule], list[Issue]]:
    """Rules to import from a console file, with the console's import rules applied.

    More than 200 rules is an error (the console refuses the file); priorities above 100 and,
    across regions, rules whose peer is a group or prefix list are skipped with a warning.
    """
    loaded = read(path)
    rules = list(loaded.group.rules)
    if len(rules) > CONSOLE_IMPORT_MAX_RULES:
        raise InputError(
            f"{path.name} holds {len(rules)} rules; the console imports at most "
            f"{CONSOLE_IMPORT_MAX_RULES} at once; split the file"
        )
    warnings = list(loaded.warnings)
    kept: list[Rule] = []
    cross = target_region is not None and target_region != loaded.region
    for n, rule in enumerate(rules, start=1):
        if rule.priority > PRIORITY_MAX:
            warnings.append(
                Issue(
                    f"priority {rule.priority} is above 100 and is ignored, as the console does",
                    group=loaded.group.id, rule=n, rule_text=rule.text(),
                )
            )  # fmt: skip
            continue
        if cross and (rule.peer.is_group or rule.peer.is_prefix_list):
            warnings.append(
                Issue(
                    f"peer {rule.peer} cannot be imported from {loaded.region} into {target_region}; "
                    "group and prefix-list peers do not cross regions",
                    group=loaded.group.id, rule=n, rule_text=rule.text(),
                )
            )  # fmt: skip
            continue
        kept.append(rule)
    return kept, warnings


def rows_to_rules(rows: list[dict[str, Any]], vpc: bool = True) -> tuple[list[Rule], list[Issue]]:
    return rules_from_permissions(rows, vpc=vpc)
