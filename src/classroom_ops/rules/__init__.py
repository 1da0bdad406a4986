"""Deliverable rules: pure functions from a repository's files to findings for students.

How the checker calls them:

1. `paths_needed(deliverable, tree_paths)` names the blobs whose content a rule reads (at most
   one per deliverable: the candidate that `evaluate` will judge).
2. `evaluate(deliverable, files, sizes=...)` where `files` maps *every* path of the tree to its
   bytes, or to None when the content was not fetched (not needed, or over the checker's own
   size limit); `sizes` maps paths to blob sizes as the tree listing reports them. A None
   content is judged on presence and size only. Listing the whole tree, not just the fetched
   blobs, lets a missing-file finding point at a near miss ("found Proposal.md").

Which rules apply depends on the chosen path: `.pdf` (or a page limit) gets the PDF rules;
`.md`/`.markdown`/`.txt`/`.rst` (or sections or word limits) get the Markdown rules; any other
file is checked for presence, emptiness and size only, so a binary artifact such as a model
checkpoint is never called "binary".
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping

from classroom_ops.model import Deliverable, Finding
from classroom_ops.rules import markdown, pdf
from classroom_ops.rules.kinds import (
    BINARY_KINDS,
    PDF_EXTENSIONS,
    TEXT_EXTENSIONS,
    describe,
    extension,
    sniff,
)
from classroom_ops.rules.text import human_size, neutralize, plain, render_finding_markdown

__all__ = [
    "MARKDOWN_PARSE_LIMIT",
    "PDF_PARSE_LIMIT",
    "evaluate",
    "neutralize",
    "paths_needed",
    "render_finding_markdown",
    "sniff",
]

# Past these sizes a file is not parsed: a 1-page proposal is kilobytes, and markdown-it on tens
# of megabytes takes longer than a whole course's check should.
MARKDOWN_PARSE_LIMIT = 1_000_000
PDF_PARSE_LIMIT = 100_000_000


def _content_kind(d: Deliverable, path: str) -> str | None:
    ext = extension(path)
    if ext in PDF_EXTENSIONS:
        return "pdf"
    if ext in TEXT_EXTENSIONS:
        return "markdown"
    if d.min_pages is not None or d.max_pages is not None:
        return "pdf"
    if d.sections or d.min_words is not None or d.max_words is not None:
        return "markdown"
    return None


def _chosen(d: Deliverable, present: Iterable[str]) -> str | None:
    have = set(present)
    return next((p for p in d.paths if p in have), None)


def paths_needed(deliverable: Deliverable, tree_paths: Iterable[str]) -> list[str]:
    """The blob paths whose content `evaluate` reads for `deliverable` (empty if none)."""
    chosen = _chosen(deliverable, tree_paths)
    if chosen is None or _content_kind(deliverable, chosen) is None:
        return []
    return [chosen]


def _near_misses(d: Deliverable, tree: Iterable[str]) -> list[str]:
    """Paths that look like the deliverable under another case, folder or extension."""
    wanted = [(p.casefold(), posixpath.basename(p).casefold()) for p in d.paths]
    stems = {posixpath.splitext(b)[0] for _, b in wanted}
    hits = []
    for t in sorted(tree):
        tf = t.casefold()
        base = posixpath.basename(tf)
        if any(tf == p or base == b for p, b in wanted) or posixpath.splitext(base)[0] in stems:
            hits.append(t)
    return hits[:3]


def _missing(d: Deliverable, tree: Iterable[str], milestone: str) -> Finding:
    near = _near_misses(d, tree)
    if len(d.paths) > 1:
        head = f"None of {', '.join(d.paths)} is in the repository"
        fix = "add one of them"
    else:
        head = f"{d.label} is not in the repository"
        fix = "add it at exactly that path"
    if near:
        shown = ", ".join(plain(p, 100) for p in near)
        msg = f"{head}, but {shown} is; rename or move it to {d.label}."
    else:
        msg = f"{head}; {fix}."
    found = ", ".join(plain(p, 100) for p in near)
    return Finding(d.label, "missing", msg, found, d.label, None, milestone)


def evaluate(
    deliverable: Deliverable,
    files: Mapping[str, bytes | None],
    *,
    milestone: str = "",
    sizes: Mapping[str, int] | None = None,
) -> list[Finding]:
    """Everything wrong with `deliverable` in a repository whose files are `files`."""
    d, sizes = deliverable, sizes or {}
    path = _chosen(d, files)
    if path is None:
        return [_missing(d, files, milestone)]

    def finding(rule: str, message: str, found: str = "", expected: str = "", line=None):
        return Finding(path, rule, message, found, expected, line, milestone)

    data = files[path]
    size = len(data) if data is not None else sizes.get(path)
    if size == 0 or (
        data is not None and _content_kind(d, path) == "markdown" and not data.strip()
    ):
        return [finding("empty", f"{path} is empty; it should contain the deliverable.", "empty")]
    out: list[Finding] = []
    if d.max_size is not None and size is not None and size > d.max_size:
        have, limit = human_size(size), human_size(d.max_size)
        if have == limit:
            have, limit = f"{size:,} bytes", f"{d.max_size:,} bytes"
        out.append(finding("max_size", f"{path} is {have}; the limit is {limit}.", have, limit))
    kind = _content_kind(d, path)
    if data is None or kind is None:
        return out
    if sniff(path, data) == "lfs_pointer":
        out.append(
            finding(
                "lfs_pointer",
                f"{path} is a Git LFS pointer, not the file itself; "
                "stop tracking it with Git LFS and commit the real file.",
                "Git LFS pointer",
                "the file's own content",
            )
        )
        return out
    if kind == "pdf":
        if len(data) > PDF_PARSE_LIMIT:
            out.append(_too_big(finding, path, len(data), PDF_PARSE_LIMIT, "a PDF"))
            return out
        return out + pdf.check(path, data, d, milestone)
    return out + _check_text(finding, path, data, d, milestone)


def _too_big(finding, path: str, size: int, limit: int, what: str) -> Finding:
    return finding(
        "max_size",
        f"{path} is {human_size(size)}, too large to check as {what}; "
        f"keep it under {human_size(limit)}.",
        human_size(size),
        f"<= {human_size(limit)}",
    )


def _check_text(finding, path: str, data: bytes, d: Deliverable, milestone: str) -> list[Finding]:
    kind = sniff(path, data)
    if kind in BINARY_KINDS:
        return [
            finding(
                "binary",
                f"{path} is not text (its content is {describe(kind)}); "
                "it should be a Markdown text file.",
                describe(kind),
                "Markdown text",
            )
        ]
    if len(data) > MARKDOWN_PARSE_LIMIT:
        return [_too_big(finding, path, len(data), MARKDOWN_PARSE_LIMIT, "Markdown")]
    out: list[Finding] = []
    if kind == "utf16":
        text = data.decode("utf-16", errors="replace")
        out.append(
            finding(
                "encoding",
                f"{path} is saved as UTF-16; save it as UTF-8 so that GitHub shows it as text.",
                "UTF-16",
                "UTF-8",
            )
        )
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            out.append(
                finding(
                    "encoding",
                    f"{path} is not valid UTF-8 (byte 0x{data[e.start]:02x} on line {line}); "
                    "save it as UTF-8.",
                    f"byte 0x{data[e.start]:02x}",
                    "UTF-8",
                    line,
                )
            )
            # Go on with the readable rest: one push should fix everything at once.
            text = data.decode("utf-8", errors="replace")
    if not text.strip():
        return out + [finding("empty", f"{path} has no text; it should contain the deliverable.")]
    return out + markdown.check(path, text, d, milestone)
