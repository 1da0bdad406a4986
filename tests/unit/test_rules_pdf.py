"""PDF deliverables: page limits around References, headings, and files that are not PDFs."""

from __future__ import annotations

import io

import pypdf
import pytest

from classroom_ops.model import Deliverable
from classroom_ops.pdfgen import filler, make_pdf, sample_report
from classroom_ops.rules import evaluate
from classroom_ops.rules.pdf import MAX_PAGES_READ, is_heading, layout, read

SECTIONS = (
    "Abstract",
    "Introduction",
    "Related Work",
    "Methods",
    "Experiments",
    "Discussion",
    "Conclusion",
)
REPORT = Deliverable(path="report/final.pdf", sections=SECTIONS, max_pages=8)


def check(data: bytes, d: Deliverable = REPORT):
    return evaluate(d, {"report/final.pdf": data}, milestone="final")


def body(n: int = 100) -> list[str]:
    return filler(n)


# -- the PDF writer ---------------------------------------------------------------------------


def test_pdfgen_output_reads_strictly_with_pypdf():
    data = make_pdf([["Hello (world) \\ back", "second line"], ["page two"]], title="T")
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) == 2
    assert reader.pages[0].extract_text().splitlines() == ["Hello (world) \\ back", "second line"]
    assert reader.pages[1].extract_text().strip() == "page two"
    assert reader.metadata.title == "T"


def test_pdfgen_xref_offsets_point_at_objects():
    data = make_pdf([["x"], ["y"], ["z"]])
    xref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert data[xref:].startswith(b"xref\n")
    entries = data[xref:].split(b"\n")[3:]
    for n, entry in enumerate(entries[: 3 * 2 + 4], start=1):
        offset = int(entry[:10])
        assert data[offset:].startswith(b"%d 0 obj" % n)


def test_pdfgen_rejects_no_pages():
    with pytest.raises(ValueError):
        make_pdf([])


# -- page limits ------------------------------------------------------------------------------


def test_references_on_page_9_of_10_passes_8():
    assert check(sample_report(body_pages=8, reference_pages=2)) == []


def test_body_on_9_pages_then_references_fails():
    [f] = check(sample_report(body_pages=9, reference_pages=1))
    assert f.rule == "max_pages"
    assert f.message == "report/final.pdf has 9 pages before References; the limit is 8."
    assert (f.found, f.expected, f.milestone) == ("9", "<= 8", "final")


def test_body_running_onto_the_references_page_counts_that_page():
    pages = [["Abstract", *body()] for _ in range(8)]
    pages.append(["last body lines run over", "7 Conclusion", "References", "[1] A paper."])
    [f] = check(make_pdf(pages), Deliverable(path="report/final.pdf", max_pages=8))
    assert f.message == "report/final.pdf has 9 pages before References; the limit is 8."


def test_running_header_and_page_number_above_references_do_not_count():
    pages = [["Preprint. Under review.", *body(), str(i + 1)] for i in range(8)]
    pages.append(["Preprint. Under review.", "9", "References", "[1] A paper."])
    doc = read(make_pdf(pages))
    assert layout(doc).content_pages == 8
    assert layout(doc).references_page == 9


def test_no_references_heading_counts_every_page():
    [f] = check(sample_report(body_pages=9, reference_pages=0))
    assert f.rule == "max_pages"
    assert f.message == (
        "report/final.pdf has 9 pages and no References heading, so every page counts; "
        "the limit is 8."
    )


@pytest.mark.parametrize("heading", ["References", "REFERENCES", "8 References", "Bibliography"])
def test_reference_heading_spellings(heading):
    pages = [["Intro", *body()] for _ in range(8)] + [[heading, "[1] A paper."]] * 3
    assert layout(read(make_pdf(pages))).content_pages == 8


def test_the_word_references_in_a_sentence_is_not_the_heading():
    pages = [["Intro", *body(), "References to prior work are in Section 2."] for _ in range(9)]
    assert layout(read(make_pdf(pages))).references_page is None


def test_min_pages():
    d = Deliverable(path="report/final.pdf", min_pages=4)
    [f] = check(sample_report(body_pages=2), d)
    assert f.rule == "min_pages"
    assert f.message == "report/final.pdf has 2 pages before References; at least 4 are expected."
    assert check(sample_report(body_pages=4), d) == []


# -- headings ---------------------------------------------------------------------------------


def test_all_sections_found_in_a_sample_report():
    assert check(sample_report()) == []


def test_missing_heading_lists_the_ones_found():
    data = sample_report(sections=tuple(s for s in SECTIONS if s != "Methods"))
    [f] = check(data)
    assert f.rule == "sections" and f.expected == "Methods"
    assert f.message == (
        "report/final.pdf has no 'Methods' heading; found: Abstract, Introduction, "
        "Related Work, Experiments, Discussion, Conclusion."
    )


@pytest.mark.parametrize(
    "line",
    [
        "Related Work",
        "2 Related Work",
        "2. Related Work",
        "2.1 Related Work",
        "RELATED WORK",
        "II. RELATED WORK",
        "Related Work and Background",
        "Related Work: what came before this project and how we differ from it",
    ],
)
def test_pdf_heading_spellings(line):
    assert is_heading(line, "Related Work")


@pytest.mark.parametrize(
    "line",
    [
        "related work in this area has studied routing at scale",  # wrapped body text
        "Unlike related work, we shard experts",
        "Related work has studied routing with auxiliary losses for many years now",
        "related work is broad.",  # short, but lowercase: the end of a wrapped sentence
        "Future Work",
    ],
)
def test_pdf_body_lines_are_not_headings(line):
    assert not is_heading(line, "Related Work")


@pytest.mark.parametrize(
    ("line", "section"),
    [
        ("6 Conclusions", "Conclusion"),
        ("3 Method", "Methods"),
        ("5 Deﬁnitions", "Definitions"),
        ("５ Ｍｅｔｈｏｄｓ", "Methods"),
    ],
)
def test_pdf_headings_tolerate_plurals_and_ligatures(line, section):
    assert is_heading(line, section)


def test_headings_are_not_taken_from_the_bibliography():
    pages = [["Abstract", *body()], ["References", "Methods for scaling. In NeurIPS, 2024."]]
    d = Deliverable(path="report/final.pdf", sections=("Abstract", "Methods"))
    assert [f.expected for f in check(make_pdf(pages), d)] == ["Methods"]


def test_word_limits_count_only_the_body():
    pages = [["Abstract", *body(200)], ["References", *body(5000)]]
    d = Deliverable(path="report/final.pdf", max_words=300)
    assert check(make_pdf(pages), d) == []
    d = Deliverable(path="report/final.pdf", min_words=500)
    [f] = check(make_pdf(pages), d)
    assert f.rule == "min_words"
    assert f.message == (
        "report/final.pdf has 201 words before References; at least 500 are expected."
    )


# -- files that are not readable PDFs ---------------------------------------------------------


def _reportlab_pdf(user_password: str) -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=StandardEncryption(user_password, "owner", strength=128))
    c.drawString(72, 720, "Abstract")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_encrypted_pdf():
    [f] = check(_reportlab_pdf("secret"))
    assert f.rule == "encrypted"
    assert f.message == (
        "report/final.pdf is password-protected; push a PDF that opens without a password."
    )


def test_owner_password_only_pdf_opens_like_any_other():
    d = Deliverable(path="report/final.pdf", sections=("Abstract",), max_pages=8)
    assert check(_reportlab_pdf(""), d) == []


GOOD = sample_report()


@pytest.mark.parametrize(
    "data",
    [
        GOOD[: len(GOOD) // 2],
        GOOD[:-30],
        GOOD[:400],
        GOOD.replace(b"/Type /Pages", b"/Type /Nope"),
        GOOD.replace(b"xref", b"xxxx").replace(b"obj", b"jbo"),
        b"%PDF-1.4\n" + b"garbage " * 100,
        b"%PDF-1.7\n",
    ],
    ids=["half", "tail-cut", "header-only", "bad-tree", "no-objects", "garbage", "bare-header"],
)
def test_corrupt_or_truncated_pdf(data):
    [f] = check(data)
    assert f.rule == "unreadable"
    assert f.message == (
        "report/final.pdf is damaged or truncated and cannot be opened as a PDF; "
        "export it again and push the new file."
    )


def test_lfs_pointer():
    pointer = (
        b"version https://git-lfs.github.com/spec/v1\n"
        b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
        b"size 12345\n"
    )
    [f] = check(pointer)
    assert f.rule == "lfs_pointer"
    assert f.message.startswith("report/final.pdf is a Git LFS pointer, not the file itself;")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "a PNG image"),
        (b"PK\x03\x04" + b"\x00" * 26 + b"word/document.xml", "a Word document"),
        (b"# My report\n\nIn Markdown.", "text"),
    ],
)
def test_not_a_pdf(data, what):
    [f] = check(data)
    assert f.rule == "not_pdf"
    assert f.message == (
        f"report/final.pdf is not a PDF (its content is {what}); "
        "export the document as PDF and push that file."
    )


def test_pdf_without_text_is_flagged_and_not_guessed_at():
    data = make_pdf([[], [], []])
    d = Deliverable(path="report/final.pdf", sections=SECTIONS, max_pages=2, min_pages=4)
    assert [f.rule for f in check(data, d)] == ["unreadable", "min_pages"]


def test_page_reading_is_capped():
    pages = [["Intro", "text"] for _ in range(MAX_PAGES_READ + 5)]
    doc = read(make_pdf(pages))
    assert doc.pages == MAX_PAGES_READ + 5
    assert len(doc.texts) == MAX_PAGES_READ
    [f] = check(make_pdf(pages), Deliverable(path="report/final.pdf", max_pages=8))
    assert f.found == str(MAX_PAGES_READ + 5)


def test_page_count_rule_applies_to_a_pdf_with_another_extension():
    d = Deliverable(path="report/final", max_pages=1)
    [f] = evaluate(d, {"report/final": make_pdf([["a"], ["b"]])})
    assert f.rule == "max_pages"


# -- tables of contents and the References heading that heads the references ------------------

def test_a_references_line_without_entries_gives_way_to_the_one_above_the_entries():
    pages = [["Contents", "Introduction", "Methods", "References"]] + [
        ["Introduction"] + body(200) for _ in range(9)] + [
        ["References", "[1] A. Author. Scaling. In NeurIPS, 2024."]]
    lay = layout(read(make_pdf(pages)))
    assert (lay.content_pages, lay.references_page) == (10, 11)


def test_a_results_table_after_the_front_pages_is_not_a_table_of_contents():
    table = ["Experiments"] + [f"model {k} accuracy {k + 70}" for k in range(12)]
    pages = [["Abstract"] + body(200), ["Introduction"] + body(200), ["Methods"] + body(200),
             table, ["References", "[1] A. Author. Scaling. 2024."]]
    got = [f.message for f in check(make_pdf(pages), Deliverable(
        "report/final.pdf", sections=("Experiments",), max_pages=8))]
    assert got == []


def test_references_heading_at_the_bottom_of_a_page_with_entries_on_the_next():
    pages = [["Introduction"] + filler(300, seed=i) for i in range(3)]
    pages[-1].append("References")
    pages.append(["[1] A. Author. Scaling laws. 2020.", "[2] B. Author. Sharding. 2021."])
    lay = layout(read(make_pdf(pages)))
    assert (lay.content_pages, lay.references_page) == (3, 3)
