"""Render the team starter repository for one team (pure: bytes in, bytes out).

Only files named `*.jinja` are templates (the suffix is dropped when written): workflow files are
full of `${{ }}`, so rendering every file would corrupt them. Team names and logins are student-
or instructor-controlled text and go into Markdown, so the context offers them pre-escaped.

A template repository is not trusted code: `provision` runs with the organization owner's token,
so templates render in Jinja's immutable sandbox (no attribute of Python internals, no method that
changes a value, no import), with only the documented variables and filters. Anything the
template names that is not in the context is an error naming the file, the line and the name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ..config.yamlsrc import UntrustedYAML, load_untrusted
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


def git_blob_sha(data: bytes) -> str:
    """The SHA git gives a file with this content (what a tree listing shows)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324 git's own


def starter_manifest(files: Mapping[str, bytes]) -> dict[str, str]:
    """path -> blob SHA for rendered starter files; the rules file is left out (it changes
    with every extension, and it is never a deliverable)."""
    return {p: git_blob_sha(b) for p, b in sorted(files.items()) if p != RULES_PATH}


def rules_with_starter(course: Course, team: Team, starter: Mapping[str, str] | None) -> bytes:
    """The team's rules file: `rules_yaml`, then the `starter:` map (what provisioning wrote at
    setup, for `check --local`)."""
    text = rules_yaml(course, team)
    if starter:
        text += yaml.safe_dump({"starter": dict(sorted(starter.items()))}, sort_keys=False,
                               allow_unicode=True, width=100).encode("utf-8")
    return text


def kept_starter(current: bytes | None) -> dict[str, str] | None:
    """The `starter:` map of a rules file as provisioning wrote it, or None."""
    if not current:
        return None
    try:
        # The team's copy: students can edit it, so its nesting and aliases are bounded.
        old = load_untrusted(current.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, UntrustedYAML):
        return None
    found = old.get("starter") if isinstance(old, dict) else None
    if isinstance(found, dict) and all(isinstance(k, str) and isinstance(v, str)
                                       for k, v in found.items()):
        return found
    return None


def _milestone_view(course: Course, team: Team, m: Milestone) -> dict:
    tz = zone(course.timezone)
    due = course.due_for(team, m)
    return {"id": m.id, "title": md(m.title), "due": format_deadline(due, tz),
            "due_date": f"{due.astimezone(tz):%Y-%m-%d}",
            "deliverables": ([f"the team's registration in the course hub "
                              f"({course.org}/{course.formation.repo})"]
                             if course.formation and m.id == course.formation.milestone
                             else [md(d.label) for d in m.deliverables])}


# Filters and tests a template may use: Jinja's text and list helpers. Nothing that reaches
# outside the values given (no `attr`, no `map(attribute=...)` on Python objects: the values are
# plain dicts, lists and strings anyway).
ALLOWED_FILTERS = frozenset({
    "capitalize", "center", "default", "d", "escape", "e", "first", "indent", "join", "last",
    "length", "count", "list", "lower", "replace", "reverse", "sort", "string", "title", "trim",
    "truncate", "unique", "upper", "wordcount", "wordwrap", "int", "batch", "slice",
    "selectattr", "rejectattr", "select", "reject", "map", "min", "max", "sum", "dictsort",
    "items", "round", "abs", "striptags", "urlencode",
    # A value quoted for YAML/JSON files (project.yml's `area`, a string students chose).
    "tojson",
})
MAX_OUTPUT = 5_000_000  # characters one rendered file may have


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, plus bounds on the two operators that can build a huge value
    in one step (`'a' * 10**9`): the output bound alone would come after the memory is gone."""

    intercepted_binops = frozenset({"*", "**"})

    def getattr(self, obj, attribute):
        if isinstance(obj, jinja2.Undefined):  # say the name is unknown, not "unsafe"
            return obj._fail_with_undefined_error()
        return super().getattr(obj, attribute)

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise SecurityError("exponents above 64 are not allowed in templates")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) \
                        and len(seq) * n > 100_000:
                    raise SecurityError("repeating a value past 100,000 items is not allowed "
                                        "in templates")
        return super().call_binop(context, operator, left, right)


def _environment() -> jinja2.Environment:
    env = _Sandbox(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                   loader=jinja2.DictLoader({}),  # no include/import/extends: nothing to read
                   autoescape=False)  # Markdown; names escaped via md()
    env.filters = {k: v for k, v in env.filters.items() if k in ALLOWED_FILTERS}
    env.globals = {"range": env.globals["range"]}  # sandboxed range (bounded), nothing else
    return env


def _template_line(e: BaseException) -> int | None:
    """The template line an error was raised on: Jinja rewrites the traceback so that frames
    of the template carry its own line numbers."""
    line = getattr(e, "lineno", None)
    tb = e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _template_error(path: str, e: Exception) -> UsageError:
    line = _template_line(e)
    where = f"{path}:{line}" if line else path
    if isinstance(e, SecurityError):
        why = (f"{e} (templates render in a sandbox and may use only the documented "
               "variables: course, team, repo, milestones, staff)")
    elif isinstance(e, jinja2.TemplateNotFound):
        why = (f"cannot include, import or extend {e.name!r}: each starter template stands "
               "alone (templates read no other file)")
    elif isinstance(e, jinja2.UndefinedError):
        why = (f"{e}; the variables are course, team, repo, milestones and staff "
               "(see docs/provisioning.md)")
    elif isinstance(e, UnicodeDecodeError):
        why = "is not UTF-8 text; only text files can be templates (drop the .jinja suffix)"
    elif isinstance(e, jinja2.TemplateError):
        why = str(e)
    else:  # 1/0, int('x'), a recursion or a value too large: the template's own error
        why = f"{type(e).__name__}: {e}"
    return UsageError(f"template {where}: {why}")


def _render(env: jinja2.Environment, path: str, source: str, ctx: dict) -> str:
    tmpl = env.from_string(source)
    parts: list[str] = []
    size = 0
    for chunk in tmpl.generate(**ctx):  # streamed, so a loop bomb stops at the bound
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise jinja2.TemplateError("renders to more than 5 MB of text; a starter file is "
                                       "never that large (a runaway loop?)")
        parts.append(chunk)
    return "".join(parts)


def render_team_files(template: dict[str, bytes], course: Course, team: Team,
                      kept: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """The files a team's repository starts with. The rules file carries the starter map of
    every file provisioning leaves there: these, and `kept` (path -> blob SHA of files already
    in a generated copy of a GitHub template)."""
    env = _environment()
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
                text = _render(env, path, data.decode("utf-8"), ctx)
            except Exception as e:  # noqa: BLE001 -- any failure is the template's: say where
                raise _template_error(path, e) from None
            out[path[: -len(SUFFIX)]] = text.encode("utf-8")
        else:
            out[path] = data
    out.pop(RULES_PATH, None)  # always the course's, never the template's
    out[RULES_PATH] = rules_with_starter(
        course, team, {**{p: v for p, v in (kept or {}).items() if p != RULES_PATH},
                       **starter_manifest(out)})
    return out


def check_templates(template: dict[str, bytes], course: Course, teams) -> None:
    """Render every team's files once, before anything is written: a template that fails (or
    tries to leave the sandbox) stops the run with its error instead of half-provisioning."""
    for team in teams:
        render_team_files(template, course, team)


@dataclass
class TemplateSource:
    folder: Path | None = None  # a local folder
    repo: str | None = None  # owner/name of a GitHub template repository

    @property
    def label(self) -> str:
        return str(self.folder) if self.folder else f"{self.repo} (GitHub template)"


def template_source(course: Course, course_dir: Path) -> TemplateSource:
    if re.fullmatch(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+", course.template) and \
            not (course_dir / course.template).is_dir():
        return TemplateSource(repo=course.template)
    return TemplateSource(folder=(course_dir / course.template).resolve())
