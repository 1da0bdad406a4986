"""One error family for the whole tool.

Every failure a user can cause or fix is a `ClassroomOpsError`; the CLI's single error boundary
prints it as a short message and exits with its code, without a traceback unless `--debug`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .output import redact

EXIT_PROBLEMS = 1  # the job ran but found problems, or some items failed
EXIT_USAGE = 2  # usage or configuration error


class ClassroomOpsError(Exception):
    exit_code = EXIT_PROBLEMS

    def lines(self) -> list[str]:
        return [str(self)]


class UsageError(ClassroomOpsError):
    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located so an editor can jump to it."""

    file: str
    line: int | None
    col: int | None
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class ConfigError(ClassroomOpsError):
    """The course file (or a file it names) is wrong; carries every problem found, not just one."""

    exit_code = EXIT_USAGE

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.col or 0))
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        n = sum(1 for p in self.problems if p.severity == "error")
        return [str(p) for p in self.problems] + [
            f"{n} error{'s' if n != 1 else ''} in the course file; fix "
            f"{'them' if n != 1 else 'it'} and run `classroom-ops validate` again."
        ]


class GitHubError(ClassroomOpsError):
    """GitHub answered with an error we could not work around. `status` is the HTTP status.

    The message is redacted here, once, where it is made: it quotes the server, which can echo
    a token back (a URL with credentials, a header), and it goes on into logs, issues and
    `--json` reports."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(redact(str(message)))
        self.status = status


class AuthError(GitHubError):
    exit_code = EXIT_USAGE


class NotFound(GitHubError):
    pass


class PermissionDenied(GitHubError):
    pass


class AlreadyExists(GitHubError):
    pass


class Unavailable(GitHubError):
    """5xx or dropped connections that outlasted our patience."""


class StopRun(ClassroomOpsError):
    """An error every later request of the run would meet too. Not a GitHubError on purpose:
    per-team error handling re-raises it (`except StopRun: raise`) instead of recording the same
    failure for every team."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(redact(str(message)))
        self.status = status


class RateLimited(StopRun):
    """A rate limit we cannot wait out: carrying on with the next team would only hammer GitHub."""


class MissingPermission(StopRun):
    """GitHub named the permission the token lacks (403 with `X-Accepted-GitHub-Permissions`).
    A configuration error: the fix is in the GitHub App's settings or the workflow's
    `permission-*` inputs, not in a rerun."""

    exit_code = EXIT_USAGE
    github_message = ""  # GitHub's own message ("Resource not accessible by integration")
