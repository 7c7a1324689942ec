"""Read the CI templates under examples/ci/: the jobs in the order a run takes them, and the
shell lines each runs, with the variables a runner would set expanded."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CI = ROOT / "examples" / "ci"
GITHUB = sorted((CI / "github").glob("*.yml"))
GITLAB = CI / "gitlab" / ".gitlab-ci.yml"
_EXPR = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


@dataclass(frozen=True)
class Line:
    """One command line of a job: where it is, the text, and whether a failure is tolerated
    there (after ``set +e``, or ``|| true``)."""

    where: str
    text: str
    tolerant: bool

    def argv(self, env: dict[str, str]) -> list[str]:
        text = self.text.split(";")[0].split("||")[0].strip()
        return shlex.split(_VAR.sub(lambda m: env.get(m.group(1), m.group(0)), text))


def _lines(script: str, where: str) -> Iterator[Line]:
    tolerant = False
    for raw in script.replace("\\\n", " ").split("\n"):
        text = raw.strip()
        if text == "set +e":
            tolerant = True
        elif text == "set -e":
            tolerant = False
        if text:
            yield Line(where, text, tolerant or "|| true" in text)


def _github_env(env: dict[str, Any], matrix: dict[str, str]) -> dict[str, str]:
    def expr(m: re.Match[str]) -> str:
        key = m.group(1)
        if key.startswith("matrix."):
            return matrix[key[len("matrix.") :]]
        return m.group(0)

    return {k: _EXPR.sub(expr, str(v)) for k, v in env.items()}


@dataclass
class Job:
    file: str
    name: str
    env: dict[str, str]
    lines: list[Line]


def github_jobs(path: Path) -> list[Job]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: list[Job] = []
    for name, job in doc["jobs"].items():
        stacks = job.get("strategy", {}).get("matrix", {}).get("stack") or [None]
        for stack in stacks:
            matrix = {"stack": stack} if stack else {}
            env = _github_env({**doc.get("env", {}), **job.get("env", {})}, matrix)
            lines = [
                line
                for i, step in enumerate(job["steps"])
                if "run" in step
                for line in _lines(step["run"], f"{path.name}:{name}[{stack}]:step {i + 1}")
            ]
            out.append(Job(path.name, f"{name}[{stack}]" if stack else name, env, lines))
    return out


def gitlab_jobs(path: Path = GITLAB) -> list[Job]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    stages = doc["stages"]
    jobs = [(k, v) for k, v in doc.items() if isinstance(v, dict) and "stage" in v]
    jobs.sort(key=lambda kv: stages.index(kv[1]["stage"]))
    out: list[Job] = []
    for name, job in jobs:
        matrices = job.get("parallel", {}).get("matrix", [{}])
        stacks = [s for m in matrices for s in m.get("STACK", [])] or [None]
        for stack in stacks:
            env = {k: str(v) for k, v in job.get("variables", {}).items()}
            if stack:
                env["STACK"] = stack
            script = "\n".join(job["script"])
            label = f"{name}[{env.get('STACK')}]"
            out.append(Job(path.name, label, env, list(_lines(script, f"{path.name}:{label}"))))
    return out


def sgplan_lines(jobs: list[Job]) -> list[tuple[Job, Line]]:
    return [(j, line) for j in jobs for line in j.lines if line.text.startswith("sgplan ")]
