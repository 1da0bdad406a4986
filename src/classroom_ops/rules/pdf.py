"""PDF deliverables: can it be opened, how long is the body, which headings does it have.

Page limits follow the NeurIPS rule "8 pages + unlimited references": the pages counted are those
before the page where the References (or Bibliography) heading starts, plus that page itself when
body text precedes the heading on it. A report with no such heading has every page counted.

The References heading is the one a reader finds above the references, not a line of a table of
contents: pages that read as a table of contents (several lines ending in page numbers or dot
leaders) are never searched for headings, and where "References" appears more than once, the
first one after which the document is reference entries (a year, or "[1]") up to the end or an
appendix counts: a fake heading and entry above more pages of body text hides none of them. A
TOC line is never a section heading either. Text a reader cannot see (render mode 3 or 7, or
drawn outside the page's visible box; see pdf_visible.py) is not read at all: rules count what
a reader sees (white-on-white text is still read).

Reading is bounded per file, and a bound ends in a finding, never in a stalled job: a page whose
drawing instructions inflate past MAX_CONTENT_BYTES is not parsed (a 73 KB file of 30 pages
sharing one 24 MB stream took minutes), pages sharing one content stream are read once, reading
stops after MAX_SECONDS, and
judging the text that was read (finding References, the table of contents and the headings) has
a second MAX_SECONDS budget, checked line by line; the end of either is a `too_complex` finding.
Each pattern is linear, and lines too long to be a heading or a contents entry are not matched at
all, so no single line can outlast the budget.

Headings are found line by line in the extracted text: a line that begins, after any numbering
("1 Introduction", "2. Related Work", "IV. EXPERIMENTS"), with the section's words, starts with a
capital letter, and is either short (a heading on its own line) or continues after a colon,
period or dash (a run-in heading such as "Abstract. We study ..."). A capital is required because
wrapped body lines ("experiments in Section 5.") must not count.

Everything pypdf can raise is caught: a student's file decides what the reader meets.
"""

from __future__ import annotations

import io
import logging
import re
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field

from classroom_ops.model import Deliverable, Finding
from classroom_ops.rules.kinds import describe, sniff
from classroom_ops.rules.pdf_visible import visible_text
from classroom_ops.rules.text import plain
from classroom_ops.rules.titles import same, strip_numbering, title_words, word_count

MAX_PAGES_READ = 80  # a NeurIPS report with appendix fits; a pathological file stops here
MAX_TEXT_PER_PAGE = 100_000  # characters kept per page
MAX_CONTENT_BYTES = 4_000_000  # a dense text page is ~50 KB of operators, a vector plot ~1 MB
MAX_SECONDS = 15.0  # reading one file; the check job has an hour for every team
REFERENCE_TITLES = ("References", "Bibliography", "Works Cited", "Literature Cited")
_SHORT_EXTRA_WORDS = 5  # words a heading line may add to the title ("Experiments and Results")
_RUN_IN = re.compile(r"[:.—–]")
_HAS_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class PdfText:
    """What was read from a PDF. `problem` is a finding rule name when it could not be read."""

    pages: int = 0
    texts: list[str] = field(default_factory=list)  # per page, at most MAX_PAGES_READ
    problem: str | None = None
    detail: str = ""
    skipped: list[int] = field(default_factory=list)  # 1-based pages whose text was not read
    limit: str = ""  # why reading stopped or skipped pages, for the finding


class OutOfTime(Exception):
    """The file's time budget ran out after reading, while judging its text."""


def _budget(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise OutOfTime


def read(data: bytes, deadline: float | None = None) -> PdfText:
    """Open `data` with pypdf, quietly and defensively, and extract the text of the first pages."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # pypdf logs every repaired xref at WARNING
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _read(data, deadline)
    finally:
        logger.setLevel(level)


def openable(data: bytes) -> str | None:
    """Why a reader cannot open `data` as a PDF ("encrypted", "unreadable: ..."), or None.

    Cheap (no text is extracted): `collect` asks it of every PDF before publishing it."""
    import pypdf

    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
                if reader.is_encrypted:
                    return "encrypted"
                if len(reader.pages) == 0:
                    return "unreadable: no pages"
            except Exception as e:  # noqa: BLE001 -- any parse failure is the file's fault
                return "unreadable: " + plain(f"{type(e).__name__}: {e}", 120)
    finally:
        logger.setLevel(level)
    return None


def _read(data: bytes, deadline: float | None) -> PdfText:
    import pypdf  # imported here so Markdown-only courses never pay for it

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    except Exception as e:  # noqa: BLE001 -- any parse failure is the file's fault
        return PdfText(problem="unreadable", detail=plain(f"{type(e).__name__}: {e}", 120))
    try:
        if reader.is_encrypted:
            # An owner-password-only PDF opens in every viewer; only a user password locks it.
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001 -- unsupported algorithm, malformed dictionary
                ok = 0
            if not ok:
                return PdfText(problem="encrypted")
        pages = len(reader.pages)
    except Exception as e:  # noqa: BLE001
        return PdfText(problem="unreadable", detail=plain(f"{type(e).__name__}: {e}", 120))
    if pages == 0:
        return PdfText(problem="unreadable", detail="no pages")
    doc = PdfText(pages=pages)
    if deadline is None:
        deadline = time.monotonic() + MAX_SECONDS
    by_stream: dict[object, str] = {}  # pages drawing the same content stream: read once
    for i in range(min(pages, MAX_PAGES_READ)):
        if time.monotonic() > deadline:
            doc.limit = (f"reading stopped after {MAX_SECONDS:.0f} seconds at page {i + 1}; "
                         "the rest was not checked")
            doc.skipped.extend(range(i + 1, min(pages, MAX_PAGES_READ) + 1))
            doc.texts.extend("" for _ in range(i, min(pages, MAX_PAGES_READ)))
            break
        try:
            page = reader.pages[i]
            key = _stream_key(page)
            if key is not None and key in by_stream:
                doc.texts.append(by_stream[key])
                continue
            size = _content_size(page)
            if size > MAX_CONTENT_BYTES:
                doc.skipped.append(i + 1)
                doc.limit = (f"page {i + 1} holds more than {MAX_CONTENT_BYTES // 1_000_000} "
                             "MB of drawing instructions, so its text was not read")
                text = ""
            else:
                text = visible_text(page, reader)[:MAX_TEXT_PER_PAGE]
            if key is not None:
                by_stream[key] = text
            doc.texts.append(text)
        except Exception:  # noqa: BLE001 -- one bad content stream should not hide the rest
            doc.texts.append("")
    return doc


def _stream_key(page) -> object:
    """What identifies a page's content stream(s): their object numbers."""
    ref = page.get("/Contents")
    if ref is None:
        return None
    if hasattr(ref, "idnum"):
        return ("obj", ref.idnum, ref.generation)
    try:
        return ("arr", tuple((r.idnum, r.generation) for r in ref))
    except (AttributeError, TypeError):
        return None


def _content_size(page) -> int:
    """Decompressed size of the page's drawing instructions, stream by stream, stopping once
    past the bound (pypdf bounds each single inflate; a page may list many streams)."""
    ref = page.get("/Contents")
    if ref is None:
        return 0
    obj = ref.get_object()
    streams = list(obj) if isinstance(obj, list) else [obj]
    total = 0
    for s in streams:
        total += len(s.get_object().get_data())
        if total > MAX_CONTENT_BYTES:
            break
    return total


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def _running_lines(texts: list[str]) -> set[str]:
    """Lines repeated on many pages: running headers and footers, not body text."""
    if len(texts) < 3:
        return set()
    counts = Counter(ln for t in texts for ln in set(_lines(t)))
    return {ln for ln, n in counts.items() if n >= max(3, len(texts) // 2)}


@dataclass(frozen=True)
class Layout:
    content_pages: int
    references_page: int | None  # 1-based
    body: list[str]  # text of each body page (the last one cut at References)


# Linear on any line: no two adjacent quantifiers can take the same characters (the former
# "(?:\.\s*){3,}\s*\d" let a line of dots and 2,000-space runs stall a check for minutes), and
# lines longer than _TOC_LINE_MAX are never table-of-contents entries, so they are not matched.
_TOC_LINE = re.compile(r"(?:\.\s*){3,}\d{1,4}\s*$|(?:\.\s?){3,}|\S\s+\d{1,4}\s*$")
_TOC_LINE_MAX = 300
_TOC_DOTS = re.compile(r"(?:\.\s?){4,}")
_REFERENCE_ENTRY = re.compile(r"\b(?:19|20)\d{2}[a-z]?\b|^\s*\[\d+\]")
_TOC_MIN_LINES = 3
_LINES_PER_ENTRY = 8  # a reference wraps over 2-4 lines, each entry has a year or "[n]"
_APPENDIX_LOOK = 5  # an appendix heading is among the first lines of its page
_APPENDIX_LETTER = re.compile(r"^\s*(?:Appendix\s+)?[A-H](?:\.\d+)*[.:]?\s+[A-Z]")
TOC_PAGES = 3  # a table of contents is at the front; later pages of figures are not one


def is_toc_page(text: str, deadline: float | None = None) -> bool:
    """A table of contents: several lines that end in a page number or have dot leaders."""
    lines = _lines(text)
    hits = 0
    for ln in lines:
        _budget(deadline)
        if len(ln) <= _TOC_LINE_MAX and _TOC_LINE.search(ln) and _HAS_LETTER.search(ln):
            hits += 1
    title = any(same(ln, t) for ln in lines[:5] for t in ("Contents", "Table of Contents"))
    return hits >= _TOC_MIN_LINES and (title or hits * 2 >= len(lines))


def _is_appendix(line: str) -> bool:
    """What may follow the references without counting: "Appendix", "Appendix A: Proofs",
    "Supplementary Material", "A Proof of Theorem 1", "NeurIPS Paper Checklist"."""
    words = title_words(line)
    if not words or len(words) > 10:
        return False
    if words[0] in ("appendix", "appendice", "supplementary", "supplemental") or \
            "checklist" in words:
        return True
    return bool(_APPENDIX_LETTER.match(line))


def _reads_as_references(lines: list[str]) -> bool:
    """A page of a bibliography: reference entries (a year, "[1]") at least every few lines."""
    entries = sum(1 for ln in lines if _REFERENCE_ENTRY.search(ln))
    return entries >= 1 and entries * _LINES_PER_ENTRY >= len(lines)


def _tails(pages: list[list[str]], ok, deadline: float | None) -> list[bool]:
    """tails[q]: every page from q on, up to the end or an appendix, satisfies `ok`."""
    tails = [True] * (len(pages) + 1)
    for q in range(len(pages) - 1, -1, -1):
        _budget(deadline)
        lines = pages[q]
        appendix = any(_is_appendix(ln) for ln in lines[:_APPENDIX_LOOK])
        tails[q] = appendix or (ok(lines) and tails[q + 1])
    return tails


def _references_at(texts: list[str], toc: set[int],
                   deadline: float | None = None) -> tuple[int, int] | None:
    """(page, line) of the References heading that heads the references: the first one
    followed by entries after which the document is reference entries up to the end or an
    appendix (so a fake heading with a fake entry above pages of body text is passed over: it
    was not the heading of the references, and a heading repeated on each page of the
    bibliography counts from its first page); with none such, the last heading followed by
    nothing but an appendix (a draft's last line); None when body text follows every one."""
    pages = []
    found = []
    for p, text in enumerate(texts):
        pages.append(_lines(text))
        if p in toc:
            continue
        for n, ln in enumerate(pages[-1]):
            _budget(deadline)
            if len(ln) <= _TOC_LINE_MAX and any(same(ln, t) for t in REFERENCE_TITLES):
                found.append((p, n))
    if not found:
        return None
    refs_after = _tails(pages, lambda lines: not lines or _reads_as_references(lines), deadline)
    for p, n in found:
        after = pages[p][n + 1:] + (pages[p + 1] if p + 1 < len(pages) else [])
        if refs_after[p + 1] and any(_REFERENCE_ENTRY.search(ln) for ln in after[:8]):
            return p, n
    nothing_after = _tails(pages, lambda lines: not lines, deadline)
    for p, n in reversed(found):
        if nothing_after[p + 1]:
            return p, n
    return None


def layout(doc: PdfText, deadline: float | None = None) -> Layout:
    running = _running_lines(doc.texts)
    toc = {p for p, t in enumerate(doc.texts[:TOC_PAGES]) if is_toc_page(t, deadline)}
    at = _references_at(doc.texts, toc, deadline)
    if at is None:
        return Layout(doc.pages, None, list(doc.texts))
    p, n = at
    lines = _lines(doc.texts[p])
    before = [b for b in lines[:n] if b not in running and _HAS_LETTER.search(b)]
    body = doc.texts[:p] + ["\n".join(before)]
    return Layout(p + (1 if before else 0), p + 1, body)


def is_heading(line: str, section: str) -> bool:
    want = title_words(section)
    got = title_words(line)
    if not want or got[: len(want)] != want:
        return False
    first = _HAS_LETTER.search(line)
    if first is None or not first.group().isupper():
        return False
    if len(got) <= len(want) + _SHORT_EXTRA_WORDS:
        return True
    return title_words(_RUN_IN.split(strip_numbering(line), maxsplit=1)[0]) == want


def headings_found(pages: list[str], sections: tuple[str, ...],
                   deadline: float | None = None) -> dict[str, int]:
    """Required sections found in the body, with the 1-based page of their first heading.

    Only the body is searched: bibliography entries ("Methods for scaling. In NeurIPS") look
    like run-in headings.
    """
    found: dict[str, int] = {}
    for p, text in enumerate(pages):
        if p < TOC_PAGES and is_toc_page(text, deadline):
            continue  # "3 Experiments ..... 5" lists a heading; it is not one
        for ln in _lines(text):
            _budget(deadline)
            if len(ln) > _TOC_LINE_MAX or _TOC_DOTS.search(ln):
                continue
            for s in sections:
                if s not in found and is_heading(ln, s):
                    found[s] = p + 1
    return found


def check(path: str, data: bytes, d: Deliverable, milestone: str = "") -> list[Finding]:
    """Findings for a PDF deliverable whose bytes are `data`."""

    def finding(rule: str, message: str, found: str = "", expected: str = "") -> Finding:
        return Finding(path, rule, message, found, expected, None, milestone)

    kind = sniff(path, data)
    if kind != "pdf":
        return [
            finding(
                "not_pdf",
                f"{path} is not a PDF (its content is {describe(kind)}); "
                "export the document as PDF and push that file.",
                found=describe(kind),
                expected="a PDF document",
            )
        ]
    deadline = time.monotonic() + MAX_SECONDS
    doc = read(data, deadline)
    if doc.problem == "encrypted":
        return [
            finding(
                "encrypted",
                f"{path} is password-protected; push a PDF that opens without a password.",
                found="encrypted PDF",
                expected="a PDF without a password",
            )
        ]
    if doc.problem:
        return [
            finding(
                "unreadable",
                f"{path} is damaged or truncated and cannot be opened as a PDF; "
                "export it again and push the new file.",
                found=doc.detail,
                expected="a complete PDF",
            )
        ]
    out: list[Finding] = []

    def too_complex(limit: str) -> Finding:
        return finding(
            "too_complex",
            f"{path} could not be read within the checker's bounds: {limit}. Export "
            "the document again as an ordinary PDF (from LaTeX or Word) and push it.",
            found=limit,
            expected="a PDF that can be read in seconds",
        )

    if doc.limit:
        out.append(too_complex(doc.limit))
    if not doc.limit and not any(t.strip() for t in doc.texts):
        # Scanned pages: counts and headings would be guesses, so say only what is certain.
        out.append(
            finding(
                "unreadable",
                f"{path} has no extractable text (it may be scanned images); export it from "
                "LaTeX or Word so that its text can be checked.",
                found="no text",
                expected="a PDF with selectable text",
            )
        )
        if d.min_pages is not None and doc.pages < d.min_pages:
            out.append(_min_pages(finding, path, doc.pages, None, d.min_pages))
        return out
    try:
        # Judging gets its own budget: a file read slowly but completely is still judged.
        _judge(finding, path, doc, d, out, time.monotonic() + MAX_SECONDS)
    except OutOfTime:
        # Findings already made stand; what was not judged is said, not guessed (once).
        if not doc.limit:
            out.append(too_complex(f"judging its text took more than {MAX_SECONDS:.0f} "
                                   "seconds, so some rules were not checked"))
    return out


def _judge(finding, path: str, doc: PdfText, d: Deliverable, out: list[Finding],
           deadline: float) -> None:
    """Page, heading and word rules, appended to `out` one by one as they are judged."""
    lay = layout(doc, deadline)
    if d.max_pages is not None and lay.content_pages > d.max_pages:
        if lay.references_page is None:
            msg = (
                f"{path} has {doc.pages} pages and no References heading, so every page counts; "
                f"the limit is {d.max_pages}."
            )
        else:
            msg = (
                f"{path} has {lay.content_pages} pages before References; "
                f"the limit is {d.max_pages}."
            )
        out.append(
            finding("max_pages", msg, found=str(lay.content_pages), expected=f"<= {d.max_pages}")
        )
    if d.min_pages is not None and lay.content_pages < d.min_pages:
        out.append(_min_pages(finding, path, lay.content_pages, lay.references_page, d.min_pages))
    if d.sections:
        found = headings_found(lay.body, d.sections, deadline)
        have = [s for s in d.sections if s in found]
        listed = ", ".join(have) if have else "none of the required headings"
        for s in d.sections:
            if s not in found:
                out.append(
                    finding(
                        "sections",
                        f"{path} has no '{s}' heading; found: {listed}.",
                        found=", ".join(have),
                        expected=s,
                    )
                )
    words = word_count("\n".join(lay.body))
    where = "before References" if lay.references_page else ""
    if d.min_words is not None and words < d.min_words:
        out.append(
            finding(
                "min_words",
                f"{path} has {words:,} words{' ' + where if where else ''}; "
                f"at least {d.min_words:,} are expected.",
                found=str(words),
                expected=f">= {d.min_words}",
            )
        )
    if d.max_words is not None and words > d.max_words:
        out.append(
            finding(
                "max_words",
                f"{path} has {words:,} words{' ' + where if where else ''}; "
                f"the limit is {d.max_words:,}.",
                found=str(words),
                expected=f"<= {d.max_words}",
            )
        )

def _min_pages(finding, path: str, pages: int, refs: int | None, minimum: int) -> Finding:
    where = " before References" if refs else ""
    return finding(
        "min_pages",
        f"{path} has {pages} page{'s' if pages != 1 else ''}{where}; "
        f"at least {minimum} are expected.",
        found=str(pages),
        expected=f">= {minimum}",
    )
