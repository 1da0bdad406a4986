"""GitHub Actions' side channels, written only when running in Actions.

Outputs go to `GITHUB_OUTPUT`, the Markdown report to `GITHUB_STEP_SUMMARY`, findings become
`::error` annotations. Outside Actions every method does nothing, so commands call them freely.
The formatting and escaping of workflow commands is actions-toolkit's.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from actions_toolkit import core

from .output import redact

MAX_ANNOTATIONS = 10  # GitHub shows at most 10 errors per step; say how many more there were
SUMMARY_LIMIT = 1024 * 1024 - 1024


class Actions:
    def __init__(self, environ=None):
        env = os.environ if environ is None else environ
        self.active = env.get("GITHUB_ACTIONS") == "true"
        self.output_file = env.get("GITHUB_OUTPUT")
        self.summary_file = env.get("GITHUB_STEP_SUMMARY")
        self.temp = Path(env.get("RUNNER_TEMP") or ".")

    def output(self, name: str, value) -> None:
        if self.active and self.output_file:
            core.set_output(name, str(value))

    def summary(self, markdown: str) -> None:
        if not (self.active and self.summary_file):
            return
        data = redact(markdown)
        if len(data.encode("utf-8")) > SUMMARY_LIMIT:
            data = data.encode("utf-8")[:SUMMARY_LIMIT].decode("utf-8", "ignore") + \
                "\n\n(summary cut at GitHub's 1 MiB limit; the JSON report has everything)\n"
        with open(self.summary_file, "a", encoding="utf-8") as f:
            f.write(data + "\n")

    def annotate(self, items: list[tuple[str, str, int | None, str]]) -> None:
        """(file, title, line, message) per finding, as error annotations."""
        if not self.active:
            return
        for file, title, line, message in items[:MAX_ANNOTATIONS]:
            props = {"title": title}
            if file:
                props["file"] = file
            if line:
                props["start_line"] = line
            core.error(redact(message), **props)
        if len(items) > MAX_ANNOTATIONS:
            core.error(f"{len(items) - MAX_ANNOTATIONS} more findings: see the job summary")

    @contextmanager
    def group(self, name: str):
        if self.active:
            core.start_group(name)
        try:
            yield
        finally:
            if self.active:
                core.end_group()

    def mask(self, secret: str | None) -> None:
        if self.active and secret:
            core.set_secret(secret)

    def report_paths(self, stem: str) -> tuple[Path, Path]:
        return self.temp / f"{stem}.json", self.temp / f"{stem}.md"
