"""Markdown deliverables: which sections a document has and how many words it holds.

A section counts when it is a real heading (ATX `## Motivation` or setext), or a *bold label*: a
line that starts with bold text ending in a colon, inside a paragraph or list item, as in
`1. **Problem Statement**: What question ...` -- the course page's own proposal outline uses that
style, and students copy it. A line that is only bold text (`**Approach**`) is not a section, but
it is remembered so the finding can say how to turn it into one.

Words are counted in what a reader sees as prose: text of paragraphs, headings, lists, tables,
link texts and inline code; not fenced or indented code, raw HTML, image alt text, URLs, YAML
front matter or Markdown punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from classroom_ops.model import Deliverable, Finding
from classroom_ops.rules.text import plain
from classroom_ops.rules.titles import contains, word_count

_FRONT_MATTER_MAX_LINES = 60
_LIST_MAX = 12  # headings quoted in a finding
_BARE_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")


@dataclass(frozen=True)
class Heading:
    text: str
    line: int  # 1-based
    kind: str  # "heading" (level 1-6), "label" (bold text and a colon), "bold" (bold-only line)
    level: int = 0


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def strip_front_matter(text: str) -> str:
    """Blank out a leading YAML block (`---` ... `---`), keeping line numbers.

    Jekyll-style course sites put front matter at the top; parsed as Markdown it would become a
    setext heading made of `title: ...`.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text
    for i in range(1, min(len(lines), _FRONT_MATTER_MAX_LINES)):
        if lines[i].strip() in ("---", "..."):
            return "\n" * i + "\n" + "\n".join(lines[i + 1 :])
    return text


_HIDDEN_OPEN = re.compile(r"(?i)^<(script|style)\b")
_HIDDEN_CLOSE = re.compile(r"(?i)^</(script|style)\s*>")


def _inline_text(children: list[Token]) -> str:
    parts = []
    hidden = False  # inside inline <script>/<style>, which nobody reads as text
    for c in children:
        if c.type == "html_inline":
            if _HIDDEN_OPEN.match(c.content):
                hidden = True
            elif _HIDDEN_CLOSE.match(c.content):
                hidden = False
        elif hidden:
            continue
        elif c.type in ("text", "code_inline"):
            parts.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _split_lines(children: list[Token]) -> list[list[Token]]:
    lines: list[list[Token]] = [[]]
    for c in children:
        if c.type in ("softbreak", "hardbreak"):
            lines.append([])
        else:
            lines[-1].append(c)
    return lines


def _bold_line(tokens: list[Token]) -> tuple[str, str] | None:
    """(bold text, rest) when the line opens with bold text, else None."""
    toks = [t for t in tokens if not (t.type == "text" and not t.content.strip())]
    if not toks or toks[0].type != "strong_open":
        return None
    depth, end = 0, len(toks)
    for n, t in enumerate(toks):
        depth += {"strong_open": 1, "strong_close": -1}.get(t.type, 0)
        if depth == 0:
            end = n
            break
    return _inline_text(toks[1:end]), _inline_text(toks[end + 1 :])


def headings(text: str) -> list[Heading]:
    """Headings, bold labels and bold-only lines, in document order."""
    tokens = _parser().parse(strip_front_matter(text))
    found: list[Heading] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            found.append(
                Heading(
                    text=_inline_text(inline.children or []).strip(),
                    line=(tok.map[0] + 1) if tok.map else 0,
                    kind="heading",
                    level=int(tok.tag[1:]),
                )
            )
        elif tok.type == "inline" and i and tokens[i - 1].type == "paragraph_open":
            first = (tokens[i - 1].map or [0])[0] + 1
            for n, line in enumerate(_split_lines(tok.children or [])):
                bold = _bold_line(line)
                if bold is None:
                    continue
                label, rest = bold
                label, rest = label.strip(), rest.strip()
                if label.endswith(":") or rest.startswith(":"):
                    found.append(Heading(label.rstrip(": ").strip(), first + n, "label"))
                elif not rest:
                    found.append(Heading(label, first + n, "bold"))
    return found


def prose(text: str) -> str:
    """The text a reader sees as prose (see the module docstring for what is left out)."""
    parts: list[str] = []
    for tok in _parser().parse(strip_front_matter(text)):
        if tok.type != "inline":
            continue
        # an image's alt text lives in its own children, which are not walked here
        parts.append(_inline_text(tok.children or []))
    return _BARE_URL.sub(" ", "\n".join(parts))


def words(text: str) -> int:
    return word_count(prose(text))


def find_section(hs: list[Heading], section: str) -> Heading | None:
    for h in hs:
        if h.kind != "bold" and contains(h.text, section):
            return h
    return None


def bold_hint(hs: list[Heading], section: str) -> Heading | None:
    for h in hs:
        if h.kind == "bold" and contains(h.text, section):
            return h
    return None


def check(path: str, text: str, d: Deliverable, milestone: str = "") -> list[Finding]:
    """Findings for a Markdown deliverable already decoded to `text`."""

    def finding(rule: str, message: str, found: str = "", expected: str = "", line=None):
        return Finding(path, rule, message, found, expected, line, milestone)

    out: list[Finding] = []
    if d.sections:
        hs = headings(text)
        shown = [plain(h.text, 60) for h in hs if h.kind != "bold" and plain(h.text, 60)]
        listed = ", ".join(shown[:_LIST_MAX]) + (", …" if len(shown) > _LIST_MAX else "")
        listed = listed or "no headings"
        for s in d.sections:
            if find_section(hs, s):
                continue
            hint = bold_hint(hs, s)
            if hint:
                out.append(
                    finding(
                        "sections",
                        f"{path} has '{plain(hint.text, 60)}' only as bold text on line "
                        f"{hint.line}; make it a heading ('## {s}') or add a colon after it.",
                        found=plain(hint.text, 60),
                        expected=s,
                        line=hint.line,
                    )
                )
            else:
                out.append(
                    finding(
                        "sections",
                        f"{path} has no '{s}' section; found: {listed}.",
                        found=", ".join(shown[:_LIST_MAX]),
                        expected=s,
                    )
                )
    if d.min_words is not None or d.max_words is not None:
        n = words(text)
        if d.min_words is not None and n < d.min_words:
            out.append(
                finding(
                    "min_words",
                    f"{path} has {n:,} words; at least {d.min_words:,} are expected.",
                    found=str(n),
                    expected=f">= {d.min_words}",
                )
            )
        if d.max_words is not None and n > d.max_words:
            out.append(
                finding(
                    "max_words",
                    f"{path} has {n:,} words; the limit is {d.max_words:,}.",
                    found=str(n),
                    expected=f"<= {d.max_words}",
                )
            )
    return out
