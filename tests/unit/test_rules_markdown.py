"""Markdown deliverables: sections as headings, bold labels, word counts, presence and size."""

from __future__ import annotations

import pytest

from classroom_ops.model import Deliverable
from classroom_ops.rules import evaluate, paths_needed
from classroom_ops.rules.markdown import headings, prose, words

SECTIONS = (
    "Problem Statement",
    "Motivation",
    "Related Work",
    "Approach",
    "Evaluation",
    "Resources",
)
PROPOSAL = Deliverable(path="proposal.md", sections=SECTIONS, min_words=20, max_words=800)

GOOD = """\
# Sparse Routing at Scale

## 1. Problem Statement
Can expert routing stay balanced when we shard experts across many accelerators?

## 2. Motivation
Load imbalance wastes most of the compute budget in large mixture of experts models.

## 3. Related Work
Switch Transformers and GShard route tokens with auxiliary balancing losses.

## 4. Approach
We implement a capacity-aware router and compare it with top-2 gating.

## 5. Evaluation
Throughput, loss and expert utilization at three model sizes.

## 6. Resources
Eight GPUs for two weeks and the public C4 data set.
"""


def check(text: str | bytes, d: Deliverable = PROPOSAL):
    data = text.encode() if isinstance(text, str) else text
    return evaluate(d, {"proposal.md": data}, milestone="proposal")


def rules(findings) -> list[str]:
    return [f.rule for f in findings]


def test_complete_proposal_has_no_findings():
    assert check(GOOD) == []


def test_missing_section_names_it_and_lists_what_was_found():
    text = GOOD.replace("## 5. Evaluation", "## 5. Metrics")
    [f] = check(text)
    assert f.rule == "sections"
    assert f.expected == "Evaluation"
    assert f.milestone == "proposal"
    assert f.message == (
        "proposal.md has no 'Evaluation' section; found: Sparse Routing at Scale, "
        "1. Problem Statement, 2. Motivation, 3. Related Work, 4. Approach, 5. Metrics, "
        "6. Resources."
    )


def test_one_finding_per_missing_section():
    text = GOOD.replace("## 5. Evaluation", "").replace("## 6. Resources", "")
    assert [f.expected for f in check(text)] == ["Evaluation", "Resources"]


@pytest.mark.parametrize(
    "heading",
    [
        "## motivation",
        "## 2. Motivation",
        "### 2) MOTIVATION",
        "# Motivation:",
        "## Section 2: Motivation",
        "## **Motivation**",
        "## Motivation <img src=x onerror=alert(1)>",
        "Motivation\n----------",  # setext
        "## Problem Statement and Motivation",
        "2. **Motivation**: why it matters.",  # the course page's own style
        "**Motivation:** why it matters.",
        "- **Motivation**: why it matters.",
    ],
)
def test_section_spellings_accepted(heading):
    text = GOOD.replace("## 2. Motivation", heading)
    assert check(text) == [], heading


@pytest.mark.parametrize(
    "line",
    [
        "Motivation",  # plain paragraph
        "We have no motivation section here.",
        "`## Motivation`",
        "```\n## Motivation\n```",
        "<!-- ## Motivation -->",
        "**Motivation** matters because of cost.",  # bold, but no colon: a sentence
        "## Future Work",  # a different heading
    ],
)
def test_non_headings_rejected(line):
    text = GOOD.replace("## 2. Motivation", line)
    assert "Motivation" in [f.expected for f in check(text)], line


def test_bold_only_line_is_not_a_section_but_gets_a_hint():
    text = GOOD.replace("## 4. Approach", "**Approach**")
    [f] = check(text)
    assert f.rule == "sections" and f.expected == "Approach"
    assert f.line == 12
    assert "only as bold text on line 12" in f.message
    assert "'## Approach'" in f.message


def test_course_page_outline_counts_as_all_six_sections(course_page_text):
    d = Deliverable(path="proposal.md", sections=SECTIONS)
    assert check(course_page_text, d) == []


@pytest.fixture
def course_page_text():
    from support import COURSE_PAGE

    if not COURSE_PAGE.exists():
        pytest.skip("course page not available")
    return COURSE_PAGE.read_text()


def test_front_matter_is_not_a_heading_and_keeps_line_numbers():
    hs = headings("---\ntitle: Proposal\n---\n# Approach\n")
    assert [(h.text, h.line) for h in hs] == [("Approach", 4)]


def test_heading_text_drops_html_and_keeps_code():
    [h] = headings("## <b>Related</b> `Work` <script>x</script>\n")
    assert h.text == "Related Work"


# -- words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one two three", 3),
        ("**bold** _it_ ~~gone~~ words", 4),
        ("see [the paper](https://example.org/a/very/long/url) now", 4),
        ("a bare https://example.org/x/y/z link", 3),
        ("```python\nimport torch\nmodel = big()\n```\nafter", 1),
        ("    indented code block\n\npara", 1),
        ("<div class='x'>\nraw html block\n</div>\n\nreal text", 5),  # GitHub shows them
        ("inline <span>html</span> here", 3),
        ("use `torch.compile` today", 4),
        ("![an image alt text](fig.png) caption", 1),
        ("| a | b |\n|---|---|\n| c d | e |", 5),
        ("---\ntitle: front matter words\n---\nbody", 1),
        ("# Heading\n\n- item one\n- item two", 5),
        ("", 0),
    ],
)
def test_word_count(text, expected):
    assert words(text) == expected, prose(text)


def test_too_few_words():
    d = Deliverable(path="proposal.md", min_words=300)
    [f] = check(GOOD, d)
    assert f.rule == "min_words"
    assert f.message == f"proposal.md has {words(GOOD)} words; at least 300 are expected."


def test_too_many_words_ignores_code_blocks():
    d = Deliverable(path="proposal.md", max_words=100)
    code = "```\n" + "token " * 5000 + "\n```\n"
    assert check(GOOD + code, d) == []
    [f] = check(GOOD + "word " * 200, d)
    assert f.rule == "max_words"
    assert f.message.endswith("; the limit is 100.")
    assert f.found == str(words(GOOD) + 200)


# -- presence and size -----------------------------------------------------------------------


def test_missing_file():
    [f] = evaluate(PROPOSAL, {"README.md": b"# hi"})
    assert f.rule == "missing"
    assert f.message == "proposal.md is not in the repository; add it at exactly that path."


def test_missing_file_points_at_near_misses():
    tree = {"README.md": None, "docs/Proposal.md": None, "proposal.pdf": None}
    [f] = evaluate(PROPOSAL, tree)
    assert f.rule == "missing"
    assert "but docs/Proposal.md, proposal.pdf is" in f.message
    assert f.found == "docs/Proposal.md, proposal.pdf"


def test_any_of_first_present_wins_and_message_lists_alternatives():
    d = Deliverable(any_of=("proposal.md", "docs/proposal.md"), sections=("Approach",))
    files = {"proposal.md": b"# Nothing", "docs/proposal.md": b"# Approach"}
    [f] = evaluate(d, files)
    assert f.path == "proposal.md" and f.expected == "Approach"
    assert evaluate(d, {"docs/proposal.md": b"# Approach"}) == []
    [m] = evaluate(d, {})
    assert m.message == (
        "None of proposal.md, docs/proposal.md is in the repository; add one of them."
    )


@pytest.mark.parametrize("data", [b"", b"   \n\n\t"])
def test_empty(data):
    assert rules(check(data)) == ["empty"]


def test_empty_by_size_when_content_not_fetched():
    assert rules(evaluate(PROPOSAL, {"proposal.md": None}, sizes={"proposal.md": 0})) == ["empty"]


def test_unfetched_content_is_judged_on_size_only():
    d = Deliverable(path="proposal.md", sections=SECTIONS, max_size=1000)
    assert evaluate(d, {"proposal.md": None}, sizes={"proposal.md": 999}) == []
    [f] = evaluate(d, {"proposal.md": None}, sizes={"proposal.md": 2_500_000})
    assert f.rule == "max_size"
    assert f.message == "proposal.md is 2.5 MB; the limit is 1.0 kB."


def test_max_size_shows_bytes_when_rounding_would_hide_the_difference():
    d = Deliverable(path="proposal.md", max_size=1000)
    [f] = evaluate(d, {"proposal.md": b"x" * 1001})
    assert f.message == "proposal.md is 1,001 bytes; the limit is 1,000 bytes."


def test_paths_needed_is_the_chosen_candidate_only():
    d = Deliverable(any_of=("a.md", "b.md"), sections=("X",))
    assert paths_needed(d, ["b.md", "a.md", "c.md"]) == ["a.md"]
    assert paths_needed(d, ["b.md"]) == ["b.md"]
    assert paths_needed(d, ["c.md"]) == []
    # presence-only deliverables of unknown type need no content
    assert paths_needed(Deliverable(path="model.ckpt", max_size=10), ["model.ckpt"]) == []


def test_presence_only_binary_artifact_is_not_called_binary():
    d = Deliverable(path="weights/model.ckpt")
    assert evaluate(d, {"weights/model.ckpt": b"\x00\x01\x02" * 100}) == []


# -- one heading, one section ------------------------------------------------------------------

def test_sections_are_matched_to_distinct_headings_preferring_exact_titles():
    from classroom_ops.rules.markdown import match_sections

    hs = headings("## Related Work and Approach\n\n## Approach\n\n## Related Work\n")
    got = match_sections(hs, ("Approach", "Related Work"))
    assert {s: h.line for s, h in got.items()} == {"Approach": 3, "Related Work": 5}
    hs = headings("## Related Work and Approach\n\n## Approach\n")
    got = match_sections(hs, ("Approach", "Related Work"))
    assert {s: h.line for s, h in got.items()} == {"Approach": 3, "Related Work": 1}


def test_a_bold_label_also_counts_for_one_section_only():
    d = Deliverable(path="proposal.md", sections=("Motivation", "Approach"))
    f = check("**Motivation and Approach**: we do both.\n", d)
    assert [x.message for x in f] == [
        "proposal.md has no heading of its own for 'Approach': 'Motivation and Approach' (line 1) "
        "already counts for 'Motivation'; give each section its own heading ('## Approach')."]
