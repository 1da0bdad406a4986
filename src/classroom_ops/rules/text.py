"""Student-controlled text, made safe to show to people.

Two layers. `plain` is for any display (terminal, logs, Finding.message): it removes control and
bidirectional-override characters (an ANSI escape in a heading must not repaint a TA's terminal,
a U+202E must not reverse a file name) and bounds the length. `neutralize` adds what a GitHub
issue or comment needs: the text renders literally, cannot ping or cross-reference anyone, and
cannot open a link, an HTML tag, a table cell or a new block.
"""

from __future__ import annotations

import re
import unicodedata

from classroom_ops.model import Finding

# Zero-width space written as an entity, as Dependabot and Renovate do ("@&#8203;user"): GitHub
# renders it invisibly, and unlike a raw U+200B it stays visible to anyone reading the source.
ZWSP = "&#8203;"

_SPACE_RUN = re.compile(r"\s+")
# What CommonMark/GFM (and GitHub's `$math$`) gives meaning inline, once newlines are gone.
# `&`, `<` and `>` become entities instead (a student's `&#64;` must not decode into an `@`).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~$])")
# Only at the start can these open a block (list item, quote, heading) inside our list item.
_LEADING_MARK = re.compile(r"^([-+=])")
_LEADING_ORDINAL = re.compile(r"^(\d+)([.)])")
_MENTION = re.compile(r"@(?=[A-Za-z0-9_-])")
_ISSUE_REF = re.compile(r"#(?=\d)")
_GH_REF = re.compile(r"(?i)\b(g)(h-\d)")
_SCHEME = re.compile(r"(?i)\b(https?|ftp|mailto|www)")


def plain(text: str, limit: int = 200) -> str:
    """One line of printable text, at most `limit` characters (an ellipsis marks a cut)."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat.startswith("C") and ch not in "\t\n\r":
            # control, format (every bidi override is one), surrogate, private use,
            # unassigned: nothing a reader needs
            continue
        out.append(ch)
    s = _SPACE_RUN.sub(" ", "".join(out)).strip()
    if len(s) > limit:
        s = s[: max(limit - 1, 0)].rstrip() + "…"
    return s


def neutralize(text: str, limit: int = 200) -> str:
    """`text` as inert GitHub Markdown: rendered literally on one line, pinging no one."""
    s = plain(text, limit)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = _LEADING_MARK.sub(r"\\\1", s)
    s = _LEADING_ORDINAL.sub(r"\1\\\2", s)
    # "#12" and "org/repo#12" would link, and cross-references leave events in other issues.
    # Before the mentions: the entity inserted there has a "#" followed by digits.
    s = _ISSUE_REF.sub("#" + ZWSP, s)
    s = _GH_REF.sub(r"\1" + ZWSP + r"\2", s)
    s = _MENTION.sub("@" + ZWSP, s)
    # GFM autolinks bare URLs; breaking the scheme keeps a student's link from being clickable.
    s = _SCHEME.sub(lambda m: m.group(1)[0] + ZWSP + m.group(1)[1:], s)
    return s


def render_finding_markdown(f: Finding) -> str:
    """One Markdown list item for an issue body; all of it may quote student files."""
    line = f" (line {f.line})" if f.line else ""
    return f"- {neutralize(f.message, limit=600)}{line}"


def human_size(n: int) -> str:
    """Decimal units, as GitHub shows file sizes."""
    if n < 1000:
        return f"{n} byte{'s' if n != 1 else ''}"
    for unit, scale in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        if n < scale * 1000 or unit == "GB":
            return f"{n / scale:.1f} {unit}"
    raise AssertionError("unreachable")
