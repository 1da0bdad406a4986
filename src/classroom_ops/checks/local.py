"""`check --local DIR`: the course's rules on a checkout, with no token and no network.

It reads the rules provisioning wrote into the team repository (`.github/classroom.yml`) and
judges every milestone, due or not, so students see their progress long before a deadline. It is
feedback only: students can edit that file, so the record that counts is made on the
instructors' side.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jsonschema import Draft202012Validator

from ..config import deliverable_from_dict, yamlsrc
from ..config.schema import schema
from ..errors import ConfigError, UsageError
from ..model import Finding, Milestone
from ..provision.render import RULES_PATH
from ..rules.text import plain
from .judge import MAX_FETCH, judge_local

MAX_FILES = 20_000


def _rules_schema() -> dict:
    base = schema()
    return {
        "$defs": base["$defs"],
        "type": "object",
        "required": ["milestones"],
        "properties": {
            # path -> git blob SHA of each file provisioning wrote (see checks/starter.py)
            "starter": {"type": "object",
                        "additionalProperties": {"type": "string",
                                                 "pattern": "^[0-9a-f]{40}$"}},
            "milestones": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "title", "due"],
                    "properties": {
                        "id": {"type": "string"}, "title": {"type": "string"},
                        "due": {"type": "string"}, "due_text": {"type": "string"},
                        "deliverables": {"type": "array",
                                         "items": {"$ref": "#/$defs/deliverable"}},
                    },
                },
            },
        },
    }


@dataclass
class LocalRules:
    course: str
    team: str
    milestones: list[Milestone]
    starter: dict[str, str] | None = None


def load_rules(folder: Path) -> LocalRules:
    path = folder / RULES_PATH
    where = f"{path}"
    # Students can edit this file: it is read with the course file's limits (size, depth,
    # aliases, expanded values), so an alias bomb is one short message, not minutes and megabytes.
    try:
        with path.open("rb") as f:
            raw = f.read(yamlsrc.MAX_BYTES + 1)
        data = yamlsrc.parse(raw.decode("utf-8"), where).data
    except FileNotFoundError:
        raise UsageError(f"{where}: not found; is {folder} a team repository provisioned by "
                         "classroom-ops? (provisioning writes this file)") from None
    except ConfigError as e:
        first = e.problems[0] if e.problems else "not valid YAML"
        raise UsageError(f"{plain(str(first), 300)}; restore the file from the repository's "
                         "first commit") from None
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{where}: cannot read the rules ({plain(str(e), 200)}); restore the "
                         "file from the repository's first commit") from None
    errors = sorted(Draft202012Validator(_rules_schema()).iter_errors(data),
                    key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        at = ".".join(str(p) for p in e.absolute_path) or "the file"
        raise UsageError(f"{where}: {plain(at, 100)}: {plain(e.message, 200)}; restore the "
                         "file from the repository's first commit")
    milestones = []
    for m in data["milestones"]:
        try:
            due = datetime.fromisoformat(m["due"])
        except ValueError:
            due = None
        if due is None or due.tzinfo is None:
            raise UsageError(f"{where}: milestone {m['id']}: due {m['due']!r} is not an ISO "
                             "time with its offset; restore the file from the repository's "
                             "first commit")
        dels = tuple(deliverable_from_dict(d) for d in m.get("deliverables") or [])
        milestones.append(Milestone(m["id"], m["title"], due, m.get("due_text", m["due"]), dels))
    course = (data.get("course") or {}).get("name", "")
    team = (data.get("team") or {}).get("name", "")
    return LocalRules(course, team, milestones, data.get("starter"))


def read_checkout(folder: Path) -> tuple[dict[str, bytes | None], dict[str, int]]:
    """Files of a checkout as the GitHub tree would list them (symlinks as their target text)."""
    files: dict[str, bytes | None] = {}
    sizes: dict[str, int] = {}
    root = str(folder)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            if os.path.islink(full):
                data = os.readlink(full).encode("utf-8", "surrogateescape")
            else:
                size = os.path.getsize(full)
                sizes[rel] = size
                if size > MAX_FETCH:
                    files[rel] = None
                    continue
                with open(full, "rb") as f:
                    data = f.read()
            files[rel] = data
            sizes[rel] = len(data)
            if len(files) >= MAX_FILES:
                raise UsageError(f"{folder} holds more than {MAX_FILES} files; check a smaller "
                                 "checkout")
    return files, sizes


def check_local(folder: Path, only: str | None) -> tuple[LocalRules, list[tuple[Milestone,
                                                                             list[Finding]]]]:
    rules = load_rules(folder)
    milestones = [m for m in rules.milestones if not only or m.id == only]
    if only and not milestones:
        raise UsageError(f"unknown milestone {only!r}; the rules list: "
                         f"{', '.join(m.id for m in rules.milestones)}")
    files, sizes = read_checkout(folder)
    return rules, [(m, judge_local(m, files, sizes, rules.starter)) for m in milestones]
