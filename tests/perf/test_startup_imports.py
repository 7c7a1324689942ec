"""Fast start-up: commands that do not use them never import the Alibaba SDK, aiohttp,
deepdiff, pulumi, yaml or (for help) the code generator."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

HEAVY = ("alibabacloud_ecs20140526", "aiohttp", "deepdiff", "pulumi", "yaml", "sgplan.codegen")


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return set(out.split())


def test_importing_the_cli_loads_no_heavy_library():
    loaded = _modules_after("import sgplan.cli")
    assert not {m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY}
    assert "rich" not in loaded


def test_validate_prod_loads_no_live_or_diff_library():
    code = (
        "from typer.testing import CliRunner\nfrom sgplan.cli import app\n"
        "r = CliRunner().invoke(app, ['validate', '--stack', 'prod'])\nassert r.exit_code == 0"
    )
    loaded = _modules_after(code)
    assert not {m for m in loaded if m.split(".")[0] in HEAVY[:4]}
