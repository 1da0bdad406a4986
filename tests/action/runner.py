"""Run a composite action the way the GitHub Actions runner does, closely enough to test it.

What the runner does for `runs.using: composite`, and so what this does:
- inputs come from `with:` or the input's `default` (whose `${{ github.* }}` is evaluated); they
  reach a step only through `${{ inputs.x }}` in that step's `env:` -- the runner sets no
  `INPUT_*` variables for composite actions, so neither does this;
- every step gets the job's environment (GITHUB_*, RUNNER_*, CI) plus its own `env:`, a fresh
  GITHUB_OUTPUT file and a GITHUB_STEP_SUMMARY file that is appended to the job summary;
- `shell: bash` runs `bash --noprofile --norc -eo pipefail {0}` in the workspace;
- a failing step stops the action; step outputs feed later `${{ steps.id.outputs.x }}` and the
  action's `outputs`;
- workflow commands in the log (`::error ...::`, `::add-mask::`, `::group::`) are parsed.

Expressions are evaluated for the few forms an action may use here; anything else raises, so an
action that starts depending on more fails this test instead of passing by accident.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
COMMAND = re.compile(r"^::([a-z-]+)(?: ([^:]*))?::(.*)$")


@dataclass
class Annotation:
    level: str
    message: str
    properties: dict[str, str]


@dataclass
class Result:
    code: int
    outputs: dict[str, str]
    summary: str
    log: str
    annotations: list[Annotation] = field(default_factory=list)
    masks: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    steps: dict[str, dict[str, str]] = field(default_factory=dict)

    def errors(self) -> list[Annotation]:
        return [a for a in self.annotations if a.level == "error"]


def _unescape_data(s: str) -> str:
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_prop(s: str) -> str:
    return _unescape_data(s).replace("%3A", ":").replace("%2C", ",")


def parse_commands(log: str) -> tuple[list[Annotation], list[str], list[str]]:
    annotations, masks, groups = [], [], []
    for line in log.splitlines():
        m = COMMAND.match(line)
        if not m:
            continue
        name, props, data = m.group(1), m.group(2) or "", m.group(3)
        if name in ("error", "warning", "notice"):
            properties = {}
            for part in filter(None, props.split(",")):
                k, _, v = part.partition("=")
                properties[k.strip()] = _unescape_prop(v)
            annotations.append(Annotation(name, _unescape_data(data), properties))
        elif name == "add-mask":
            masks.append(data)
        elif name == "group":
            groups.append(data)
    return annotations, masks, groups


def parse_output_file(text: str) -> dict[str, str]:
    """`name=value` lines and `name<<DELIM` ... `DELIM` heredocs, as the runner reads them."""
    out: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            body = []
            while i < len(lines) and lines[i] != delim:
                body.append(lines[i])
                i += 1
            if i >= len(lines):
                raise ValueError(f"unterminated heredoc for {name!r}")
            i += 1
            out[name] = "\n".join(body)
        else:
            name, sep, value = line.partition("=")
            if not sep:
                raise ValueError(f"invalid output line {line!r}")
            out[name] = value
    return out


class ActionRunner:
    def __init__(self, action_dir: Path, workspace: Path, temp: Path, *,
                 token: str = "ghs_" + "x" * 36, api_url: str = "https://api.github.com",
                 env: dict[str, str] | None = None, event: dict | None = None):
        self.action_dir = action_dir
        self.meta = yaml.safe_load((action_dir / "action.yml").read_text())
        self.workspace = workspace
        self.temp = temp
        self.github = {"token": token, "api_url": api_url, "action_path": str(action_dir),
                       "workspace": str(workspace), "repository": "dls-fall-2026/final-sparse-squad",
                       "event_name": "push", "server_url": "https://github.com"}
        self.extra_env = dict(env or {})
        self.event = event or {"ref": "refs/heads/main", "repository": {
            "full_name": self.github["repository"]}}

    # -- expressions ---------------------------------------------------------------------------
    def _value(self, expr: str, inputs: dict, steps: dict) -> str:
        m = re.fullmatch(r"inputs\.([A-Za-z0-9_-]+)", expr)
        if m:
            return inputs.get(m.group(1), "")
        m = re.fullmatch(r"github\.([a-z_]+)", expr)
        if m and m.group(1) in self.github:
            return self.github[m.group(1)]
        m = re.fullmatch(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)", expr)
        if m:
            return steps.get(m.group(1), {}).get(m.group(2), "")
        raise ValueError(f"expression not supported by the test runner: ${{{{ {expr} }}}}")

    def evaluate(self, text, inputs: dict, steps: dict) -> str:
        if text is None:
            return ""
        if isinstance(text, bool):
            return "true" if text else "false"
        return EXPR.sub(lambda m: self._value(m.group(1), inputs, steps), str(text))

    # -- running -------------------------------------------------------------------------------
    def job_env(self) -> dict[str, str]:
        event_path = self.temp / "event.json"
        event_path.write_text(json.dumps(self.event))
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", str(self.temp)),
            "LANG": "C.UTF-8",
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_ACTION_PATH": str(self.action_dir),
            "GITHUB_EVENT_NAME": self.github["event_name"],
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_REPOSITORY": self.github["repository"],
            "GITHUB_API_URL": self.github["api_url"],
            "GITHUB_SERVER_URL": self.github["server_url"],
            "GITHUB_SHA": "0" * 40,
            "GITHUB_REF": "refs/heads/main",
            "GITHUB_RUN_ID": "1",
            "GITHUB_JOB": "check",
            "RUNNER_OS": "Linux",
            "RUNNER_TEMP": str(self.temp),
        }
        env.update(self.extra_env)
        return env

    def run(self, with_: dict[str, str] | None = None, timeout: float = 120) -> Result:
        runs = self.meta["runs"]
        assert runs["using"] == "composite", runs["using"]
        declared = self.meta.get("inputs", {})
        unknown = set(with_ or {}) - set(declared)
        if unknown:
            raise ValueError(f"unexpected inputs {sorted(unknown)}")
        inputs = {}
        for name, spec in declared.items():
            inputs[name] = self.evaluate(spec.get("default", ""), {}, {})
        inputs.update({k: str(v) for k, v in (with_ or {}).items()})

        job_env = self.job_env()
        summary_parts, logs, steps = [], [], {}
        code = 0
        for n, step in enumerate(runs["steps"]):
            if "uses" in step or "if" in step:
                raise ValueError(f"step {n}: only unconditional run steps are emulated")
            assert step.get("shell") == "bash", f"step {n} must say shell: bash"
            script = self.temp / f"step-{n}-{uuid.uuid4().hex}.sh"
            script.write_text(step["run"])
            output = self.temp / f"output-{n}"
            summary = self.temp / f"summary-{n}"
            output.write_text("")
            summary.write_text("")
            env = dict(job_env, GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary))
            for k, v in (step.get("env") or {}).items():
                env[k] = self.evaluate(v, inputs, steps)
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                  cwd=self.workspace, env=env, capture_output=True, text=True,
                                  timeout=timeout, stdin=subprocess.DEVNULL)
            logs.append(proc.stdout + proc.stderr)
            summary_parts.append(summary.read_text())
            if "id" in step:
                steps[step["id"]] = parse_output_file(output.read_text())
            if proc.returncode != 0:
                code = proc.returncode
                break
        outputs = {name: self.evaluate(spec.get("value"), inputs, steps)
                   for name, spec in (self.meta.get("outputs") or {}).items()}
        log = "".join(logs)
        annotations, masks, groups = parse_commands(log)
        return Result(code, outputs, "".join(summary_parts), log, annotations, masks, groups, steps)
