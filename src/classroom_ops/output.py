"""Where words go: the terminal, CI logs, and never a token.

Every line the tool prints passes through `redact`, which blanks the values of the token variables,
so a token cannot leak through an error message that quotes a URL or a server's reply.
"""

from __future__ import annotations

import os
import re
import sys

TOKEN_VARS = ("GITHUB_TOKEN", "GH_TOKEN", "INPUT_TOKEN")
# Shapes of GitHub tokens, for tokens that did not come from our own environment.
_TOKEN_SHAPES = re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b")


def redact(text: str) -> str:
    for var in TOKEN_VARS:
        value = os.environ.get(var)
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return _TOKEN_SHAPES.sub("***", text)


class Reporter:
    """Plain lines to stdout or stderr, redacted."""

    def __init__(self, err: bool = False):
        self.stream = sys.stderr if err else sys.stdout

    def line(self, text: str = "") -> None:
        print(redact(text), file=self.stream, flush=True)
