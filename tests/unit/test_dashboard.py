"""The status model and its renderings without a network: a fake GitHub with three reads."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from classroom_ops.checks.judgment import Judgments, load_ledgers
from classroom_ops.checks.ledger import Entry
from classroom_ops.dashboard import build_status, to_json
from classroom_ops.dashboard.html import SPANS, chart, render
from classroom_ops.dashboard.markdown import markdown
from classroom_ops.errors import UsageError
from classroom_ops.ghdata import RepoInfo, TreeEntry
from classroom_ops.model import Course, Deliverable, Milestone, Team
from support import double_differences

DUE = datetime(2026, 10, 9, 23, 59, tzinfo=UTC)
EVIL = "<script>alert(1)</script> @prof-lee"


def course(**kw) -> Course:
    m1 = Milestone("proposal", f"Proposal {EVIL}", DUE, "week 6",
                   (Deliverable(path="proposal.md", min_words=3),))
    m2 = Milestone("final", "Final", DUE + timedelta(days=60), "2026-12-08",
                   (Deliverable(path="a.md"), Deliverable(path="b.md", min_words=2)))
    base = dict(name="C", term="t1", org="o", timezone="UTC", start=DUE.date(), due_time="23:59",
                due_weekday="friday", staff_team="staff", staff_members=(), template="o/tpl",
                repo_name="final-{team}", private=True, permission="push",
                teams=(Team(EVIL, "evil", ("x",)), Team("Good", "good", ("y",))),
                milestones=(m1, m2))
    base.update(kw)
    return Course(**base)


class FakeGitHub:
    def __init__(self, repos=("final-evil", "final-good")):
        self.repos = {n: RepoInfo(n, f"o/{n}", True, False, "main", f"https://gh.test/o/{n}")
                      for n in repos}
        self.calls: list[str] = []
        self.files = {"a.md": b"x", "b.md": b"one"}

    def list_org_repos(self, org):
        self.calls.append("repos")
        return self.repos

    def get_ref(self, full_name, ref):
        self.calls.append(f"ref {full_name}")
        return "c" * 40

    def get_tree(self, full_name, sha):
        self.calls.append(f"tree {full_name}")
        return [TreeEntry(p, "blob", f"sha-{p}", len(d)) for p, d in self.files.items()]

    def get_blob(self, full_name, sha):
        self.calls.append(f"blob {sha}")
        return self.files[sha.removeprefix("sha-")]


def test_the_fake_answers_like_the_adapter():
    """The fake stands in for the adapter: each of its methods is one of the Protocol's
    (classroom_ops.adapter.protocol), with the same parameters."""
    assert double_differences(FakeGitHub) == []


def judged(entries: dict) -> Judgments:
    return Judgments(entries, [], [])


def entry(**kw) -> Entry:
    base = dict(status="on_time", deadline=DUE.isoformat(), judged_at="2026-10-10T12:00:00+00:00",
                commit="a" * 40, pushed_at=(DUE - timedelta(hours=3)).isoformat())
    base.update(kw)
    return Entry(**base)


def test_open_milestones_share_one_tree_per_team_and_fetch_only_what_rules_read():
    gh = FakeGitHub()
    now = DUE - timedelta(days=1)
    st = build_status(gh, course(), judged({}), now)
    assert [c.label for c in st.cells] == ["pending: 0/1 ready", "pending: 1/2 ready"] * 2
    assert gh.calls.count("tree o/final-evil") == 1 and gh.calls.count("tree o/final-good") == 1
    # proposal.md is not there: nothing to read; a.md and b.md are read once for both teams
    # (content-addressed)
    assert sorted(c for c in gh.calls if c.startswith("blob")) == ["blob sha-a.md", "blob sha-b.md"]


def test_hostile_names_are_escaped_in_html_and_inert_in_markdown():
    gh = FakeGitHub()
    entries = {("evil", "proposal"): entry(status="missing", issue=3, findings=[
        {"path": "proposal.md", "rule": "sections", "message": f"found: {EVIL}", "line": None}])}
    st = build_status(gh, course(), judged(entries), DUE + timedelta(days=1))
    html = render(st)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script>") == 1  # the page's own, pinned by hash
    assert "https://gh.test/o/final-evil/issues/3" in html
    md = markdown(st)
    assert "<script" not in md and "@prof-lee" not in md and "@&#8203;prof-lee" in md
    assert "[issue 3](https://gh.test/o/final-evil/issues/3)" in md


def test_a_link_that_is_not_a_web_url_is_dropped():
    gh = FakeGitHub()
    gh.repos["final-good"] = replace(gh.repos["final-good"], html_url="javascript:alert(1)")
    st = build_status(gh, course(), judged({("good", "proposal"): entry()}), DUE + timedelta(days=1))
    assert "javascript:" not in render(st)
    assert "javascript:" not in markdown(st).replace("`", "")


def test_a_missing_repository_is_a_warning_not_a_crash():
    gh = FakeGitHub(repos=("final-good",))
    st = build_status(gh, course(), judged({}), DUE - timedelta(days=1))
    assert st.teams[0].cells[0].label == "pending: no repository"
    assert any("o/final-evil not found" in w for w in st.warnings)
    assert "tree o/final-evil" not in gh.calls


def test_shard_ledgers_merge_and_disagreements_keep_the_later_check(tmp_path):
    c = course()
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({"org": "o", "teams": {
        "evil": {"proposal": vars(entry(status="missing"))},
        "good": {"proposal": vars(entry())}}}))
    late = entry(status="late", late_commit="f" * 40, late_by_seconds=7200,
                 late_pushed_at=(DUE + timedelta(hours=2)).isoformat(),
                 head_checked=(DUE + timedelta(hours=2)).isoformat())
    b.write_text(json.dumps({"org": "o", "teams": {"evil": {"proposal": vars(late)}}}))
    for order in ([a, b], [b, a]):
        found = load_ledgers(order, c, required=True)
        merged, warnings = found.entries, found.warnings
        assert merged[("evil", "proposal")].status == "late"
        assert merged[("good", "proposal")].status == "on_time"
        assert warnings == ["evil proposal: the ledgers disagree; showing the judgment checked "
                            "last"]
    with pytest.raises(UsageError, match="no such ledger"):
        load_ledgers([tmp_path / "none.json"], c, required=True)
    assert load_ledgers([tmp_path / "none.json"], c, required=False).entries == {}


def test_chart_marks_push_times_and_clips_far_ones_to_the_edge():
    gh = FakeGitHub()
    far = entry(status="late", late_commit="f" * 40, late_by_seconds=40 * 86400,
                late_pushed_at=(DUE + timedelta(days=40)).isoformat())
    both = judged({("evil", "proposal"): far, ("good", "proposal"): entry()})
    st = build_status(gh, course(), both, DUE + timedelta(days=41))
    ch = chart(st)
    [row] = ch["rows"]
    dots = {d.state: d for d in row["dots"]}
    assert ch["span"] == f"{SPANS[-1] // 24:g} d"
    assert dots["late"].clipped and dots["late"].x == pytest.approx(ch["right"])
    assert not dots["on_time"].clipped and dots["on_time"].x < ch["zero"]
    assert "pushed" in dots["on_time"].title and "3 h before the due time" in dots["on_time"].title
    data = to_json(st)
    cell = next(x for x in data["cells"] if x["team"] == "good" and x["milestone"] == "proposal")
    assert cell["offset_hours"] == -3.0
    assert chart(build_status(gh, course(), judged({}), DUE - timedelta(days=1))) is None


def test_a_judgment_against_an_earlier_deadline_is_stale_after_an_extension():
    """Judged missing at the original deadline, then the team got an extension: the check judges
    again against the new deadline, so the old judgment must not show."""
    from classroom_ops.model import Extension

    c = course(extensions=(Extension("evil", "proposal", DUE + timedelta(days=3)),))
    stale = entry(status="missing", issue=4, issue_state="open", findings=[
        {"path": "proposal.md", "rule": "exists", "message": "proposal.md is missing",
         "line": None}])
    assert stale.deadline != c.deadline_for(c.teams[0], c.milestones[0]).isoformat()
    gh = FakeGitHub()
    gh.files["proposal.md"] = b"three words here"
    # the new deadline is ahead: an extension, with what is in place now
    st = build_status(gh, c, judged({("evil", "proposal"): stale}), DUE + timedelta(days=1))
    cell = st.cells[0]
    assert (cell.state, cell.label, cell.extended) == ("extension", "extension: 1/1 ready", True)
    assert cell.issue is None and cell.issue_url == "" and cell.findings == []
    assert cell.commit == "c" * 40  # the branch head, not the commit judged at the old deadline
    # the new deadline has passed too, and no check has judged against it yet
    st = build_status(gh, c, judged({("evil", "proposal"): stale}), DUE + timedelta(days=4))
    cell = st.cells[0]
    assert (cell.state, cell.label) == ("not_checked", "not checked yet")
    assert "classroom-ops check" in cell.note
    # a judgment against the current deadline still counts
    fresh = replace(stale, deadline=(DUE + timedelta(days=3)).isoformat())
    st = build_status(gh, c, judged({("evil", "proposal"): fresh}), DUE + timedelta(days=4))
    assert (st.cells[0].state, st.cells[0].issue) == ("missing", 4)



def test_merging_ledgers_prefers_the_judgment_against_the_current_deadline(tmp_path):
    """A stale late judgment (old deadline) must not hide a fresh missing one from another
    ledger, though late went further than missing."""
    from classroom_ops.model import Extension

    new = DUE + timedelta(days=3)
    c = course(extensions=(Extension("evil", "proposal", new),))
    stale = entry(status="late", late_commit="f" * 40, late_by_seconds=7200,
                  late_pushed_at=(DUE + timedelta(hours=2)).isoformat())
    fresh = entry(status="missing", deadline=new.isoformat(), judged_at=new.isoformat())
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({"org": "o", "teams": {"evil": {"proposal": vars(stale)}}}))
    b.write_text(json.dumps({"org": "o", "teams": {"evil": {"proposal": vars(fresh)}}}))
    for order in ([a, b], [b, a]):
        merged = load_ledgers(order, c, required=True).entries
        assert merged[("evil", "proposal")] == fresh

def test_a_repository_missing_after_the_deadline_is_an_error_not_unchecked():
    gh = FakeGitHub(repos=("final-good",))
    st = build_status(gh, course(), judged({}), DUE + timedelta(days=1))
    evil = st.teams[0].cells
    assert evil[0].state == "error"
    assert evil[0].note == "repository not found; run classroom-ops provision"
    assert "check" not in evil[0].note
    assert evil[1].state == "pending" and evil[1].label == "pending: no repository"
    # a judgment in the ledger still counts, and the team that has a repository is unaffected
    st = build_status(gh, course(), judged({("evil", "proposal"): entry()}), DUE + timedelta(days=1))
    assert st.teams[0].cells[0].state == "on_time"
    assert st.teams[1].cells[0].state == "not_checked"


# -- what the newer features produce: excused, meetings, team formation -------------------------
def test_an_excused_cell_has_its_own_label_colour_and_symbol_readable_without_colour():
    st = build_status(FakeGitHub(), course(), judged({("evil", "proposal"): entry(
        status="excused", commit=None, pushed_at=None,
        note="the repository did not exist at the deadline")}), DUE + timedelta(days=1))
    cell = st.cells[0]
    assert (cell.state, cell.label, cell.note) == (
        "excused", "excused", "the repository did not exist at the deadline")
    html = render(st)
    assert '<td class="cell s-excused" data-state="excused"' in html
    assert ".s-excused {" in html and "--excused:" in html  # a colour of its own
    assert '<span class="sym" aria-hidden="true">–</span> excused</span>' in html  # and words
    assert "| ➖ excused |" in markdown(st)


def meeting_course(**kw) -> Course:
    from classroom_ops.model import Slot

    talk = Milestone("talk", "Talk", DUE, "week 6", kind="meeting", slots=(
        Slot(DUE - timedelta(days=2), timedelta(minutes=20)),
        Slot(DUE - timedelta(days=1), timedelta(minutes=20))))
    return course(milestones=(talk,), **kw)


def test_a_meeting_shows_its_booked_slot_or_sign_off_not_file_rules():
    booked = {"kind": "meeting_command", "comment": 7, "team": "good", "milestone": "talk",
              "author": "y", "at": (DUE - timedelta(days=5)).isoformat(), "verb": "book",
              "result": "booked", "slot": 2, "previous": None, "note": ""}
    gh = FakeGitHub()
    st = build_status(gh, meeting_course(), Judgments({}, [], [], [booked]),
                      DUE - timedelta(days=3))
    assert [(c.team, c.state, c.label) for c in st.cells] == [
        ("evil", "pending", "no slot booked"),
        ("good", "pending", "slot booked: Thu 8 Oct 23:59 UTC")]
    assert gh.calls == ["repos"]  # no tree, no blob: a meeting has no files to judge
    signed = entry(judged_at=(DUE - timedelta(days=1)).isoformat())
    late = entry(status="late", late_by_seconds=3600, late_commit=None)
    st = build_status(gh, meeting_course(), Judgments(
        {("good", "talk"): signed, ("evil", "talk"): late}, [], [], [booked]),
        DUE + timedelta(days=1))
    assert [(c.state, c.label) for c in st.cells] == [
        ("late", "signed off, late 1 h"), ("on_time", "signed off")]


def test_an_unsigned_meeting_after_its_deadline_says_which_command_records_it():
    st = build_status(FakeGitHub(), meeting_course(), judged({}), DUE + timedelta(days=1))
    assert [(c.state, c.label) for c in st.cells] == [("not_checked", "no slot booked")] * 2
    assert "meetings sync" in st.cells[0].note


def test_team_formation_is_judged_per_student_not_per_team(monkeypatch):
    from classroom_ops.formation import provisioning
    from classroom_ops.model import Finding, Formation

    form = Milestone("teams", "Teams", DUE - timedelta(days=30), "week 2")
    c = course(milestones=(form, *course().milestones),
               formation=Formation("o/hub", 3, (), DUE - timedelta(days=30), "week 2", "teams"))
    finding = Finding("", "team", "zoe is in no confirmed team", "no registration",
                      "a confirmed team", None, "teams")
    monkeypatch.setattr(provisioning, "formation_findings", lambda gh, course, now: [finding])
    st = build_status(FakeGitHub(), c, judged({}), DUE - timedelta(days=1))
    assert [m.id for m in st.milestones] == ["proposal", "final"]  # no per-team column
    assert (st.formation, st.no_team) == ("teams", [finding])
    assert to_json(st)["formation"] == {"milestone": "teams", "missing": [
        {"student": "zoe", "found": "no registration"}]}
    md = markdown(st)
    assert "### teams: 1 student in no confirmed team\n\n- zoe is in no confirmed team " \
           "(no registration)\n" in md
    assert "zoe is in no confirmed team" in render(st)


def test_check_and_status_render_through_the_same_model():
    """`check`'s cells become a Status (from_cells): the same labels, table and Markdown."""
    from classroom_ops.checks.org import Cell
    from classroom_ops.dashboard.markdown import table
    from classroom_ops.dashboard.model import from_cells

    c = course()
    cells = [Cell("evil", "proposal", "missing", DUE, findings=[
                 {"path": "proposal.md", "rule": "exists", "message": "proposal.md is missing",
                  "line": None}], issue=5, repo_url="https://gh.test/o/final-evil"),
             Cell("good", "proposal", "late", DUE, commit="b" * 40, late_by_seconds=93600,
                  repo_url="https://gh.test/o/final-good", error="the tag could not be written")]
    st = from_cells(c, [c.milestones[0]], cells, DUE + timedelta(days=2), ["w1"], ["n1"])
    assert table(st) == ["team  proposal",
                         "evil  missing (1 finding)",
                         "good  late 1 day 2 h"]
    md = markdown(st)
    assert md.startswith("## C (t1): deadline check\n")
    assert "| ❌ missing (1 finding) [issue 5](https://gh.test/o/final-evil/issues/5) |" in md
    assert "[bbbbbbb](https://gh.test/o/final-good/commit/" + "b" * 40 + ")" in md
    assert md.endswith("- error: good / proposal: the tag could not be written\n- note: n1\n"
                       "- warning: w1\n")
