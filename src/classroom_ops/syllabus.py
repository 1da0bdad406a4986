"""Turn a course page in Markdown into a starter course plan.

Course pages are written for students, not machines: a timeline table (Date | Milestone |
Deliverable) with dates like "Week 6", "Week 14-15" or "Last day of class", and sections that list
what a proposal or report must contain. We read what can be read, and say TODO for the rest rather
than guess silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from markdown_it import MarkdownIt

from .errors import UsageError
from .names import slugify

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{1,2}:\d{2})?$")


@dataclass
class PlannedDeliverable:
    path: str
    sections: list[str] = field(default_factory=list)
    min_words: int | None = None
    max_words: int | None = None
    max_pages: int | None = None
    notes: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key):  # lets the starter template loop over rule names
        return getattr(self, key)


@dataclass
class PlannedMilestone:
    id: str
    title: str
    due: str
    due_note: str = ""
    deliverables: list[PlannedDeliverable] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    kind: str | None = None  # "meeting": signed off by staff, booked in slots (docs/meetings.md)


@dataclass
class SyllabusPlan:
    course_name: str | None
    milestones: list[PlannedMilestone]
    areas: list[str]
    archive_milestone: str
    todos: list[str]


# What each kind of milestone usually asks for, keyed by words in its title: guesses, each
# marked TODO in the course file unless the page names the file. Word counts are the ones the
# starter files (templates/repo/) tell students, so the two agree; the page may say otherwise.
_KINDS = [
    ("team", "TEAM.md", ["Members", "Interests"]),
    ("proposal", "proposal.md", None),
    ("midpoint", "midpoint.md", ["Progress", "Challenges", "Next Steps"]),
    ("check-in", "midpoint.md", ["Progress", "Challenges", "Next Steps"]),
    ("draft", "report/draft.pdf", None),
    ("presentation", "slides/presentation.pdf", None),
    ("final", "report/final.pdf", None),
    ("report", "report/final.pdf", None),
]


def _blocks(tokens):
    """(level, heading text, [tokens of the section]) for every heading."""
    out = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            out.append([int(tok.tag[1]), tokens[i + 1].content.strip(), []])
        elif out:
            out[-1][2].append(tok)
    return out


def _tables(tokens):
    tables, cur, row, cell = [], None, None, None
    for tok in tokens:
        if tok.type == "table_open":
            cur = []
        elif tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open"):
            cell = ""
        elif tok.type == "inline" and cell is not None:
            cell = tok.content.strip()
        elif tok.type in ("th_close", "td_close"):
            row.append(cell or "")
            cell = None
        elif tok.type == "tr_close":
            cur.append(row)
        elif tok.type == "table_close":
            tables.append(cur)
            cur = None
    return tables


def _bold_items(tokens) -> list[str]:
    """Names of list items that start with bold text: '1. **Motivation**: why...'."""
    names, depth = [], 0
    for tok in tokens:
        if tok.type == "list_item_open":
            depth += 1
        elif tok.type == "list_item_close":
            depth -= 1
        elif tok.type == "inline" and depth:
            m = re.match(r"^\*\*(.+?)\*\*", tok.content.strip())
            if m:
                names.append(m[1].strip().rstrip(":").strip())
    return names


def _due(text: str) -> tuple[str, str, str | None]:
    """(due expression, note for the file, TODO text or None)."""
    s = " ".join(text.split())
    m = re.fullmatch(r"week\s+(\d{1,2})", s, re.I)
    if m:
        return f"week {m[1]}", "", None
    m = re.fullmatch(r"weeks?\s+(\d{1,2})\s*[-–]\s*(\d{1,2})", s, re.I)
    if m:
        note = f'the page says "{s}"; due at the start of week {m[1]}, adjust if needed'
        return f"week {m[1]} monday 09:00", f"TODO: {note}", f"'{s}' is a range: {note}"
    if _ISO_DATE.match(s):
        return s, "", None
    todo = f'could not turn "{s}" into a date; write one like 2026-12-11 23:59'
    return f"TODO: {s}", f"TODO: {todo}", todo


def read_syllabus(text: str, file: str) -> SyllabusPlan:
    course_name = None
    fm = _FRONT_MATTER.match(text)
    if fm:
        try:
            meta = yaml.safe_load(fm[1]) or {}
        except yaml.YAMLError:
            meta = {}
        if isinstance(meta, dict) and isinstance(meta.get("course"), str):
            course_name = meta["course"]
        text = text[fm.end():]
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    table = None
    for t in _tables(tokens):
        head = [h.lower() for h in t[0]] if t else []
        if any("milestone" in h for h in head) and any(
            k in h for h in head for k in ("date", "week", "when", "due")
        ):
            table = t
            break
    if table is None:
        raise UsageError(f"{file}: found no timeline table with a Date and a Milestone column; "
                         "write the milestones into the course file by hand (classroom-ops init)")
    head = [h.lower() for h in table[0]]
    ci = next(i for i, h in enumerate(head) if any(k in h for k in ("date", "week", "when", "due")))
    mi = next(i for i, h in enumerate(head) if "milestone" in h)
    di = next((i for i, h in enumerate(head) if "deliverable" in h), None)
    blocks = _blocks(tokens)
    todos: list[str] = []
    milestones: list[PlannedMilestone] = []
    seen: set[str] = set()
    for row in table[1:]:
        title = row[mi].strip() if mi < len(row) else ""
        if not title:
            continue
        mid = slugify(title) or f"milestone-{len(milestones) + 1}"
        while mid in seen:
            mid += "-2"
        seen.add(mid)
        due, note, todo = _due(row[ci] if ci < len(row) else "")
        pm = PlannedMilestone(mid, title, due, note)
        if todo:
            todos.append(f"{title}: {todo}")
        what = row[di].strip() if di is not None and di < len(row) else ""
        if what:
            pm.comments.append(f"{title}: {what}")
        pm.deliverables = _deliverables(title, what, blocks, pm, todos)
        milestones.append(pm)
    areas = []
    for level, heading, body in blocks:
        if level == 2 and "area" in heading.lower():
            start = blocks.index([level, heading, body])
            for lvl, h, _ in blocks[start + 1:]:
                if lvl <= 2:
                    break
                if lvl == 3:
                    areas.append(h)
    final = next((m.id for m in milestones if "final" in m.id), milestones[-1].id if milestones
                 else "final-report")
    if not course_name:
        todos.insert(0, "course.name: the page does not name the course")
    return SyllabusPlan(course_name, milestones, areas, final, todos)


# What the starter files promise in words (templates/repo/TEAM.md.jinja, proposal.md): the
# course file enforces the same, and says where the number comes from.
STARTER_WORDS = {"TEAM.md": (40, None), "proposal.md": (250, 800)}
_MEETING = re.compile(r"\bmeet(ing)?s?\b", re.I)


def _deliverables(title, what, blocks, pm, todos) -> list[PlannedDeliverable]:
    low = title.lower()
    if _MEETING.search(what):
        # "meet with TA and/or professor": staff sign it off; teams book a slot. The slots are
        # not on the page: the course file has TODO values that `validate` refuses.
        pm.kind = "meeting"
        pm.comments.append("TODO: a meeting (the page says it); list the slots teams can book "
                           "(docs/meetings.md); validate refuses the TODO slot below")
        todos.append(f"{title}: a meeting; list its slots (kind: meeting, docs/meetings.md)")
        return []
    kind = next(((path, secs) for key, path, secs in _KINDS if key in low), None)
    if kind is None:
        todos.append(f"{title}: no deliverable recognised; add what must be in the repository")
        return []
    path, sections = kind
    d = PlannedDeliverable(path, list(sections or []))
    tbd = "TBD" in what.upper()
    if tbd:
        pm.comments.append("TODO: the page says TBD; check the deliverable")
        todos.append(f"{title}: the page says TBD; {path} is a guess")
    elif not what:
        d.notes["path"] = "TODO: the page names no deliverable; this file is a guess"
        todos.append(f"{title}: the page names no deliverable; {path} is a guess")
    else:
        d.notes["path"] = "TODO: the file is a guess from the title; the page does not name it"
    if path == "TEAM.md":
        pm.comments.append("TODO: to let students form their teams in a course hub instead "
                           "(register, confirm), add `formation:` and drop these deliverables "
                           "(docs/team-formation.md)")
        todos.append(f"{title}: TEAM.md per team, or `formation:` (docs/team-formation.md)")
    # The page's own section for this milestone ("## Project Proposal (Week 6)") lists what the
    # document must contain, as bold list items, and may state a page limit.
    body_tokens = next((body for lvl, h, body in blocks
                        if lvl == 2 and (low in h.lower() or h.lower().split(" (")[0] in low)),
                       None)
    if body_tokens is not None:
        named = _bold_items(body_tokens)
        if named:
            d.sections = named
        prose = " ".join(t.content for t in body_tokens if t.type == "inline")
        m = re.search(r"(\d+)\s+pages?", prose)
        if m and path.endswith(".pdf"):
            d.max_pages = int(m[1])
            d.notes["max_pages"] = f'from the page: "{m[0]}"; pages before References'
    least, most = STARTER_WORDS.get(path, (None, None))
    if least:
        d.min_words = least
        d.notes["min_words"] = f"TODO: the starter's {path} tells students this; not on the page"
    if most:
        d.max_words = most
        d.notes["max_words"] = f"the starter's {path} tells students this"
    m = re.search(r"(\d+)-page", what)
    if m and path.endswith(".md"):
        d.max_words = 800 * int(m[1])
        d.notes["max_words"] = f'"{m[0]}" on the page; about 800 words a page, as the ' \
            f"starter's {path} says"
    return [d]
