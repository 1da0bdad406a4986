"""The course hub: a private repository the `students` team can read, holding the issue form
"Register your team", the workflow that answers registrations, and the settings it reads.

`setup_hub` is what `provision` calls when the course file has `formation:`. It reads first and
writes only what differs, so a rerun writes nothing (students who have not accepted their
invitation yet cost one read each).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources

import yaml

from ..errors import NotFound
from ..model import Course
from .settings import SETTINGS_PATH, STUDENTS_TEAM, Settings

FORM_PATH = ".github/ISSUE_TEMPLATE/register-team.yml"
# The labels `teams sync` sets (output only; see sync.py), with colours people can tell apart.
LABELS = {
    "team: pending": ("fbca04", "Waiting for teammates to /confirm"),
    "team: confirmed": ("0e8a16", "Every member confirmed"),
    "team: problem": ("d93f0b", "The registration needs a fix: see its answer"),
    "team: looking": ("1d76db", "A student looking for a team"),
}
WORKFLOW_PATH = ".github/workflows/team-registration.yml"


def _template(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


def issue_form(areas: tuple[str, ...]) -> str:
    """The form with the course's areas as options (dumped as YAML data, so an area's name
    can hold any character); without areas the checkboxes are left out."""
    head, _, _ = _template("register-team.yml").partition("name:")
    form = yaml.safe_load(_template("register-team.yml"))
    body = []
    for item in form["body"]:
        if item.get("id") == "interests":
            if not areas:
                continue
            item["attributes"]["options"] = [{"label": a} for a in areas]
        body.append(item)
    form["body"] = body
    return head + yaml.safe_dump(form, sort_keys=False, allow_unicode=True, width=100)


def hub_files(settings: Settings) -> dict[str, bytes]:
    readme = _template("README.md").format(
        course=settings.course or settings.org,
        closes=settings.local(settings.closes).strftime("%Y-%m-%d %H:%M %Z"))
    return {
        FORM_PATH: issue_form(settings.areas).encode(),
        WORKFLOW_PATH: _template("team-registration.yml").encode(),
        SETTINGS_PATH: settings.to_json().encode(),
        "README.md": readme.encode(),
    }


def blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324 (git's)


@dataclass
class HubResult:
    steps: list[str] = field(default_factory=list)  # what was (or would be) done
    notes: list[str] = field(default_factory=list)


def setup_hub(gh, course: Course, *, dry_run: bool = False,
              log: Callable[[str], None] = lambda s: None) -> HubResult:
    f = course.formation
    assert f is not None
    org, full = course.org, f"{course.org}/{f.repo}"
    res = HubResult()

    def step(text: str) -> bool:
        res.steps.append(text)
        log(("would: " if dry_run else "") + text)
        return not dry_run

    try:
        repo = gh.get_repo(full)
    except NotFound:
        repo = None
        if step(f"create the private hub repository {full}"):
            repo = gh.create_repo(org, f.repo, private=True, auto_init=True,
                                  description=f"{course.name}: team registration")
    if repo is not None and not repo.private and step(f"make {full} private"):
        gh.update_repo(full, private=True)

    try:
        team = gh.get_team(org, STUDENTS_TEAM)
    except NotFound:
        team = None
        if step(f"create team {STUDENTS_TEAM} (read access to {f.repo})") and repo is not None:
            team = gh.create_team(org, STUDENTS_TEAM, repo=full, permission="pull",
                                  description=f"Students of {course.name}")
    access = gh.list_team_repos(org, STUDENTS_TEAM) if team is not None else {}
    if team is not None and access.get(full) != "pull" and step(f"give {STUDENTS_TEAM} read "
                                                                  f"access to {f.repo}"):
        gh.set_team_repo(org, STUDENTS_TEAM, full, "pull")
    _staff_access(gh, course, full, res, step, dry_run)

    have = gh.list_labels(full) if repo is not None else set()
    missing = [n for n in LABELS if n not in have]
    if missing and step(f"create {len(missing)} label{'s' if len(missing) != 1 else ''} "
                        f"({', '.join(missing)})") and repo is not None:
        for name in missing:
            gh.create_label(full, name, *LABELS[name])
    joined = _invite(gh, course, team is not None, res, step)
    settings = Settings.from_course(course, extra_students=tuple(sorted(joined)))
    _files(gh, full, repo, settings, step)
    return res


def _staff_access(gh, course: Course, full: str, res: HubResult, step, dry_run: bool) -> None:
    slug = course.staff_team_slug
    try:
        have = gh.list_team_repos(course.org, slug)
    except NotFound:
        if dry_run:  # provision creates the staff team first, then sets the hub up
            step(f"give {slug} maintain access to the hub")
        else:
            res.notes.append(f"no team {slug} yet: staff get access to the hub on the next run")
        return
    if have.get(full) != "maintain" and step(f"give {slug} maintain access to the hub"):
        gh.set_team_repo(course.org, slug, full, "maintain")


def _invite(gh, course: Course, team_exists: bool, res: HubResult, step) -> set[str]:
    """Every roster student into the students team: by login (GitHub invites non-members to
    the org and the team at once), or by e-mail address. Returns the active members."""
    org = course.org
    members = gh.list_team_members(org, STUDENTS_TEAM) if team_exists else set()
    lower = {m.lower() for m in members}
    roster = course.formation.roster
    for s in roster:
        if not s.login or s.login.lower() in lower:
            continue
        if team_exists:
            if gh.get_team_membership_state(org, STUDENTS_TEAM, s.login) == "pending":
                continue  # invited, not accepted yet
        if step(f"invite {s.login} to {STUDENTS_TEAM}") and team_exists:
            try:
                gh.add_team_member(org, STUDENTS_TEAM, s.login)
            except NotFound:
                res.notes.append(f"{s.login} (class roster) is not a GitHub user; fix the "
                                 "roster")
    emails = [s.email for s in roster if not s.login and s.email]
    if emails:
        pending = {(i.get("email") or "").lower() for i in gh.list_pending_invitations(org)}
        team_id = gh.get_team(org, STUDENTS_TEAM).id if team_exists else 0
        for e in emails:
            if e.lower() not in pending and step(f"invite a student by e-mail ({_mask(e)})"):
                gh.create_email_invitation(org, e, [team_id])
    return members


def _mask(email: str) -> str:
    name, _, domain = email.partition("@")
    return f"{name[:1]}…@{domain}"


def _files(gh, full: str, repo, settings: Settings, step) -> None:
    want = hub_files(settings)
    if repo is None:  # the same words apply then prints: every file is new
        step(f"write {', '.join(sorted(want))} in {full}")
        return
    branch = repo.default_branch
    head = gh.get_branch_sha(full, branch)
    have = {e.path: e.sha for e in gh.get_tree(full, head) if e.type == "blob"}
    changed = {p: d for p, d in want.items() if have.get(p) != blob_sha(d)}
    if changed and step(f"write {', '.join(sorted(changed))} in {full}"):
        gh.commit_files(full, branch, changed, "classroom-ops: team registration hub",
                        parent=head)
