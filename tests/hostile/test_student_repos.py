"""Hostile student repositories: documents built to game the rules, and files built to stall or
mislead `collect`. The rules count what GitHub renders and a reader sees; every bound ends in a
finding; `collect` publishes only a report a reader can open, and only the one named."""

from __future__ import annotations

import json
import time

import pytest

from classroom_ops.model import Deliverable
from classroom_ops.pdfgen import make_pdf, sample_report
from classroom_ops.rules import markdown, pdf

from .pdfs import encrypted, many_streams_pdf, shared_stream_pdf, with_toc

SIX = ("Problem Statement", "Motivation", "Related Work", "Approach", "Evaluation", "Resources")
PDF_SECTIONS = ("Abstract", "Introduction", "Related Work", "Methods", "Experiments", "Conclusion")


def messages(findings) -> list[str]:
    return [f.message for f in findings]


def test_one_heading_listing_all_six_sections_satisfies_one():
    text = "# " + ", ".join(SIX) + "\n\n" + "We propose to study scaling. " * 60
    got = messages(markdown.check("proposal.md", text, Deliverable("proposal.md", sections=SIX)))
    listed = "Problem Statement, Motivation, Related Work, Approach, Eval…"
    assert got == [
        f"proposal.md has no heading of its own for '{s}': '{listed}' (line 1) already "
        f"counts for 'Problem Statement'; give each section its own heading ('## {s}')."
        for s in SIX[1:]]


def test_six_real_headings_still_pass_and_a_combined_one_counts_once():
    text = "".join(f"## {s}\n\nText.\n\n" for s in SIX)
    assert markdown.check("p.md", text, Deliverable("p.md", sections=SIX)) == []
    text = "## Problem Statement and Motivation\n\n" + "".join(
        f"## {s}\n\nText.\n\n" for s in SIX[2:])
    assert messages(markdown.check("p.md", text, Deliverable("p.md", sections=SIX))) == [
        "p.md has no heading of its own for 'Motivation': 'Problem Statement and Motivation' "
        "(line 1) already counts for 'Problem Statement'; give each section its own heading "
        "('## Motivation')."]


def test_five_thousand_words_inside_an_html_block_count_as_github_renders_them():
    text = "## Approach\n\nShort.\n\n<div>\n" + "scaling " * 5000 + "\n</div>\n"
    got = messages(markdown.check("p.md", text, Deliverable("p.md", max_words=800)))
    assert got == ["p.md has 5,002 words; the limit is 800."]


def test_what_github_hides_is_not_counted():
    text = ("<!-- " + "hidden " * 900 + "-->\n\n<script>\n" + "code " * 900 + "\n</script>\n\n"
            "<style>\n" + "x " * 900 + "\n</style>\n\nfour words are visible\n")
    assert markdown.words(text) == 4


def test_an_html_heading_is_a_heading():
    assert markdown.check("p.md", "<h2>Approach</h2>\n\nText.\n",
                          Deliverable("p.md", sections=("Approach",))) == []


@pytest.mark.parametrize("run", ["[", "*a", "[a](", "<", "_a"])
def test_900kb_of_markup_characters_is_judged_in_seconds_with_a_finding(run):
    from classroom_ops.rules import evaluate

    text = "## Approach\n\nShort.\n\n" + run * (900_000 // len(run)) + "\n"
    t0 = time.monotonic()
    got = evaluate(Deliverable("p.md", sections=("Approach",)), {"p.md": text.encode()})
    assert time.monotonic() - t0 < 10
    assert messages(got) == [
        "p.md could not be read within the checker's bounds: the paragraph on line 5 has more "
        "than 50,000 characters, so its markup was not read. Split long paragraphs and remove "
        "runs of markup characters."]


def test_a_table_of_contents_ending_with_references_does_not_end_the_body():
    data = with_toc()
    d = Deliverable("report/final.pdf", sections=PDF_SECTIONS, max_pages=8)
    got = messages(pdf.check("report/final.pdf", data, d))
    assert got == ["report/final.pdf has 21 pages before References; the limit is 8."] + [
        f"report/final.pdf has no '{s}' heading; found: none of the required headings."
        for s in PDF_SECTIONS]


def test_an_honest_report_with_a_table_of_contents_still_passes():
    body = sample_report(body_pages=8)
    import io

    import pypdf
    reader = pypdf.PdfReader(io.BytesIO(body))
    pages = [["Contents"] + [f"{i + 1} {s} {i + 2}" for i, s in enumerate(PDF_SECTIONS)]
             + ["References 10"]]
    pages += [(p.extract_text() or "").splitlines() for p in reader.pages]
    d = Deliverable("r.pdf", sections=PDF_SECTIONS[:3] + ("Experiments",), max_pages=9)
    assert pdf.check("r.pdf", make_pdf(pages), d) == []


def test_a_73kb_pdf_of_30_pages_sharing_one_huge_stream_is_judged_in_seconds():
    data = shared_stream_pdf()
    assert len(data) < 80_000
    t0 = time.monotonic()
    got = messages(pdf.check("r.pdf", data, Deliverable("r.pdf", max_pages=8)))
    assert time.monotonic() - t0 < 10
    assert got == [
        "r.pdf could not be read within the checker's bounds: page 1 holds more than 4 MB of "
        "drawing instructions, so its text was not read. Export the document again as an "
        "ordinary PDF (from LaTeX or Word) and push it.",
        "r.pdf has 30 pages and no References heading, so every page counts; the limit is 8."]


def test_a_page_of_many_small_streams_is_bounded_by_their_sum():
    data = many_streams_pdf()
    t0 = time.monotonic()
    got = pdf.check("r.pdf", data, Deliverable("r.pdf", max_pages=8))
    assert time.monotonic() - t0 < 10
    assert [f.rule for f in got] == ["too_complex"]
    assert got[0].message == (
        "r.pdf could not be read within the checker's bounds: page 1 holds more than 4 MB of "
        "drawing instructions, so its text was not read. Export the document again as an "
        "ordinary PDF (from LaTeX or Word) and push it.")


def test_reading_stops_at_the_time_bound_with_a_finding(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_SECONDS", 0.0)
    got = pdf.check("r.pdf", sample_report(), Deliverable("r.pdf", max_pages=8))
    assert got[0].rule == "too_complex"
    assert got[0].message.startswith("r.pdf could not be read within the checker's bounds: "
                                     "reading stopped after 0 seconds at page 1")


# -- collect on the sandbox -----------------------------------------------------------------

@pytest.fixture
def fall(term):  # noqa: F811
    return term


from integration.test_collect import collect, project_yml, push, term  # noqa: E402,F401
from integration.test_collect_regressions import ledger, record, two_teams  # noqa: E402


@pytest.mark.integration
def test_an_encrypted_report_is_not_collected_and_no_other_pdf_stands_in(fall):
    env = fall
    two_teams(env, {"report/final.pdf": encrypted(sample_report(title="S")),
                    "extra/decoy.pdf": sample_report(title="Someone else's paper"),
                    "project.yml": project_yml("Sparse things", "Quantization")})
    res = collect(env, "--ledger", ledger(env))
    assert res.code == 1, res
    assert ("sparse-squad: report/final.pdf is encrypted (password-protected); not collected. "
            "Ask the team for a PDF without a password") in res.out
    r = record(env, "sparse-squad")
    assert (r["report"], r["listed"]) == (None, False)
    assert "extra/decoy.pdf" in [f["path"] for f in r["files"]]  # archived, never "the report"
    gallery = env.archive / "gallery"
    assert not any("sparse" in p.as_posix() for p in gallery.rglob("*"))
    page = (gallery / "index.internal-not-for-publication.html").read_text()
    assert "Sparse things" not in page and "Paged KV" in page


@pytest.mark.integration
def test_a_pdf_that_only_restricts_printing_is_refused_too(fall):
    env = fall
    two_teams(env, {"report/final.pdf": encrypted(sample_report(title="S"), user_password=""),
                    "project.yml": project_yml("Sparse things", "Quantization")})
    res = collect(env, "--ledger", ledger(env))
    assert "sparse-squad: report/final.pdf is encrypted (password-protected); not collected." \
        in res.out
    assert record(env, "sparse-squad")["listed"] is False


@pytest.mark.integration
def test_a_damaged_pdf_is_not_collected(fall):
    env = fall
    two_teams(env, {"report/final.pdf": b"%PDF-1.7\n" + b"\x00garbage" * 100,
                    "project.yml": project_yml("Sparse things", "Quantization")})
    res = collect(env, "--ledger", ledger(env))
    line = next(ln for ln in res.out.splitlines() if "sparse-squad: report/final.pdf" in ln)
    assert line.startswith("  sparse-squad: report/final.pdf cannot be opened as a PDF "
                           "(unreadable: ") and line.endswith("); not collected")
    assert record(env, "sparse-squad")["report"] is None


@pytest.mark.integration
def test_collected_folders_and_files_are_world_readable_whatever_the_umask(fall):
    import os
    import stat

    env = fall
    two_teams(env, {"project.yml": project_yml("Sparse things", "Quantization")})
    path = ledger(env)
    old = os.umask(0o077)
    try:
        assert collect(env, "--ledger", path).code == 1
    finally:
        os.umask(old)
    modes = {p.relative_to(env.archive).as_posix(): stat.S_IMODE(p.stat().st_mode)
             for p in [env.archive, *env.archive.rglob("*")]}
    assert {p: m for p, m in modes.items() if (env.archive / p).is_dir() and m != 0o755} == {}
    assert {m for p, m in modes.items() if (env.archive / p).is_file()} == {0o644}
    assert json.loads((env.archive / "fall-2026" / "index.json").read_text())["term"] \
        == "fall-2026"
