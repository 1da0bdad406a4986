"""Provisioning: bring the organization to the state the course file describes.

config -> desired state -> observe -> plan -> (confirm) -> apply -> summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..adapter import GitHubAPI
from ..errors import UsageError
from ..model import Course
from .apply import Applier, TeamResult
from .plan import Plan, make_plan
from .render import check_templates, read_template_dir, template_source
from .rules_files import RulesRecord
from .state import observe, preflight

__all__ = ["ProvisionRun", "prepare", "Plan"]


@dataclass
class ProvisionRun:
    course: Course
    gh: GitHubAPI
    plan: Plan
    applier: Applier
    teams: list

    def apply(self, on_step=None, on_team=None) -> list[TeamResult]:
        self.applier.course_steps(self.plan.course_steps)
        results = []
        try:
            for team in self.teams:
                if not self.plan.for_team(team.slug):
                    continue
                res = self.applier.team(team, self.plan, on_step=on_step)
                results.append(res)
                if on_team:
                    on_team(team, res)
        finally:
            self.applier.remember_current()  # also what a run stopped midway wrote
        return results

    def remember(self) -> None:
        """Nothing to apply: keep what the plan found current (no request next time)."""
        self.applier.remember_current()


def prepare(gh: GitHubAPI, course: Course, course_dir: Path, only: list[str] | None) -> ProvisionRun:
    source = template_source(course, course_dir)
    me = preflight(gh, course, source)
    template_files = read_template_dir(source.folder) if source.folder else None
    teams = [t for t in course.teams if not only or t.slug in only]
    if template_files is not None:
        check_templates(template_files, course, teams)  # before any write
    record = RulesRecord.beside(course_dir)
    obs = observe(gh, course, teams, me, record)
    if obs.refused:
        raise UsageError("\n".join(obs.refused) + "\nnothing was written: provisioning never "
                         "takes over a team or repository it cannot prove it made")
    plan = make_plan(course, obs, teams)
    return ProvisionRun(course, gh, plan,
                        Applier(gh, course, source, template_files, me, obs, record), teams)
