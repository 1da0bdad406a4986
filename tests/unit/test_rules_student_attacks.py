"""Attacks a hostile student found on the deliverable rules, each performed as she did it.

1. a 1.7 KB PDF whose one text line (dots and 2,000-space runs) made a regex backtrack for
   minutes; 2. a fake "References" heading and entry (visible or invisible) hiding five pages of
   body text from the page limit; 3. an unclosed HTML comment whose hidden words were counted.
"""

from __future__ import annotations

import time
import zlib

from classroom_ops.model import Deliverable
from classroom_ops.pdfgen import filler, make_pdf
from classroom_ops.rules import evaluate
from classroom_ops.rules import pdf as pdf_rules

SECTIONS = ("Introduction", "Method", "Experiments", "Conclusion")
REPORT = Deliverable(path="report/final.pdf", max_pages=8, sections=SECTIONS)


def check(data: bytes, d: Deliverable = REPORT):
    return evaluate(d, {d.path: data}, milestone="final")


def raw_pdf(contents: list[bytes], *, flate: bool = False) -> bytes:
    """A PDF with one page per content stream, written by hand (with correct offsets) so that
    a test can put any drawing operator in it."""
    n = len(contents)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>"
            % (b" ".join(b"%d 0 R" % (3 + i) for i in range(n)), n)]
    font = 3 + 2 * n
    for i in range(n):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (3 + n + i, font))
    for c in contents:
        if flate:
            c = zlib.compress(c, 9)
            objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(c) + c
                        + b"\nendstream")
        else:
            objs.append(b"<< /Length %d >>\nstream\n" % len(c) + c + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out, offsets = b"%PDF-1.4\n", []
    for k, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def text_ops(lines: list[str], *, invisible: set[int] = frozenset()) -> bytes:
    """Drawing instructions for `lines`, one per row; rows in `invisible` in render mode 3."""
    ops = []
    for k, line in enumerate(lines):
        esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        mode = b"3 Tr " if k in invisible else b"0 Tr "
        ops.append(b"BT " + mode + b"/F1 10 Tf 72 %d Td (%s) Tj ET" % (740 - 14 * k, esc.encode()))
    return b"\n".join(ops)


# -- 1. a regex that backtracked for minutes ---------------------------------------------------


def redos_pdf() -> bytes:
    """The reviewer's file: 3 pages drawing one Flate stream with the line below (1.7 KB)."""
    line = ("." + " " * 2000) * 50 + "x"
    content = b"BT /F1 10 Tf 50 700 Td (" + line.encode() + b") Tj ET\n"
    return raw_pdf([content] * 3, flate=True)


def test_a_line_of_dots_and_long_space_runs_is_judged_in_seconds():
    data = redos_pdf()
    assert len(data) < 2_000
    start = time.monotonic()
    got = check(data)
    took = time.monotonic() - start
    assert took < 10, f"judged in {took:.1f} s"  # 332 s before; ~0.3 s now
    # Judged like any other text without headings: every required section is missing.
    assert [(f.rule, f.expected) for f in got] == [("sections", s) for s in SECTIONS]


def test_the_table_of_contents_pattern_is_linear_on_long_lines():
    line = ("." + " " * 2000) * 50 + "x"
    start = time.monotonic()
    assert not pdf_rules.is_toc_page("\n".join([line] * 5))
    for ln in (line, "3 Experiments " + ". " * 5000 + "x", "." * 3 + " " * 50_000 + "1 x"):
        pdf_rules._TOC_LINE.search(ln)
    assert time.monotonic() - start < 10


def test_judging_that_outlasts_its_budget_ends_in_a_too_complex_finding(monkeypatch):
    """Whatever step is slow, the end of the budget is a finding, not a stalled job."""
    real_read = pdf_rules.read
    monkeypatch.setattr(pdf_rules, "read",
                        lambda data, deadline: real_read(data, time.monotonic() + 60))
    monkeypatch.setattr(pdf_rules, "MAX_SECONDS", -1.0)  # judging's budget is already spent
    pages = [[f"{i + 1} {s}", *filler(200, seed=i)] for i, s in enumerate(SECTIONS)]
    got = check(make_pdf(pages))
    assert [f.rule for f in got] == ["too_complex"]
    assert "not checked" in got[0].message


# -- 2. a fake References heading to hide pages --------------------------------------------------


def report_pages(fake_on_page_8: bool) -> list[list[str]]:
    pages = []
    for i in range(12):
        lines = [f"{i + 1} {SECTIONS[i]}"] if i < 4 else []
        lines += filler(300, seed=i)[:40]
        if i == 7 and fake_on_page_8:
            lines += ["References", "[1] A. Author. Something. 2020."]
        pages.append(lines)
    pages.append(["References", "[1] Real ref 2021"])
    return pages


def test_a_fake_references_heading_on_page_8_does_not_hide_the_pages_after_it():
    got = check(make_pdf(report_pages(fake_on_page_8=True)))
    assert [(f.rule, f.found) for f in got] == [("max_pages", "12")]
    assert "12 pages before References" in got[0].message


def test_a_fake_references_heading_with_no_real_one_hides_nothing():
    pages = report_pages(fake_on_page_8=True)[:12]  # no bibliography at all
    got = check(make_pdf(pages))
    assert [(f.rule, f.found) for f in got] == [("max_pages", "12")]


def test_an_invisible_fake_references_heading_hides_nothing():
    """The same trick in render mode 3 (invisible): the reader sees body text only."""
    contents = []
    for i, lines in enumerate(report_pages(fake_on_page_8=True)):
        hidden = {len(lines) - 2, len(lines) - 1} if i == 7 else set()
        contents.append(text_ops(lines, invisible=hidden))
    got = check(raw_pdf(contents))
    assert [(f.rule, f.found) for f in got] == [("max_pages", "12")]


def test_invisible_text_is_not_read_at_all():
    """Invisible headings satisfy nothing: the fake References would otherwise stop the count
    at page 2 of 3, and the invisible 'Introduction' would count as a heading."""
    page1 = text_ops(["1 Introduction", *filler(200, seed=1)[:30]], invisible={0})
    page2 = text_ops([*filler(200, seed=2)[:30], "References", "[1] A. B. Paper. 2020."],
                     invisible={30, 31})
    page3 = text_ops(filler(200, seed=3)[:30])
    d = Deliverable(path="report/final.pdf", max_pages=2, sections=("Introduction",))
    got = check(raw_pdf([page1, page2, page3]), d)
    assert sorted((f.rule, f.found) for f in got) == [("max_pages", "3"), ("sections", "")]
    # The same file with the text visible is judged on it: the control that the test can fail.
    visible = raw_pdf([text_ops(["1 Introduction", *filler(200, seed=1)[:30]]),
                       text_ops([*filler(200, seed=2)[:30], "References",
                                 "[1] A. B. Paper. 2020."]),
                       text_ops(["[2] C. D. Another paper. 2021."])])
    assert check(visible, d) == []


def test_a_bibliography_followed_by_an_appendix_still_ends_the_count():
    pages = [[f"{i + 1} {s}", *filler(300, seed=i)[:40]] for i, s in enumerate(SECTIONS)]
    pages += [["References", *(f"[{k}] A. Author. Title {k}. 2019." for k in range(1, 30))]]
    pages += [["A Proofs", *filler(300, seed=9)[:40]], filler(300, seed=10)[:40]]
    d = Deliverable(path="report/final.pdf", max_pages=4, sections=SECTIONS)
    assert check(make_pdf(pages), d) == []


# -- 3. words hidden in an unclosed HTML comment --------------------------------------------------

PROPOSAL = Deliverable(path="proposal.md", sections=("Motivation",), min_words=300)


def md(text: str, d: Deliverable = PROPOSAL):
    return evaluate(d, {d.path: text.encode()}, milestone="proposal")


def test_words_after_an_unclosed_comment_are_hidden_as_on_github():
    hidden = " ".join(filler(400, seed=4))
    text = f"# Proposal\n\n## Motivation\n\nWe want to study sparse routing.\n\n<!--\n{hidden}\n"
    got = md(text)
    assert [(f.rule, f.found) for f in got] == [("min_words", "8")]
    # Control: the same words with the comment closed before them are counted.
    assert md(text.replace("<!--\n", "<!-- a note -->\n")) == []


def test_a_heading_after_an_unclosed_comment_is_hidden_too():
    text = "# Proposal\n\n<!-- draft\n\n## Motivation\n\n" + " ".join(filler(400, seed=5)) + "\n"
    got = md(text)
    assert sorted(f.rule for f in got) == ["min_words", "sections"]


def test_closed_and_empty_comments_hide_only_themselves():
    shown = " ".join(filler(400, seed=6))
    text = f"## Motivation\n\n<!---->\n<!-->\n<div>\n\n{shown}\n\n</div>\n"
    assert md(text) == []


def test_text_drawn_outside_the_page_is_not_read():
    """A heading drawn below the page's bottom edge is seen by no reader, so it is no heading."""
    d = Deliverable(path="report/final.pdf", sections=("Introduction",))

    def report(y: int) -> bytes:
        heading = b"BT /F1 10 Tf 72 %d Td (1 Introduction) Tj ET\n" % y
        return raw_pdf([heading + text_ops(filler(200, seed=7)[:30])])

    got = check(report(-300), d)
    assert [(f.rule, f.expected) for f in got] == [("sections", "Introduction")]
    assert check(report(760), d) == []  # the control: on the page, it is the heading


def test_a_paper_checklist_after_the_references_does_not_count():
    """NeurIPS papers end with the references, then the paper checklist (no appendix)."""
    pages = [[f"{i + 1} {s}", *filler(300, seed=i)[:40]] for i, s in enumerate(SECTIONS)]
    pages += [["References", *(f"[{k}] A. Author. Title {k}. 2019." for k in range(1, 30))]]
    pages += [["NeurIPS Paper Checklist", *filler(300, seed=11)[:40]], filler(300, seed=12)[:40]]
    d = Deliverable(path="report/final.pdf", max_pages=4, sections=SECTIONS)
    assert check(make_pdf(pages), d) == []


def test_a_references_heading_on_every_line_is_judged_in_seconds():
    lines = ["References", "[1] A. Author. Title. 2020.", *filler(60, seed=3)[:6]] * 6
    data = make_pdf([lines] * 60)
    start = time.monotonic()
    got = check(data, Deliverable(path="report/final.pdf", max_pages=8))
    assert time.monotonic() - start < 10
    assert got == []  # the first heading (page 1) heads what reads as references to the end
