"""Fast start-up: commands that do not use them never import the Alibaba SDK, aiohttp,
deepdiff, pulumi, yaml or (for help) the code generator; help imports neither pydantic, rich
nor any command's implementation."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sgplan.cli.app import COMMANDS
from tests.conftest import ROOT

HEAVY = ("alibabacloud_ecs20140526", "aiohttp", "deepdiff", "pulumi", "yaml", "sgplan.codegen")
# what `sgplan --help` and `sgplan NAME --help` must not import: the engine and what it uses
NOT_FOR_HELP = (
    "pydantic", "pydantic_core", "rich", "alibabacloud_ecs20140526", "aiohttp", "deepdiff",
    "pulumi", "yaml", "sgplan.model.public", "sgplan.model.build", "sgplan.load",
    "sgplan.lint", "sgplan.evaluate", "sgplan.plan", "sgplan.render.text", "sgplan.render.json_plan",
    "sgplan.render.markdown", "sgplan.formats.current",
    "sgplan.codegen", "sgplan.report", "sgplan.live", "sgplan.apply", "sgplan.verify",
)  # fmt: skip


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return set(out.split())


def _heavy_for_help(loaded: set[str]) -> set[str]:
    return {m for m in loaded if any(m == h or m.startswith(h + ".") for h in NOT_FOR_HELP)}


def _help_modules(*args: str) -> set[str]:
    """Modules loaded once the entry point (``sgplan.cli:main``) printed ``sgplan ARGS``'s
    help: listed on stderr just before it leaves through ``os._exit``."""
    code = (
        "import os, sys\n_exit = os._exit\n"
        "def leave(status):\n"
        "    sys.stderr.write('\\n'.join(sys.modules)); sys.stderr.flush(); _exit(status)\n"
        "os._exit = leave\nsys.argv = ['sgplan', *sys.argv[1:]]\n"
        "from sgplan.cli import main\nmain()"
    )
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, check=True,
                          capture_output=True, text=True)  # fmt: skip
    assert "Usage: sgplan" in proc.stdout
    return set(proc.stderr.split())


def test_importing_the_cli_loads_no_heavy_library():
    loaded = _modules_after("import sgplan.cli")
    assert not {m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY}
    assert not _heavy_for_help(loaded)


def test_importing_sgplan_builds_no_model_until_a_name_is_used():
    assert not _heavy_for_help(_modules_after("import sgplan, sgplan.model.issues"))
    loaded = _modules_after("from sgplan import define_stack")
    assert "sgplan.model.build" in loaded and "pydantic" in loaded


@pytest.mark.parametrize("args", [["--help"], ["-h"]], ids=["--help", "-h"])
def test_help_imports_no_engine(args):
    assert not _heavy_for_help(_help_modules(*args))


@pytest.mark.parametrize("name", list(COMMANDS))
def test_command_help_imports_no_engine(name):
    loaded = _help_modules(name, "--help")
    assert f"sgplan.cli.{COMMANDS[name][0]}" in loaded
    assert not _heavy_for_help(loaded)


def test_validate_prod_loads_no_live_or_diff_library():
    code = (
        "from typer.testing import CliRunner\nfrom sgplan.cli import app\n"
        "r = CliRunner().invoke(app, ['validate', '--stack', 'prod'])\nassert r.exit_code == 0"
    )
    loaded = _modules_after(code)
    assert not {m for m in loaded if m.split(".")[0] in HEAVY[:4]}
