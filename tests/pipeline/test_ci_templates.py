"""The CI templates under examples/ci/: valid against the GitHub workflow and GitLab CI JSON
Schemas (as shipped by check-jsonschema), clean under actionlint, and every sgplan command
they run executed here, job after job as a run takes them, against the local ECS endpoint
(`pulumi up` stands in as the state it leaves; `pulumi preview` needs the Pulumi CLI)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from sgplan.cli import app
from sgplan.localecs import EcsStore, LocalEcs
from sgplan.model.stack import State

from .ci import GITHUB, GITLAB, ROOT, Job, github_jobs, gitlab_jobs, sgplan_lines
from .helpers import REGION, landed, prod_snapshot

runner = CliRunner()
PR = GITHUB[0].parent / "sgplan-pull-request.yml"
SHA = "9b1e6a0c4d2f8e7a5b3c1d0e9f8a7b6c5d4e3f2a"


def _check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _actionlint() -> str:
    found = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    assert Path(found).exists(), "actionlint is a dev dependency (pyproject.toml)"
    return found


def test_github_workflows_match_the_schema():
    done = _check_jsonschema("vendor.github-workflows", *GITHUB)
    assert done.returncode == 0, done.stdout + done.stderr


def test_gitlab_ci_matches_the_schema():
    done = _check_jsonschema("vendor.gitlab-ci", GITLAB)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schemas_catch_a_broken_template(tmp_path):
    bad = tmp_path / "bad.yml"
    doc = yaml.safe_load(PR.read_text())
    doc["jobs"]["check"]["runs-on"] = {"group": 3}
    bad.write_text(yaml.safe_dump(doc))
    assert _check_jsonschema("vendor.github-workflows", bad).returncode == 1
    lab = yaml.safe_load(GITLAB.read_text())
    lab["prod"]["when"] = "after-lunch"
    bad.write_text(yaml.safe_dump(lab))
    assert _check_jsonschema("vendor.gitlab-ci", bad).returncode == 1


def test_actionlint_is_clean():
    done = subprocess.run([_actionlint(), "-no-color", *map(str, GITHUB)], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    text = PR.read_text().replace("${{ matrix.stack }}", "${{ matrix.stak }}", 1)
    bad = tmp_path / "bad.yml"
    bad.write_text(text)
    done = subprocess.run([_actionlint(), "-no-color", str(bad)], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 1 and "stak" in done.stdout


def test_credentials_come_only_from_the_secret_store():
    for path in [*GITHUB, GITLAB]:
        text = path.read_text()
        assert not re.search(r"LTAI[0-9A-Za-z]{12}", text)
        for line in text.splitlines():
            if re.match(r"\s*(ALIBABA_CLOUD_ACCESS_KEY_(ID|SECRET)|ALICLOUD_(ACCESS|SECRET)_KEY|"
                        r"PULUMI_ACCESS_TOKEN):", line):  # fmt: skip
                assert "${{ secrets." in line, f"{path.name}: {line.strip()}"


def test_jobs_touching_a_stack_are_serialised_per_stack():
    for path in GITHUB:
        doc = yaml.safe_load(path.read_text())
        for name, job in doc["jobs"].items():
            runs = "\n".join(s.get("run", "") for s in job["steps"])
            if "pulumi up" in runs or "--detailed-exitcode" in runs:
                group = job["concurrency"]["group"]
                assert group.startswith("sgplan-stack-"), (path.name, name)
                assert job["concurrency"]["cancel-in-progress"] is False
    lab = yaml.safe_load(GITLAB.read_text())
    for name in ("preview", "staging", "prod", "drift"):
        assert lab[name]["resource_group"].startswith("sgplan-"), name
    assert lab["prod"]["when"] == "manual"  # the approval between staging and prod
    deploy = yaml.safe_load((GITHUB[0].parent / "sgplan-deploy.yml").read_text())
    assert deploy["jobs"]["prod"]["environment"] == "production"
    assert deploy["jobs"]["prod"]["needs"] == "staging"


def _commands(jobs: list[Job]) -> set[str]:
    return {line.text.split()[1] for _, line in sgplan_lines(jobs)}


def test_both_forges_run_the_same_sgplan_commands():
    github = [j for p in GITHUB for j in github_jobs(p)]
    assert _commands(github) == _commands(gitlab_jobs())
    assert _commands(github) == {"validate", "lint", "test", "plan", "comment", "pull", "verify"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project to run the pipeline in (it writes state/ and report files)."""
    for name in ("stacks", "modules"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for path in ROOT.glob("Pulumi*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "state").mkdir()
    shutil.copy(ROOT / "state" / "prod.json", tmp_path / "state" / "prod.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path


class Cloud:
    """The local endpoint and what `pulumi up` leaves behind."""

    def __init__(self, ecs: LocalEcs, state: State) -> None:
        self.ecs = ecs
        self.state = state
        ecs.store = EcsStore.from_state(state)

    def up(self, stack: str) -> None:
        self.state = landed(stack, self.state)
        self.ecs.store = EcsStore.from_state(self.state)


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    with LocalEcs(EcsStore.from_state(State(region=REGION))) as ecs:
        monkeypatch.setenv("SGPLAN_ECS_ENDPOINT", ecs.endpoint)
        monkeypatch.setenv("SGPLAN_ECS_RATE", "2000")
        yield Cloud(ecs, prod_snapshot())


def _run_jobs(
    jobs: list[Job], cloud: Cloud, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """Run each job's lines in order; returns what ran. A failing sgplan command fails the
    test unless the template tolerates it there."""
    ran: list[str] = []
    for job in jobs:
        # what the runner fills in (secrets, event fields) comes from the test's environment
        job_env = {**env, **{k: v for k, v in job.env.items() if "${{" not in v}}
        for line in job.lines:
            if not line.text.startswith(("sgplan ", "pulumi up ")):
                continue  # shell plumbing, `pulumi preview` (needs the CLI), forge API calls
            words = line.argv(job_env)
            if words[:2] == ["pulumi", "up"]:
                cloud.up(words[words.index("--stack") + 1])
                ran.append(" ".join(words[:4]))
            elif words[0] == "sgplan":
                for key, value in job_env.items():
                    monkeypatch.setenv(key, value)
                result = runner.invoke(app, words[1:])
                allowed = {0, 1, 2} if line.tolerant else {0}
                assert result.exit_code in allowed, (line.where, words, result.output)
                ran.append(" ".join(words))
    return ran


def _landed_everywhere(cloud: Cloud, project: Path) -> None:
    from sgplan.load import load_stack
    from sgplan.verify import verify_stack

    for name in ("staging", "prod"):
        assert verify_stack(load_stack(name), cloud.state).passed, name
    assert (project / "state" / "promotion.json").is_file()


ENV = {"PR_NUMBER": "7", "HEAD_SHA": SHA, "GITHUB_SHA": SHA, "CI_COMMIT_SHA": SHA,
       "CI_MERGE_REQUEST_IID": "7"}  # fmt: skip


def test_every_github_command_runs_against_the_example_stacks(project, cloud, monkeypatch):
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    names = ["sgplan-pull-request.yml", "sgplan-deploy.yml", "sgplan-drift.yml"]
    ran = []
    for name in names:
        ran += _run_jobs(github_jobs(GITHUB[0].parent / name), cloud, ENV, monkeypatch)
    assert "pulumi up --stack staging" in ran and "pulumi up --stack prod" in ran
    assert ran.index("pulumi up --stack staging") < ran.index("pulumi up --stack prod")
    assert (
        "sgplan verify --stack staging --live --record --format markdown --out verify-staging.md"
        in ran
    )
    comment = (project / "comment.md").read_text()
    assert comment.startswith("<!-- sgplan:plan-comment pr-7 -->")
    assert "| `prod` | Plan: 7 to add, 4 to change, 8 to destroy. |" in comment
    gate = (project / "plan-prod.md").read_text()
    assert f"applied to staging at {SHA[:12]}, verified" in gate
    assert (project / "drift-prod.md").is_file()  # the live groups changed since the pull
    _landed_everywhere(cloud, project)


def test_every_gitlab_command_runs_against_the_example_stacks(project, cloud, monkeypatch):
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    ran = _run_jobs(gitlab_jobs(), cloud, ENV, monkeypatch)
    assert ran.index("pulumi up --stack staging") < ran.index("pulumi up --stack prod")
    assert (project / "comment.md").read_text().startswith("<!-- sgplan:plan-comment mr-7 -->")
    assert f"applied to staging at {SHA[:12]}, verified" in (project / "plan-prod.md").read_text()
    _landed_everywhere(cloud, project)
