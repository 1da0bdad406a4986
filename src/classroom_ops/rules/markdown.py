"""Markdown deliverables: which sections a document has and how many words it holds.

A section counts when it is a real heading (ATX `## Motivation` or setext), or a *bold label*: a
line that starts with bold text ending in a colon, inside a paragraph or list item, as in
`1. **Problem Statement**: What question ...` -- the course page's own proposal outline uses that
style, and students copy it. A line that is only bold text (`**Approach**`) is not a section, but
it is remembered so the finding can say how to turn it into one.

Each heading satisfies at most one required section: one heading that lists every section name
is one heading, not six (sections are matched to distinct headings, exact titles first).

Words are counted in what a reader sees as prose, as GitHub renders it: text of paragraphs,
headings, lists, tables, link texts, inline code, and the text inside raw HTML (GitHub shows a
`<div>`'s words; it drops `<script>`, `<style>` and comments, and so do we, including everything
after a `<!--` that is never closed, which a browser hides to the end); not fenced or
indented code, tags and attributes, image alt text, URLs, YAML front matter or Markdown
punctuation. HTML `<h1>`-`<h6>` are headings, as GitHub shows them.

Parsing is bounded, and the bound ends in a finding: markdown-it takes seconds per 100 KB of
brackets or asterisks, so the document is parsed once (headings and words share the tokens), a
paragraph longer than MAX_INLINE characters is read as plain text, and inline parsing stops after
MAX_SECONDS (the rest is read as plain text, and a `too_complex` finding says so).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from classroom_ops.model import Deliverable, Finding
from classroom_ops.rules.text import plain
from classroom_ops.rules.titles import contains, same, word_count

_FRONT_MATTER_MAX_LINES = 60
MAX_INLINE = 50_000  # characters of one paragraph parsed for markup (about 8,000 words)
MAX_SECONDS = 10.0  # inline parsing of one document
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


@dataclass(frozen=True)
class Parsed:
    tokens: list[Token]
    limit: str = ""  # why part of the document was read as plain text


def _plain_children(content: str) -> list[Token]:
    tok = Token("text", "", 0)
    tok.content = content
    return [tok]


@lru_cache(maxsize=8)
def parse(text: str) -> Parsed:
    """markdown-it's core rules, run one by one so that inline parsing is bounded."""
    md = _parser()
    state = StateCore(strip_front_matter(text), md, {})
    rules = [r for r in md.core.ruler.__rules__ if r.enabled]
    deadline = time.monotonic() + MAX_SECONDS
    limit = ""
    for rule in rules:
        if rule.name != "inline":
            rule.fn(state)
            continue
        for tok in state.tokens:
            if tok.type != "inline":
                continue
            if limit or len(tok.content) > MAX_INLINE:
                if not limit and len(tok.content) > MAX_INLINE:
                    line = (tok.map or [0])[0] + 1
                    limit = (f"the paragraph on line {line} has more than {MAX_INLINE:,} "
                             "characters, so its markup was not read")
                tok.children = _plain_children(tok.content)
                continue
            tok.children = []
            md.inline.parse(tok.content, md, state.env, tok.children)
            if time.monotonic() > deadline:
                line = (tok.map or [0])[0] + 1
                limit = (f"reading stopped after {MAX_SECONDS:.0f} seconds at line {line}; the "
                         "rest was read as plain text")
    return Parsed(state.tokens, limit)


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


_DROPPED = {"script", "style", "template", "textarea", "title", "head"}  # never shown as text
_HEADING_TAGS = {f"h{n}" for n in range(1, 7)}


class _HtmlText(HTMLParser):
    """The visible text of an HTML fragment, and its <h1>-<h6> headings (text, line offset)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.headings: list[tuple[str, int, int]] = []  # (text, level, line within fragment)
        self._dropped: list[str] = []
        self._heading: tuple[int, int, list[str]] | None = None

    def handle_starttag(self, tag, _attrs):
        if tag in _DROPPED:
            self._dropped.append(tag)
        elif tag in _HEADING_TAGS and not self._dropped:
            self._heading = (int(tag[1]), self.getpos()[0], [])
        elif tag in ("br", "p", "div", "li", "tr", "td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if self._dropped and tag == self._dropped[-1]:
            self._dropped.pop()
        elif tag in _HEADING_TAGS and self._heading is not None:
            level, line, text = self._heading
            self.headings.append((" ".join("".join(text).split()), level, line))
            self._heading = None
        self.parts.append(" ")

    def handle_data(self, data):
        if self._dropped:
            return
        self.parts.append(data)
        if self._heading is not None:
            self._heading[2].append(data)


def _cut_unclosed_comment(fragment: str) -> str:
    """`fragment` up to a `<!--` that is never closed: a browser hides everything after it (and
    CommonMark makes a block opened by `<!--` run to the end of the document), while Python's
    HTMLParser would hand the hidden words back as data."""
    at = 0
    while (start := fragment.find("<!--", at)) >= 0:
        body = start + 4
        if fragment.startswith(">", body) or fragment.startswith("->", body):
            at = body + 1  # "<!-->" and "<!--->" are empty comments, closed at once
            continue
        end = fragment.find("-->", body)
        if end < 0:
            return fragment[:start]
        at = end + 3
    return fragment


@lru_cache(maxsize=64)
def html_text(fragment: str) -> _HtmlText:
    parser = _HtmlText()
    try:
        parser.feed(_cut_unclosed_comment(fragment))
        parser.close()
    except Exception:  # noqa: BLE001 -- malformed HTML: what was read so far
        pass
    return parser


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
    tokens = parse(text).tokens
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
        elif tok.type == "html_block":
            first = (tok.map or [0])[0] + 1
            for text, level, line in html_text(tok.content).headings:
                found.append(Heading(text.strip(), first + line - 1, "heading", level))
    return found


def prose(text: str) -> str:
    """The text a reader sees as prose (see the module docstring for what is left out)."""
    parts: list[str] = []
    for tok in parse(text).tokens:
        if tok.type == "html_block":  # GitHub renders the text between the tags
            parts.append("".join(html_text(tok.content).parts))
            continue
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


def match_sections(hs: list[Heading], sections: tuple[str, ...]) -> dict[str, Heading]:
    """Each required section matched to its own heading (a maximum bipartite matching, trying
    exact titles before headings that merely contain the words): one heading never counts for
    two sections."""
    usable = [h for h in hs if h.kind != "bold"]
    options = {
        s: sorted((i for i, h in enumerate(usable) if contains(h.text, s)),
                  key=lambda i, s=s: (not same(usable[i].text, s), i))
        for s in sections
    }
    owner: dict[int, str] = {}

    def assign(s: str, seen: set[int]) -> bool:
        for i in options[s]:
            if i in seen:
                continue
            seen.add(i)
            if i not in owner or assign(owner[i], seen):
                owner[i] = s
                return True
        return False

    for s in sections:
        assign(s, set())
    return {s: usable[i] for i, s in owner.items()}


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
    limit = parse(text).limit if (d.sections or d.min_words is not None
                                  or d.max_words is not None) else ""
    if limit:
        out.append(finding("too_complex",
                           f"{path} could not be read within the checker's bounds: {limit}. "
                           "Split long paragraphs and remove runs of markup characters.",
                           found=limit, expected="a document that can be read in seconds"))
    if d.sections:
        hs = headings(text)
        shown = [plain(h.text, 60) for h in hs if h.kind != "bold" and plain(h.text, 60)]
        listed = ", ".join(shown[:_LIST_MAX]) + (", …" if len(shown) > _LIST_MAX else "")
        listed = listed or "no headings"
        matched = match_sections(hs, d.sections)
        for s in d.sections:
            if s in matched:
                continue
            shared = find_section(hs, s)
            if shared is not None:
                taken = next(k for k, v in matched.items() if v == shared)
                out.append(
                    finding(
                        "sections",
                        f"{path} has no heading of its own for '{s}': "
                        f"'{plain(shared.text, 60)}' (line {shared.line}) already counts for "
                        f"'{taken}'; give each section its own heading ('## {s}').",
                        found=plain(shared.text, 60),
                        expected=s,
                        line=shared.line,
                    )
                )
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
