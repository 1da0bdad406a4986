"""Hostile and broken inputs give findings, never crashes; student text is made inert."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classroom_ops.model import Deliverable, Finding
from classroom_ops.pdfgen import sample_report
from classroom_ops.rules import evaluate, neutralize, render_finding_markdown, sniff
from classroom_ops.rules.text import ZWSP, plain

PROPOSAL = Deliverable(
    path="proposal.md", sections=("Approach", "Evaluation"), min_words=10, max_words=800
)
REPORT = Deliverable(path="report.pdf", sections=("Abstract", "Methods"), max_pages=8)


def md(data: bytes) -> list[Finding]:
    return evaluate(PROPOSAL, {"proposal.md": data})


# -- binary and badly encoded Markdown --------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (sample_report(body_pages=1), "a PDF document"),
        (bytes(range(256)) * 4, "binary data"),
        (b"PK\x03\x04\x14\x00" + b"\x00" * 40, "a ZIP archive"),
    ],
)
def test_binary_where_markdown_expected(data, what):
    [f] = md(data)
    assert f.rule == "binary"
    assert f.message == (
        f"proposal.md is not text (its content is {what}); it should be a Markdown text file."
    )


def test_invalid_utf8_is_reported_with_its_line_and_the_rest_still_checked():
    data = "# Approach\nWe use caf\xe9 data.\n".encode("latin-1") + b"word " * 20
    f, missing = md(data)
    assert (f.rule, missing.rule, missing.expected) == ("encoding", "sections", "Evaluation")
    assert f.line == 2
    assert f.message == "proposal.md is not valid UTF-8 (byte 0xe9 on line 2); save it as UTF-8."
    data += b"\n# Evaluation\n"
    assert [g.rule for g in md(data)] == ["encoding"]


def test_utf16_is_reported_and_read():
    data = ("\ufeff# Approach\n# Evaluation\n" + "word " * 20).encode("utf-16-le")
    [f] = md(data)
    assert f.rule == "encoding" and f.found == "UTF-16"


def test_utf8_bom_is_fine():
    assert md(("\ufeff# Approach\n# Evaluation\n" + "word " * 20).encode()) == []


def test_lfs_pointer_where_markdown_expected():
    data = b"version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 3\n"
    [f] = md(data)
    assert f.rule == "lfs_pointer"


def test_fifty_megabyte_markdown_is_not_parsed():
    data = b"# Approach\n" + b"a " * 25_000_000
    [f] = md(data)
    assert f.rule == "max_size"
    assert f.message == (
        "proposal.md is 50.0 MB, too large to check as Markdown; keep it under 1.0 MB."
    )


def test_fifty_megabyte_markdown_with_a_size_limit_reports_the_limit_too():
    d = Deliverable(path="proposal.md", sections=("Approach",), max_size=100_000)
    findings = evaluate(d, {"proposal.md": b"x" * 50_000_000})
    assert [f.rule for f in findings] == ["max_size", "max_size"]
    assert findings[0].message == "proposal.md is 50.0 MB; the limit is 100.0 kB."


def test_fifty_megabyte_pdf_of_junk_is_unreadable_not_a_crash():
    data = b"%PDF-1.5\n" + b"\xff" * 50_000_000
    assert [f.rule for f in evaluate(REPORT, {"report.pdf": data})] == ["unreadable"]


def test_mentions_and_html_in_headings_are_quoted_plainly():
    data = (
        b"# @org/staff <img src=x onerror=alert(1)> Plan\n"
        b"# \x1b[2J\xe2\x80\xaeEvil\n" + b"word " * 20 + b"\n# Approach\n"
    )
    [f] = md(data)
    assert f.expected == "Evaluation"
    assert "\x1b" not in f.message and "\u202e" not in f.message
    assert "found: @org/staff Plan, [2JEvil, Approach." in f.message
    rendered = render_finding_markdown(f)
    assert "@org" not in rendered and "@" + ZWSP + "org/staff" in rendered


# -- sniff ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "data", "kind"),
    [
        ("a.md", None, "unknown"),
        ("a.md", b"", "empty"),
        ("a.md", b"# hi", "markdown"),
        ("a.txt", b"hi", "text"),
        ("a.md", b"<!DOCTYPE html><html>", "html"),
        ("a.pdf", b"%PDF-1.4\n%\xe2\xe3", "pdf"),
        ("a.pdf", b"\x89PNG\r\n\x1a\nxxxx", "png"),
        ("a.pdf", b"\xff\xd8\xff\xe0", "jpeg"),
        ("a.md", b"\xff\xfe#\x00", "utf16"),
        ("a.md", "caf\xe9 au lait".encode("latin-1"), "markdown"),
        ("a.md", b"a" + "é".encode() * 5000, "markdown"),  # a character cut at the 8 KiB window
        ("a.md", b"\x00\x01\x02\x03", "binary"),
        ("a.md", b"version https://git-lfs.github.com/spec/v1\n", "lfs_pointer"),
        ("a.md", b"See the %PDF- header in the spec.", "markdown"),
    ],
)
def test_sniff(path, data, kind):
    assert sniff(path, data) == kind


# -- neutralize -------------------------------------------------------------------------------


def test_neutralize_mentions_cannot_ping():
    out = neutralize("ping @org/team and @alice, mail bob@example.com")
    assert not re.search(r"@[A-Za-z0-9]", out)
    assert out.count("@" + ZWSP) == 3


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[click](https://evil.example)",
        "![img](https://evil.example/x.png)",
        "`code` and ``more``",
        "a | b | c",
        "**bold** _em_ ~~del~~ $x^2$",
        "line1\nline2\r\n# heading",
        "&#64;alice &lt; &commat;bob",
        "see #12 and org/repo#3 and GH-4",
        "visit www.evil.example or http://evil.example",
    ],
)
def test_neutralize_leaves_nothing_markdown_can_act_on(text):
    out = neutralize(text).replace(ZWSP, "\u200b")  # what GitHub's renderer sees
    assert "\n" not in out and "\r" not in out
    assert "<" not in out and ">" not in out
    assert not re.search(r"(?<!\\)[\[\]`|*_~$]", out), out
    # a student's own entities stay literal text: every "&" left is one we wrote
    assert not re.search(r"&(?!amp;|lt;|gt;)", out), out
    assert not re.search(r"#\d|GH-\d|https?:|www\.", out, re.IGNORECASE), out


@pytest.mark.parametrize(("text", "start"), [("- item", "\\-"), ("1. one", "1\\."), ("+ x", "\\+")])
def test_neutralize_cannot_start_a_block(text, start):
    assert neutralize(text).startswith(start)


def test_neutralize_bounds_length():
    out = neutralize("x" * 10_000, limit=50)
    assert out == "x" * 49 + "…"


def test_plain_strips_controls_and_bidi():
    assert plain("a\x1b[31mb\u202ec\u0000d\n\te") == "a[31mbcd e"


def test_render_finding_markdown():
    f = Finding("p.md", "sections", "p.md has no 'X' section; found: @team, <b>|.", line=3)
    assert render_finding_markdown(f) == (
        "- p.md has no 'X' section; found: @&#8203;team, &lt;b&gt;\\|. (line 3)"
    )


# -- never crash ------------------------------------------------------------------------------

_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_GOOD_PDF = sample_report(body_pages=2)


@_FUZZ
@given(st.binary(max_size=4096))
def test_markdown_evaluator_never_raises(data):
    for f in evaluate(PROPOSAL, {"proposal.md": data}):
        assert f.message.endswith(".") and "\n" not in f.message


@_FUZZ
@given(st.text(max_size=2000))
def test_markdown_evaluator_never_raises_on_text(text):
    evaluate(PROPOSAL, {"proposal.md": text.encode("utf-8", "surrogatepass")})


@_FUZZ
@given(st.binary(max_size=4096))
def test_pdf_evaluator_never_raises(data):
    for f in evaluate(REPORT, {"report.pdf": data}):
        assert f.message.endswith(".")


@_FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, len(_GOOD_PDF) - 1), st.binary(min_size=1, max_size=8)),
        min_size=1,
        max_size=6,
    ),
    st.integers(16, len(_GOOD_PDF)),
)
def test_pdf_evaluator_never_raises_on_damaged_pdfs(edits, cut):
    data = bytearray(_GOOD_PDF)
    for pos, chunk in edits:
        data[pos : pos + len(chunk)] = chunk
    evaluate(REPORT, {"report.pdf": bytes(data[:cut])})


@_FUZZ
@given(st.text(max_size=500))
def test_neutralize_is_always_one_inert_line(text):
    out = neutralize(text)
    assert "\n" not in out and "<" not in out
    assert not re.search(r"@[A-Za-z0-9_-]", out)
