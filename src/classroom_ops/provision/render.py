"""Render the team starter repository for one team (pure: bytes in, bytes out).

Only files named `*.jinja` are templates (the suffix is dropped when written): workflow files are
full of `${{ }}`, so rendering every file would corrupt them. Team names and logins are student-
or instructor-controlled text and go into Markdown, so the context offers them pre-escaped.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import yaml

from ..errors import UsageError
from ..model import Course, Milestone, Team
from ..timeline import format_deadline, zone

SUFFIX = ".jinja"
RULES_PATH = ".github/classroom.yml"
MAX_TEMPLATE_FILE = 5_000_000


def read_template_dir(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (not .git), by POSIX path. Symlinks are refused: a template
    must not reach outside itself."""
    if not folder.is_dir():
        raise UsageError(f"template folder {folder} does not exist")
    files: dict[str, bytes] = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if rel == ".git" or rel.startswith(".git/"):
            continue
        if p.is_symlink():
            raise UsageError(f"template file {rel} is a symbolic link; copy the file instead")
        if p.is_file():
            if p.stat().st_size > MAX_TEMPLATE_FILE:
                raise UsageError(f"template file {rel} is larger than 5 MB; keep large files "
                                 "out of the starter repository")
            files[rel] = p.read_bytes()
    if not files:
        raise UsageError(f"template folder {folder} is empty")
    return files


def md(text: str) -> str:
    """Escape text for Markdown so that names cannot add links, mentions or markup."""
    text = re.sub(r"([\\`*_{}\[\]<>()#+!|~])", r"\\\1", str(text))
    return text.replace("@", "@\u200b")


def rules_document(course: Course, team: Team) -> dict:
    """What the team repository's own check needs: its milestones, resolved, and the areas."""
    tz = zone(course.timezone)
    raw_ms = {m["id"]: m for m in course.raw.get("milestones", [])}
    milestones = []
    for m in course.milestones:
        due = course.due_for(team, m)
        entry = {"id": m.id, "title": m.title, "due": due.isoformat(),
                 "due_text": format_deadline(due, tz)}
        if raw_ms.get(m.id, {}).get("deliverables"):
            entry["deliverables"] = raw_ms[m.id]["deliverables"]
        milestones.append(entry)
    return {
        "course": {"name": course.name, "term": course.term, "timezone": course.timezone},
        "team": {"name": team.name, "slug": team.slug, "members": list(team.members)},
        "grace_minutes": int(course.grace.total_seconds() // 60),
        "milestones": milestones,
        "areas": list(course.areas),
    }


def rules_yaml(course: Course, team: Team) -> bytes:
    head = ("# Written by classroom-ops provision from the course file; do not edit: the\n"
            "# instructors' copy is the one that counts. `classroom-ops check --local .` reads it.\n")
    body = yaml.safe_dump(rules_document(course, team), sort_keys=False, allow_unicode=True,
                          width=100)
    return (head + body).encode("utf-8")


def _milestone_view(course: Course, team: Team, m: Milestone) -> dict:
    tz = zone(course.timezone)
    due = course.due_for(team, m)
    return {"id": m.id, "title": md(m.title), "due": format_deadline(due, tz),
            "due_date": f"{due.astimezone(tz):%Y-%m-%d}",
            "deliverables": [md(d.label) for d in m.deliverables]}


def render_team_files(template: dict[str, bytes], course: Course, team: Team) -> dict[str, bytes]:
    """The files a team's repository starts with."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             autoescape=False)  # Markdown output; names are escaped via md()
    ctx = {
        "course": {"name": md(course.name), "term": course.term, "org": course.org,
                   "timezone": course.timezone, "areas": list(course.areas)},
        "team": {"name": md(team.name), "slug": team.slug,
                 "members": [md(m) for m in team.members],
                 # A registered team's first chosen area (raw: templates quote it, `| tojson`).
                 "area": team.interests[0] if team.interests else "",
                 "interests": list(team.interests)},
        "repo": course.repo_for(team),
        "milestones": [_milestone_view(course, team, m) for m in course.milestones],
        "staff": [md(s) for s in course.staff_members],
    }
    out: dict[str, bytes] = {}
    for path, data in template.items():
        if path.endswith(SUFFIX):
            try:
                text = env.from_string(data.decode("utf-8")).render(**ctx)
            except (jinja2.TemplateError, UnicodeDecodeError) as e:
                line = getattr(e, "lineno", None)
                where = f"{path}:{line}" if line else path
                raise UsageError(f"template {where}: {e}") from None
            out[path[: -len(SUFFIX)]] = text.encode("utf-8")
        else:
            out[path] = data
    out[RULES_PATH] = rules_yaml(course, team)
    return out
