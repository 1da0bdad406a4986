"""The one line a 403 with X-Accepted-GitHub-Permissions becomes (the integration tests see it
end to end on the sandbox; here the header's forms GitHub documents)."""

from __future__ import annotations

from classroom_ops.adapter.transport import missing_permission
from classroom_ops.errors import EXIT_USAGE, StopRun


def test_alternative_sets_and_several_permissions_in_a_set():
    e = missing_permission("repository_projects=write; organization_projects=admin", "GET",
                           "https://api.github.com/projects/1/collaborators?per_page=100", "")
    text = str(e)
    assert "needs repository_projects: write or organization_projects: admin" in text
    assert "(GET /projects/1/collaborators)" in text
    assert "`permission-repository-projects: write`" in text
    e = missing_permission("contents=write,workflows=write", "PATCH",
                           "/repos/o/r/git/refs/heads/main", "moving o/r main")
    assert "moving o/r main (PATCH /repos/o/r/git/refs/heads/main) needs contents: write and " \
           "workflows: write" in str(e)
    assert "`permission-contents: write` `permission-workflows: write`" in str(e)
    assert isinstance(e, StopRun) and e.exit_code == EXIT_USAGE and "\n" not in str(e)
