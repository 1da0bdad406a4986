"""Where words go: the terminal, CI logs, report files, and never a token.

Every line the tool prints, every report it writes and every error message passes through
`redact`, which blanks the token in use (as read from the environment, and stripped: a token
pasted with its trailing newline is still the same secret), any other value registered with
`secret`, and anything shaped like a GitHub token, so a token cannot leak through an error
message that quotes a URL, a header or a server's reply.
"""

from __future__ import annotations

import json
import os
import re
import sys

TOKEN_VARS = ("GITHUB_TOKEN", "GH_TOKEN", "INPUT_TOKEN")
# Shapes of GitHub tokens, for tokens that did not come from our own environment.
_TOKEN_SHAPES = re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b")
_MIN_SECRET = 4  # shorter values would blank ordinary words
_secrets: set[str] = set()
_clients: list = []  # GitHub clients of this run, for "what was done" on Ctrl-C


def secret(value: str) -> str:
    """Remember `value` (stripped) as a secret for every later `redact`; returns it stripped."""
    value = (value or "").strip()
    if len(value) >= _MIN_SECRET:
        _secrets.add(value)
    return value


def redact(text: str) -> str:
    values = set(_secrets)
    for var in TOKEN_VARS:
        value = (os.environ.get(var) or "").strip()
        if len(value) >= _MIN_SECRET:
            values.add(value)
    for value in sorted(values, key=len, reverse=True):  # longest first: one may contain another
        text = text.replace(value, "***")
    return _TOKEN_SHAPES.sub("***", text)


def redact_data(data):
    """`data` (JSON-like) with every string redacted: reports quote servers' messages."""
    if isinstance(data, str):
        return redact(data)
    if isinstance(data, dict):
        return {redact_data(k): redact_data(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact_data(v) for v in data]
    return data


def json_report(data) -> str:
    """The text of a `--json` report: redacted, indented, one trailing newline."""
    return json.dumps(redact_data(data), indent=2) + "\n"


def track(client):
    """Note a GitHub client of this run; the CLI asks it what was written if interrupted."""
    _clients.append(client)
    return client


def begin_run() -> None:
    _clients.clear()


def writes_done() -> int:
    total = 0
    for c in _clients:
        stats = getattr(c, "stats", None)
        total += getattr(stats, "writes", 0) or 0
    return total


class Reporter:
    """Plain lines to stdout or stderr, redacted."""

    def __init__(self, err: bool = False):
        self.stream = sys.stderr if err else sys.stdout

    def line(self, text: str = "") -> None:
        print(redact(text), file=self.stream, flush=True)
