"""The report as a user sees it, in headless Chromium (Debian's ``chromium``): the prod
snapshot and the prod plan. Screenshots land in ``artifacts/report/`` (git-ignored)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sgplan.cli import app
from tests.report.browser import Browser, chromium_path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "report"
CHROMIUM = chromium_path()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install -y chromium; .ci/run installs it)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    b = Browser(CHROMIUM)
    try:
        yield b
    finally:
        b.close()


def _render(tmp: Path, *args: str) -> Path:
    out = tmp / "report.html"
    result = CliRunner().invoke(
        app, ["report", "--stack", "prod", *args, "--today", "2026-12-01", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def snapshot_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory.mktemp("snap"), "--current", "state/prod.json")


@pytest.fixture(scope="module")
def plan_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory.mktemp("plan"), "--plan")


CELL = "#matrix tr[data-row='{row}'] td[data-col='{col}']"


def _cell_text(page, row: str, col: str) -> str:
    return page.eval(
        f"(document.querySelector(\"{CELL.format(row=row, col=col)}\") || {{}}).innerText || ''"
    )


def _read_section(page, group: str) -> str:
    """A group's section as a user reads it: opened (by its summary) if closed, scrolled
    to, then read."""
    sel = f"[data-group-section='{group}']"
    page.eval(f'(() => {{ const d = document.querySelector("{sel}"); if (!d.open) '
              f'd.querySelector("summary").click(); d.scrollIntoView(); }})()')  # fmt: skip
    time.sleep(0.1)  # the toggle event that writes the section is asynchronous
    return str(page.eval(f'document.querySelector("{sel}").innerText'))


def test_snapshot_report_as_a_user_sees_it(browser: Browser, snapshot_report: Path) -> None:
    page = browser.page(1366, 900)
    seconds = page.open(snapshot_report)
    assert seconds < 10
    # the cell internet -> prod-mysql-db-sg: tcp 3306, critical
    sel = CELL.format(row="internet-v4", col="group:prod-mysql-db-sg")
    chips = page.eval(
        f'Array.from(document.querySelectorAll("{sel} .chip")).map(c => [c.textContent, c.className, getComputedStyle(c).display])'
    )
    assert ["tcp 3306", "chip risk-critical", "inline-block"] in chips, chips
    # opening it names the rule that allows it
    page.eval(f'document.querySelector("{sel} button").click()')
    details = page.eval("document.getElementById('details').innerText")
    assert "prod-mysql-db-sg rule" in details
    assert "ingress accept tcp 3306 from 0.0.0.0/0 priority 1" in details
    assert "sgr-bp1d0sql3306any" in details and "debug from home" in details
    assert page.eval("getComputedStyle(document.getElementById('details')).display") != "none"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.eval("document.getElementById('matrix-section').scrollIntoView()")
    page.screenshot(ARTIFACTS / "snapshot-cell-desktop.png")
    # keyboard: Escape closes the details
    page.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "Escape", "code": "Escape",
                                         "windowsVirtualKeyCode": 27})  # fmt: skip
    assert page.eval("document.getElementById('details').classList.contains('hidden')")
    # the web tier is open on 443 to both internets, not critical
    assert "tcp 443" in _cell_text(page, "internet-v6", "group:prod-shop-web-sg")
    # the graph draws the critical exposure in its own colour
    stroke = page.eval(
        "getComputedStyle(document.querySelector(\"#graph .edge[data-source='internet']"
        "[data-target='group:prod-mysql-db-sg'] path\")).stroke"
    )
    assert stroke == "rgb(224, 0, 27)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(ARTIFACTS / "snapshot-desktop.png")
    # filtering to one group
    page.eval(
        "(() => { const s = document.getElementById('group-filter'); s.value = 'prod-mysql-db-sg'; s.dispatchEvent(new Event('change')); })()"
    )
    visible_cols = page.eval(
        "Array.from(document.querySelectorAll('#matrix thead th[data-col]')).filter(t => t.offsetParent !== null).map(t => t.getAttribute('data-col'))"
    )
    assert visible_cols == ["group:prod-mysql-db-sg"]
    sections = page.eval(
        "Array.from(document.querySelectorAll('[data-group-section]')).filter(s => s.offsetParent !== null).map(s => s.getAttribute('data-group-section'))"
    )
    assert sections == ["prod-mysql-db-sg"]
    rows = page.eval(
        "Array.from(document.querySelectorAll('#matrix tbody tr')).filter(r => r.offsetParent !== null).map(r => r.getAttribute('data-row'))"
    )
    assert "internet-v4" in rows and "group:prod-shop-app-sg" in rows
    assert "internet-v6" not in rows  # nothing reaches the database from IPv6
    dimmed = page.eval("document.querySelectorAll('#graph .edge.dim').length")
    assert dimmed > 0
    page.screenshot(ARTIFACTS / "snapshot-filtered-desktop.png")
    assert page.console_errors() == []
    assert page.requests() == []


def test_snapshot_report_on_a_phone(browser: Browser, snapshot_report: Path) -> None:
    page = browser.page(390, 844, mobile=True)
    page.open(snapshot_report)
    assert page.eval("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(ARTIFACTS / "snapshot-phone.png")
    assert page.console_errors() == []
    assert page.requests() == []


def test_plan_report_marks_what_the_plan_changes(browser: Browser, plan_report: Path) -> None:
    page = browser.page(1366, 900)
    page.open(plan_report)
    sel = CELL.format(row="internet-v4", col="group:prod-mysql-db-sg")
    chips = page.eval(
        f'Array.from(document.querySelectorAll("{sel} .chip")).map(c => [c.textContent, c.className])'
    )
    assert ["tcp 3306", "chip risk-critical ch-del"] in chips, chips
    page.eval(f'document.querySelector("{sel} button").click()')
    details = page.eval("document.getElementById('details').innerText")
    assert "newly blocked by the plan" in details and "sgr-bp1d0sql3306any" in details
    # newly allowed: the new redis group is reached from the app tier
    new = CELL.format(row="group:prod-shop-app-sg", col="group:prod-redis-cache-sg")
    assert "ch-add" in page.eval(f'document.querySelector("{new} .chip").className')
    edge = page.eval(
        "(document.querySelector(\"#graph .edge[data-source='group:prod-shop-app-sg']"
        "[data-target='group:prod-redis-cache-sg']\") || {}).getAttribute('data-change')"
    )
    assert edge == "+"
    # rules to add and remove beside the group, as read once its section is open
    section = _read_section(page, "prod-mysql-db-sg")
    assert "- ingress accept tcp 3306 from 0.0.0.0/0 priority 1" in section
    # only what the plan changes
    page.eval(
        "(() => { const c = document.getElementById('changed-only'); c.checked = true; c.dispatchEvent(new Event('change')); })()"
    )
    shown = page.eval(
        "Array.from(document.querySelectorAll('#matrix .chip')).filter(c => c.offsetParent !== null).map(c => c.className)"
    )
    assert shown and all("ch-add" in c or "ch-del" in c for c in shown)
    page.screenshot(ARTIFACTS / "plan-changed-desktop.png")
    assert page.console_errors() == []
    assert page.requests() == []


def test_printing_draws_everything(browser: Browser, tmp_path: Path) -> None:
    """Readable when printed: before printing the page draws the whole matrix, opens and
    writes every group's section and lists every finding; the controls are not printed."""
    path = _large_report(tmp_path, groups=30)
    page = browser.page(1366, 900)
    page.open(path)
    total = page.eval("window.sgplanReport.data.findings.length")
    assert total > 200  # more than one page of findings
    assert page.eval("document.querySelectorAll('#findings-body tr').length") == 200
    page.send("Emulation.setEmulatedMedia", {"media": "print"})
    page.eval("window.dispatchEvent(new Event('beforeprint'))")
    assert page.eval("document.getElementById('matrix').getAttribute('data-complete')") == "1"
    rows = page.eval("document.querySelectorAll('#matrix tbody tr').length")
    assert rows == page.eval("window.sgplanReport.data.rows.length")
    sections = page.eval(
        "Array.from(document.querySelectorAll('details.group')).map(d => d.open && "
        "d.innerText.includes('rules in evaluation order'))"
    )
    assert len(sections) == 30 and all(sections)
    assert page.eval("document.querySelectorAll('#findings-body tr').length") == total
    assert page.eval("getComputedStyle(document.querySelector('.controls')).display") == "none"
    page.screenshot(ARTIFACTS / "large-print.png")
    assert page.console_errors() == []
    assert page.requests() == []


def test_a_large_matrix_is_drawn_as_it_is_scrolled(browser: Browser, tmp_path: Path) -> None:
    path = _large_report(tmp_path, groups=60)
    page = browser.page(1366, 900)
    page.open(path)
    count = "document.querySelectorAll('#matrix tbody tr').length"
    cols = "document.querySelectorAll('#matrix thead th[data-col]').length"
    total_rows = page.eval("window.sgplanReport.data.rows.length")
    first_rows, first_cols = page.eval(count), page.eval(cols)
    assert 0 < first_rows < total_rows and 0 < first_cols < 60
    assert "scroll the matrix to draw them" in page.eval(
        "document.getElementById('matrix-more').innerText"
    )
    # scrolling down and right draws more
    for _ in range(20):
        page.eval(
            "(() => { const w = document.querySelector('.matrix-wrap'); "
            "w.scrollTop = w.scrollHeight; w.scrollLeft = w.scrollWidth; })()"
        )
        time.sleep(0.05)
    assert page.eval(count) == total_rows and page.eval(cols) == 60
    # the keyboard reaches further than what is drawn: arrows draw more as they go
    page.open(path)
    page.eval("document.querySelector('#matrix button[data-r]').focus()")
    for _ in range(45):
        page.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "ArrowRight",
                                             "code": "ArrowRight", "windowsVirtualKeyCode": 39})  # fmt: skip
    assert page.eval("+document.activeElement.getAttribute('data-c')") >= first_cols
    # with 60 groups the sections start closed and are written when opened
    assert page.eval("document.querySelectorAll('details.group[open]').length") == 0
    assert "rules in evaluation order" in _read_section(page, "big7")
    # searching finds a group by one of its rules, though its section was never opened
    page.eval(
        "(() => { const s = document.getElementById('search'); s.value = '10.9.42.0/24'; "
        "s.dispatchEvent(new Event('input')); })()"
    )
    time.sleep(0.4)
    shown = page.eval(
        "Array.from(document.querySelectorAll('[data-group-section]')).filter(s => "
        "s.offsetParent !== null).map(s => s.getAttribute('data-group-section'))"
    )
    assert shown == ["big9"]
    assert page.console_errors() == []
    assert page.requests() == []


def _large_report(tmp: Path, groups: int) -> Path:
    """An estate of ``groups`` groups (30 rules each, peers of their own and each other),
    beyond what the page draws at once."""
    from sgplan.model import Rule, SecurityGroup
    from sgplan.report import ReportInput, Version, build_report, render_html

    gs = []
    for i in range(groups):
        rules = [
            Rule(direction="ingress", protocol="tcp", ports=str(1000 + k), peer=f"10.{i}.{k}.0/24",
                 priority=1 + k % 3)
            for k in range(25)
        ]  # fmt: skip
        rules += [
            Rule(direction="ingress", protocol="tcp", ports="22", peer="0.0.0.0/0"),
            Rule(direction="ingress", protocol="tcp", ports="22", peer="0.0.0.0/0", priority=5),
            Rule(direction="ingress", protocol="tcp", ports="443", peer=f"group:big{(i + 1) % groups}"),
            Rule(direction="egress", protocol="tcp", ports="443", peer=f"group:big{(i + 2) % groups}"),
            Rule(direction="egress", protocol="tcp", ports="1-65535", peer="10.0.0.0/8",
                 policy="drop", priority=100),
        ]  # fmt: skip
        if i == 9:
            rules.append(Rule(direction="ingress", protocol="udp", ports="53", peer="10.9.42.0/24"))
        gs.append(SecurityGroup(name=f"big{i}", id=f"sg-big{i:04d}", vpc_id="vpc-1",
                                rules=tuple(rules)))  # fmt: skip
    doc = build_report(ReportInput("large", "generated", Version(tuple(gs))))
    out = tmp / "large.html"
    out.write_text(render_html(doc), encoding="utf-8")
    return out
