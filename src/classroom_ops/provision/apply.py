"""Carry out a provisioning plan, team by team, serially.

One team's failure is recorded and the others go on. Steps are ordered so that a run killed at any
point leaves a state from which the next run's plan finishes the job (see plan.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..adapter import GitHubAPI
from ..errors import AlreadyExists, ClassroomOpsError, GitHubError, NotFound, StopRun
from ..ghdata import TeamInfo
from ..model import Course, Team
from .plan import Observed, Plan, Step
from .render import RULES_PATH, SUFFIX, TemplateSource, render_team_files
from .rules_files import RulesRecord, rules_digest
from .state import SETUP_MESSAGE, mark, needs_starter_files, was_set_up


@dataclass
class TeamResult:
    slug: str
    done: list[Step] = field(default_factory=list)
    error: str | None = None
    invited: list[str] = field(default_factory=list)  # added as pending: not org members yet


class StillEmpty(GitHubError):
    """The repository has no commit yet."""


def wait_until_ready(gh: GitHubAPI, full: str, branch: str, *, timeout: float = 120.0,
                     sleep=time.sleep) -> str:
    """A repository generated from a template is empty for a while (contents 404, git 409):
    poll its branch, backing off, as Terraform's provider does."""
    delay, waited = 0.25, 0.0
    while True:
        try:
            return gh.get_branch_sha(full, branch)
        except GitHubError as e:
            if not isinstance(e, NotFound) and e.status != 409:
                raise
            if waited >= timeout:
                raise StillEmpty(f"{full} was still empty {int(timeout)} s after it was "
                                 "generated; rerun provision to finish it", 409) from None
            sleep(delay)
            waited += delay
            delay = min(delay * 2, 8.0)


class Applier:
    def __init__(self, gh: GitHubAPI, course: Course, source: TemplateSource,
                 template_files: dict[str, bytes] | None, me: str, obs: Observed | None = None,
                 record: RulesRecord | None = None):
        self.gh = gh
        self.me = me
        self.course = course
        self.source = source
        self.template_files = template_files
        self._blobs: dict[str, bytes] = {}  # generated repositories share the template's blobs
        obs = obs or Observed()
        self.obs = obs
        self.record = record  # rules files written or found current (rules_files.py)
        # GitHub's slugs, from its answers: course team slug -> team slug on GitHub
        self.slugs: dict[str, str] = dict(obs.gh_slug)
        self.staff_slug = obs.staff_slug
        self.empty = set(obs.empty)
        self.generated: set[str] = set()  # repositories this run generated from a template

    def course_steps(self, steps: list[Step]) -> None:
        org = self.course.org
        for step in steps:
            if step.kind == "set_base_permission":
                self.gh.set_base_permission(org, step.detail)
            elif step.kind == "create_staff_team":
                info = self._create_team(self.course.staff_team,
                                         f"Staff of {self.course.name}", staff=True)
                self.staff_slug = info.slug
                if self.me and self.me.lower() not in {m.lower() for m in self.course.staff_members}:
                    self.gh.remove_team_member(org, self.staff_slug, self.me)
            elif step.kind == "add_staff_member":
                self.gh.add_team_member(org, self.staff_slug, step.detail, role="maintainer")

    def _create_team(self, name: str, description: str, *, staff: bool = False,
                     **kw) -> TeamInfo:
        """Create a team, or adopt the one a killed run created (same name, same mark)."""
        try:
            return self.gh.create_team(self.course.org, name, description=description, **kw)
        except AlreadyExists:
            found = self.gh.get_team_named(self.course.org, name)
            if found is None or (not staff and found.description != description):
                raise GitHubError(f"team '{name}' already exists and classroom-ops did not make "
                                  "it; rename the team in the course file, or rename or delete "
                                  "that team on GitHub", 422) from None
            return found

    def team(self, team: Team, plan: Plan, on_step=None) -> TeamResult:
        result = TeamResult(team.slug)
        try:
            for step in plan.for_team(team.slug):
                self._step(team, step, result)
                result.done.append(step)
                if on_step:
                    on_step(team, step)
        except StopRun:
            raise
        except ClassroomOpsError as e:
            result.error = str(e)
        return result

    def _create_repo(self, team: Team, repo: str, description: str) -> None:
        c, gh = self.course, self.gh
        try:
            if self.source.repo:
                gh.generate_repo(self.source.repo, c.org, repo, private=c.private,
                                 description=description)
                self.generated.add(repo)
            else:
                gh.create_repo(c.org, repo, private=c.private, description=description,
                               auto_init=True)
        except AlreadyExists:
            # A killed run's create can land after this run planned: adopt it when it carries
            # our mark, refuse anything else.
            found = gh.get_repo(f"{c.org}/{repo}")
            if found.description != description:
                raise GitHubError(f"repository {c.org}/{repo} already exists and classroom-ops "
                                  "did not make it for this team; choose another name pattern "
                                  "(repos.name), or rename or delete that repository", 422
                                  ) from None
            if self.source.repo:
                self.generated.add(repo)

    def _step(self, team: Team, step: Step, result: TeamResult) -> None:
        c, gh = self.course, self.gh
        repo = c.repo_for(team)
        full = f"{c.org}/{repo}"
        description = mark(c, team)
        slug = self.slugs.get(team.slug, "")
        if step.kind == "create_repo":
            self._create_repo(team, repo, description)
        elif step.kind == "write_files":
            self._write_files(team, full)
        elif step.kind == "create_team":
            # Creating a team takes only pull or push for its repositories (GitHub's description
            # of the endpoint); any other permission is set on the repository right after.
            simple = c.permission in ("pull", "push")
            info = self._create_team(team.name, description, repo=full,
                                     permission=c.permission if simple else "pull")
            slug = self.slugs[team.slug] = info.slug  # GitHub's slug, never a guess
            if not simple:
                gh.set_team_repo(c.org, slug, full, c.permission)
            # GitHub makes whoever creates a team its maintainer; a student team should hold
            # only its students.
            if self.me and self.me.lower() not in {m.lower() for m in team.members}:
                gh.remove_team_member(c.org, slug, self.me)
        elif step.kind == "add_member":
            if gh.add_team_member(c.org, slug, step.detail) == "pending":
                result.invited.append(step.detail)
        elif step.kind == "remove_member":
            gh.remove_team_member(c.org, slug, step.detail)
        elif step.kind == "set_permission":
            gh.set_team_repo(c.org, slug, full, c.permission)
        elif step.kind == "staff_access":
            gh.set_team_repo(c.org, self.staff_slug, full, "maintain")
        elif step.kind == "update_rules":
            want, sha = self.obs.rules_update[team.slug]
            gh.put_file(full, RULES_PATH, want, f"classroom-ops: update the rules for {team.name}",
                        branch=self.obs.repos[repo].default_branch, sha=sha or None)
            self._remember(team, full)
        else:  # pragma: no cover - plan.py and this list change together
            raise AssertionError(step.kind)

    def _remember(self, team: Team, full: str) -> None:
        if self.record is not None:
            self.record.put(full, rules_digest(self.course, team))

    def remember_current(self) -> None:
        """Record the rules files the plan found current, and save the record."""
        if self.record is None:
            return
        for team in self.course.teams:
            if team.slug in self.obs.rules_ok:
                self.record.put(f"{self.course.org}/{self.course.repo_for(team)}",
                                self.obs.rules_ok[team.slug])
        self.record.save()

    def _write_files(self, team: Team, full: str) -> None:
        try:
            if self._write_files_once(team, full):
                self._remember(team, full)  # only what this run wrote: the file is the course's
        except GitHubError as e:
            # A request from a run that was killed can still land after this run looked: the
            # branch moved under us. If it moved to our own setup commit, the work is done.
            if e.status != 422 or was_set_up(self.gh, full):
                if e.status == 422:
                    return
                raise
            if self._write_files_once(team, full):
                self._remember(team, full)

    def _write_files_once(self, team: Team, full: str) -> bool:
        """Write the team's files; False when the repository was already set up."""
        info = self.gh.get_repo(full)
        # A repository this run generated fills itself a little later (GitHub copies the
        # template in the background): wait for it. One found empty at plan time is filled at
        # once; one from a GitHub template gets a short grace in case a killed run generated it.
        if info.name in self.generated:
            timeout = 120.0
        elif self.source.repo and team.slug not in self.empty:
            timeout = 15.0
        else:
            timeout = 0.0
        try:
            head = wait_until_ready(self.gh, full, info.default_branch, timeout=timeout)
        except StillEmpty:
            if info.name in self.generated:
                raise
            self._fill_empty(team, full, info.default_branch)
            return True
        head_commit = self.gh.get_commit(full, head)
        if not needs_starter_files(head_commit):
            return False  # already set up (perhaps by a killed run's last request), or in use
        base_tree = head_commit["tree"]["sha"]
        if self.template_files is not None:
            files = render_team_files(self.template_files, self.course, team)
            self.gh.commit_files(full, info.default_branch, files,
                                 f"{SETUP_MESSAGE} for {team.name}", parent=head,
                                 base_tree=base_tree)
            return True
        # From a GitHub template: the generated copy holds the *.jinja sources; render them in
        # place and remove the sources in the same commit.
        tree = self.gh.get_tree(full, head)
        for e in tree:
            if e.type == "blob" and e.path.endswith(SUFFIX) and e.sha not in self._blobs:
                self._blobs[e.sha] = self.gh.get_blob(full, e.sha)
        sources = {e.path: self._blobs[e.sha] for e in tree
                   if e.type == "blob" and e.path.endswith(SUFFIX)}
        kept = {e.path: e.sha for e in tree if e.type == "blob" and not e.path.endswith(SUFFIX)}
        files = render_team_files(sources, self.course, team, kept)
        if not sources:
            # Nothing to render: only the team's rules file, which one contents-API write does
            # (one request instead of tree, commit and ref).
            old = next((e.sha for e in tree if e.path == RULES_PATH), None)
            self.gh.put_file(full, RULES_PATH, files[RULES_PATH],
                             f"{SETUP_MESSAGE} for {team.name}", branch=info.default_branch,
                             sha=old)
            return True
        self.gh.commit_files(full, info.default_branch, files,
                             f"{SETUP_MESSAGE} for {team.name}", parent=head,
                             delete=list(sources), base_tree=base_tree)
        return True

    def _fill_empty(self, team: Team, full: str, branch: str) -> None:
        """An empty repository (no commit, so no git data API): the first file through the
        contents API, which creates the branch, then the rest in one commit on top."""
        if self.template_files is not None:
            template = self.template_files
        else:
            tpl = self.gh.get_repo(self.source.repo)
            head = self.gh.get_branch_sha(self.source.repo, tpl.default_branch)
            tree = self.gh.get_tree(self.source.repo, head)
            template = {e.path: self.gh.get_blob(self.source.repo, e.sha) for e in tree
                        if e.type == "blob"}
        files = render_team_files(template, self.course, team)
        message = f"{SETUP_MESSAGE} for {team.name}"
        first = RULES_PATH if RULES_PATH in files else sorted(files)[0]
        sha = self.gh.put_file(full, first, files.pop(first), message, branch=branch)
        if files:
            self.gh.commit_files(full, branch, files, message, parent=sha)
