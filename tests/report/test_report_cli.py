"""``sgplan report`` and ``sgplan check --access`` through the CLI: golden text matrices,
the same table from both commands, a self-contained page, saved plans, user errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from sgplan.cli import app
from tests.golden_files import check_golden

ROOT = Path(__file__).resolve().parents[2]
DAY = ["--today", "2026-12-01"]


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_text_matrix_of_the_prod_snapshot_golden() -> None:
    result = run("report", "-s", "prod", "--current", "state/prod.json", "--format", "text", *DAY)
    assert result.exit_code == 0, result.output
    check_golden("report/prod_snapshot.txt", result.stdout)
    line = next(x for x in result.stdout.splitlines() if x.startswith(" IPv4 internet"))
    assert "tcp 3306!" in line


def test_text_matrix_of_the_prod_plan_golden() -> None:
    result = run("report", "-s", "prod", "--plan", "--format", "text", *DAY)
    assert result.exit_code == 0, result.output
    check_golden("report/prod_plan.txt", result.stdout)
    assert "-tcp 3306!" in result.stdout and "+tcp 6379" in result.stdout


def test_check_access_prints_the_same_matrix() -> None:
    a = run("check", "-c", "state/prod.json", "--access")
    b = run("report", "-s", "prod", "-c", "state/prod.json", "-f", "text")
    assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
    assert a.stdout == b.stdout


def test_the_page_is_self_contained(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = run("report", "-s", "prod", "-c", "state/prod.json", "-o", str(out), *DAY)
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"<(link|img|iframe|object|embed)\b", html)
    assert not re.search(r"\bsrc=", html)
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls
    data = re.search(r'<script id="report-data" type="application/json">(.*?)</script>', html, re.S)
    assert data is not None
    doc = json.loads(data.group(1).replace("<\\/", "</"))
    assert doc["format"] == "sgplan-report" and doc["overview"]["groups"] == 6


def test_saved_plan_gives_the_same_matrix_as_planning(tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    assert (
        run("plan", "-s", "prod", "--allow-unpromoted", "-f", "json", "-o", str(saved)).exit_code
        == 0
    )
    a = run("report", "-s", "prod", "--plan", "-f", "json", *DAY)
    b = run("report", "-s", "prod", "--plan-file", str(saved), "-f", "json", *DAY)
    assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
    da, db = json.loads(a.stdout), json.loads(b.stdout)

    def cells(d):
        rows = [r["key"] for r in d["rows"]]
        cols = [c["key"] for c in d["columns"]]
        return {
            (rows[r], cols[c], e[0], e[1], e[2], e[7])
            for r, c, n in d["cells"]
            for e in d["entries"][n]
        }

    assert cells(da) == cells(db)
    assert any(e[-1] == "-" for e in cells(da))
    assert [c["key"] for c in da["columns"]] == [c["key"] for c in db["columns"]]


def test_user_errors_are_clear(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}')
    rendering = tmp_path / "rendering.json"  # printed by `sgplan plan -f json`: no saved section
    rendering.write_text(run("plan", "-s", "prod", "-f", "json").stdout)
    cases = [
        (
            ["report", "-s", "prod", "--plan", "--plan-file", str(bad)],
            "either --plan or --plan-file",
        ),
        (["report", "-s", "prod", "--plan-file", str(bad)], "is not an sgplan plan file"),
        (["report", "-s", "prod", "--plan-file", str(rendering)], "without the saved-plan section"),
        (["report", "-s", "nope"], "no stack 'nope'"),
        (["report", "-s", "prod", "-c", str(tmp_path / "missing.json")], "missing.json"),
        (["report", "-s", "prod", "--today", "yesterday"], "--today 'yesterday'"),
        (["report", "-s", "prod", "-o", str(tmp_path / "no" / "dir" / "r.html")], "cannot write"),
    ]
    for args, message in cases:
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_nic_columns() -> None:
    result = run("report", "-s", "prod", "-c", "state/prod.json", "--columns", "nics", "-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [c["kind"] for c in doc["columns"]] == ["nic"] * 9
    assert any(c["key"] == "nic:eni-bp1db01" for c in doc["columns"])
