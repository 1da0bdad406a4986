"""A team's `project.yml`: what the gallery shows and whether it may show it.

Students write this file, so it is untrusted: a size cap before parsing, nesting and aliases
bounded before anything is built (`config.yamlsrc.load_untrusted`), exact
types (a title must be text, consent must be a real boolean), lengths bounded, control and
bidirectional characters removed. Every problem is a sentence for the instructors' list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from ..config.yamlsrc import UntrustedYAML, load_untrusted
from ..rules.text import plain

MAX_BYTES = 64 * 1024
TITLE_MAX = 200
ABSTRACT_MAX = 3000
KEYS = ("title", "area", "abstract", "share_report", "share_names")


@dataclass
class ProjectInfo:
    title: str = ""
    area: str = ""
    abstract: str = ""
    share_report: bool = False
    share_names: bool = False
    problems: list[str] = field(default_factory=list)


def parse_project(data: bytes | None, areas: tuple[str, ...]) -> ProjectInfo:
    """Everything that can be read from `data`, with a problem for everything that cannot."""
    info = ProjectInfo()
    if data is None:
        info.problems.append("project.yml is missing")
        return info
    if len(data) > MAX_BYTES:
        info.problems.append(f"project.yml is larger than {MAX_BYTES // 1024} KiB")
        return info
    try:
        doc = load_untrusted(data.decode("utf-8"))
    except UntrustedYAML as e:
        info.problems.append("project.yml is too deeply nested" if "nested" in str(e)
                             else f"project.yml {e}")
        return info
    except UnicodeDecodeError:
        info.problems.append("project.yml is not UTF-8 text")
        return info
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        info.problems.append(f"project.yml is not valid YAML{where}")
        return info
    except ValueError as e:  # a value PyYAML cannot build (a timestamp out of range, ...)
        info.problems.append(f"project.yml has a value that cannot be read: {plain(str(e), 120)}")
        return info
    if not isinstance(doc, dict):
        info.problems.append("project.yml must be a mapping of keys (title, area, abstract, ...)")
        return info
    unknown = sorted(str(k) for k in doc if k not in KEYS)
    if unknown:
        info.problems.append(f"project.yml has unknown keys: {', '.join(unknown)[:200]}")

    def text(key: str, limit: int) -> str:
        v = doc.get(key)
        if v is None or v == "":
            info.problems.append(f"project.yml: {key} is empty")
            return ""
        if not isinstance(v, str):
            info.problems.append(f"project.yml: {key} must be text")
            return ""
        s = plain(v, limit=10 * limit)
        if len(s) > limit:
            info.problems.append(f"project.yml: {key} is longer than {limit} characters")
            s = plain(s, limit=limit)
        if not s:
            info.problems.append(f"project.yml: {key} is empty")
        return s

    def flag(key: str) -> bool:
        v = doc.get(key, False)
        if v is None:
            return False
        if not isinstance(v, bool):
            info.problems.append(f"project.yml: {key} must be true or false")
            return False
        return v

    info.title = text("title", TITLE_MAX)
    info.abstract = text("abstract", ABSTRACT_MAX)
    area = text("area", TITLE_MAX)
    if area:
        canon = {a.casefold(): a for a in areas}
        if area.casefold() in canon:
            area = canon[area.casefold()]
        else:
            info.problems.append(f"project.yml: area {area!r} is not one of the course's areas "
                                 f"({', '.join(areas)})")
    info.area = area
    info.share_report = flag("share_report")
    info.share_names = flag("share_names") and info.share_report
    return info
