"""Team registration, pure: the form's body, and state from issues, comments and authors."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from classroom_ops.formation import answer
from classroom_ops.formation.form import body_for, is_registration, parse
from classroom_ops.formation.settings import Settings
from classroom_ops.formation.standing import (
    CONFIRMED,
    PENDING,
    PROBLEM,
    WITHDRAWN,
    Previous,
    command,
    compute,
)
from classroom_ops.ghdata import Comment, Thread

AREAS = ["Training Efficiency", "Quantization", "Inference"]
T0 = datetime(2026, 9, 1, 12, tzinfo=UTC)
CLOSES = datetime(2026, 9, 25, 23, 59, tzinfo=UTC)
ROSTER = ["alice", "bob", "carol", "dave", "erin", "frank", "gina", "hal"]
SETTINGS = Settings(org="dls", hub="course-hub", size=3, areas=tuple(AREAS),
                    staff=("prof-lee", "ta-kim"), roster=tuple(ROSTER), closes=CLOSES)


class Hub:
    """Issues and comments as the adapter returns them."""

    def __init__(self):
        self.threads: dict[int, tuple[Thread, list[Comment]]] = {}
        self.ids = 100

    def register(self, author, name, mates, areas=("Quantization",), other="", at=T0,
                 number=None, state="open"):
        number = number or len(self.threads) + 1
        t = Thread(number, "Register", body_for(name, list(mates), list(areas), AREAS, other),
                   state, author, at)
        self.threads[number] = (t, [])
        return number

    def say(self, number, author, body, at=T0, kind="User"):
        self.ids += 1
        self.threads[number][1].append(Comment(self.ids, author, body, at, kind))
        return self.ids

    def edit(self, number, **kw):
        t, cs = self.threads[number]
        f = parse(t.body)
        body = body_for(kw.get("name", f.team_name), kw.get("mates", list(f.teammates)),
                        kw.get("areas", list(f.areas)), AREAS, f.other)
        self.threads[number] = (Thread(t.number, t.title, body, kw.get("state", t.state),
                                       t.author, t.created_at), cs)

    def compute(self, now=T0 + timedelta(days=1), previous=None, **kw):
        return compute(list(self.threads.values()), SETTINGS, now, previous, **kw)

    def answered_at_closing(self):
        """What the tool's answers said when registration closed (the workflow answers every
        event): after closing, only that is the record."""
        threads = [(t, [c for c in cs if c.created_at <= CLOSES])
                   for t, cs in self.threads.values() if t.created_at <= CLOSES]
        st = compute(threads, SETTINGS, CLOSES)
        return {r.number: answer.previous(Comment(1, "github-actions[bot]",
                                                  answer.render(r, SETTINGS, False), CLOSES,
                                                  "Bot"))
                for r in st.registrations}


def by_number(st, n):
    return next(r for r in st.registrations if r.number == n)


def test_form_body_as_github_renders_it():
    body = ("### Team name\n\nSparse  Squad\n\n### Teammates\n\n@bob, carol\nBob\n\n"
            "### Project areas\n\n- [X] Quantization\n- [ ] Inference\n- [x] Training "
            "Efficiency\n\n### Other interests\n\n_No response_\n")
    f = parse(body)
    assert f.team_name == "Sparse Squad"
    assert f.teammates == ("bob", "carol")  # '@' dropped, duplicate (any case) dropped
    assert f.areas == ("Quantization", "Training Efficiency")
    assert f.other == "" and f.errors == ()
    assert is_registration(body) and not is_registration("Please help with week 3")


def test_form_bounds_and_bad_entries():
    f = parse(body_for("x" * 61, ["log!n", "ok-login"], [], AREAS, "y" * 501))
    assert any("longer than 60" in e for e in f.errors)
    assert any("not a GitHub login" in e for e in f.errors)
    assert any("other interests" in e for e in f.errors)
    assert len(f.other) == 500 and f.teammates == ("ok-login",)


def test_complete_team_confirmed_only_when_every_teammate_confirms():
    hub = Hub()
    n = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    hub.say(n, "bob", "/confirm")
    st = hub.compute()
    r = by_number(st, n)
    assert (r.state, r.waiting) == (PENDING, ["carol"])
    hub.say(n, "carol", "/Confirm  \nthanks!")
    st = hub.compute()
    assert by_number(st, n).state == CONFIRMED
    assert by_number(st, n).members == ["alice", "bob", "carol"]
    assert "alice" not in st.unteamed and "dave" in st.unteamed


def test_confirm_from_someone_not_named_counts_for_nothing():
    hub = Hub()
    n = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    hub.say(n, "dave", "/confirm")
    hub.say(n, "bob", "I /confirm")  # not a command: must start the comment
    assert by_number(hub.compute(), n).waiting == ["bob", "carol"]


def test_labels_are_never_read():
    hub = Hub()
    n = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    t, cs = hub.threads[n]
    hub.threads[n] = (Thread(t.number, t.title, t.body, t.state, t.author, t.created_at,
                             labels=("team: confirmed",)), cs)
    assert by_number(hub.compute(), n).state == PENDING


def test_student_in_two_registrations_belongs_where_they_confirmed():
    hub = Hub()
    a = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    d = hub.register("dave", "Dense Crew", ["bob", "erin"])
    st = hub.compute()
    assert by_number(st, a).state == PENDING  # the earlier one keeps bob until he chooses
    assert by_number(st, d).state == PROBLEM
    assert any("bob is already in team 'Sparse Squad' (#1)" in p
               for p in by_number(st, d).problems)
    hub.say(d, "bob", "/confirm")
    st = hub.compute()
    assert by_number(st, d).state == PENDING and by_number(st, a).state == PROBLEM
    assert "bob" not in st.unteamed


def test_unknown_login_stranger_and_staff():
    hub = Hub()
    n = hub.register("alice", "Sparse Squad", ["bbo", "prof-lee"])
    st = hub.compute(no_such_user={"bbo"})
    probs = by_number(st, n).problems
    assert any("no GitHub user bbo" in p for p in probs)
    assert any("prof-lee is on the course staff" in p for p in probs)
    n2 = hub.register("gina", "KV Cachers", ["zed-stranger", "hal"])
    assert any("zed-stranger is not on the course roster" in p
               for p in by_number(hub.compute(), n2).problems)


def test_someone_who_posts_in_the_hub_is_a_student_even_if_only_invited_by_email():
    hub = Hub()
    n = hub.register("alice", "Sparse Squad", ["bob", "newbie"])
    hub.say(n, "newbie", "/confirm")
    hub.say(n, "bob", "/confirm")
    st = hub.compute()
    assert by_number(st, n).state == CONFIRMED and "newbie" in st.students


def test_size_four_needs_staff_approve_and_a_student_approve_is_ignored():
    hub = Hub()
    n = hub.register("alice", "Big Team", ["bob", "carol", "dave"])
    for who in ("bob", "carol", "dave"):
        hub.say(n, who, "/confirm")
    hub.say(n, "bob", "/approve")
    st = hub.compute()
    assert by_number(st, n).state == PROBLEM
    assert any("teams have 3" in p for p in by_number(st, n).problems)
    hub.say(n, "ta-kim", "/approve")
    r = by_number(hub.compute(), n)
    assert (r.state, r.approved_by) == (CONFIRMED, "ta-kim")


def test_edit_reopens_confirmation():
    hub = Hub()
    n = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    hub.say(n, "bob", "/confirm")
    hub.say(n, "carol", "/confirm")
    first = by_number(hub.compute(), n)
    assert first.state == CONFIRMED
    prev = {n: Previous(first.fingerprint, first.after, first.seen)}
    # an unchanged body keeps the confirmations
    assert by_number(hub.compute(previous=prev), n).state == CONFIRMED
    hub.edit(n, mates=["bob", "dave"])
    dave = hub.say(n, "dave", "/confirm")  # after the edit, before the answer to it: counts
    r = by_number(hub.compute(previous=prev), n)
    assert r.confirmed_at == {"dave": dave} and r.waiting == ["bob"]
    hub.threads[n][1].pop()
    r = by_number(hub.compute(previous=prev), n)
    assert r.state == PENDING and r.waiting == ["bob", "dave"]
    assert r.notes and "confirms again" in r.notes[0]
    prev = {n: Previous(r.fingerprint, r.after, r.seen)}
    hub.say(n, "bob", "/confirm")
    hub.say(n, "dave", "/confirm")
    assert by_number(hub.compute(previous=prev), n).state == CONFIRMED


def test_closing_the_issue_withdraws_and_frees_the_students():
    hub = Hub()
    n = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    hub.edit(n, state="closed")
    st = hub.compute()
    assert by_number(st, n).state == WITHDRAWN
    assert st.teams() == [] and {"alice", "bob", "carol"} <= set(st.unteamed)


def test_slug_collisions_and_reserved_names():
    hub = Hub()
    a = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    d = hub.register("dave", "sparse-squad!", ["erin", "frank"])
    g = hub.register("gina", "Students", ["hal", "erin"])
    st = hub.compute()
    assert by_number(st, a).state == PENDING
    assert any("too close to 'Sparse Squad'" in p for p in by_number(st, d).problems)
    assert any("is taken" in p for p in by_number(st, g).problems)


def test_unknown_area_and_no_area():
    hub = Hub()
    n = hub.register("alice", "A", ["bob", "carol"])
    t, cs = hub.threads[n]
    # a student edits the body by hand and ticks an option the form never offered
    hub.threads[n] = (Thread(n, t.title, t.body.replace("- [X] Quantization",
                                                        "- [X] Astrology"),
                             "open", "alice", T0), cs)
    m = hub.register("dave", "B", ["erin", "frank"], areas=[])
    st = hub.compute()
    assert any("unknown project area: Astrology" in p for p in by_number(st, n).problems)
    assert "choose at least one project area" in by_number(st, m).problems


def test_after_closing_late_confirmations_and_late_registrations_need_approve():
    hub = Hub()
    n = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    hub.say(n, "bob", "/confirm")
    hub.say(n, "carol", "/confirm", at=CLOSES + timedelta(minutes=1))
    late = hub.register("dave", "Late", ["erin", "frank"], at=CLOSES + timedelta(hours=1))
    after = CLOSES + timedelta(days=1)
    st = hub.compute(now=after, previous=hub.answered_at_closing())
    assert st.closed and by_number(st, n).state == PENDING
    assert by_number(st, late).state == PROBLEM
    assert "alice" in st.missing() and "alice" not in st.unteamed
    hub.say(n, "prof-lee", "/approve", at=after)
    assert by_number(hub.compute(now=after, previous=hub.answered_at_closing()), n).state \
        == CONFIRMED


def test_staff_made_team_needs_no_confirmation():
    hub = Hub()
    n = hub.register("prof-lee", "Matched 1", ["gina", "hal", "erin"])
    r = by_number(hub.compute(), n)
    assert (r.state, r.members) == (CONFIRMED, ["gina", "hal", "erin"])


@pytest.mark.parametrize("body,cmd", [("/confirm", "confirm"), ("\n  /APPROVE please", "approve"),
                                      ("/confirmed", None), ("ok /confirm", None), ("", None)])
def test_commands(body, cmd):
    assert command(body) == cmd


def test_answer_is_inert_and_carries_its_marker():
    hub = Hub()
    n = hub.register("alice", "@everyone <b>x</b> [y](http://e.vil) #1", ["bob", "carol"],
                     other="@prof-lee please see https://x.example")
    st = hub.compute()
    text = answer.render(by_number(st, n), SETTINGS, st.closed)
    assert "@everyone" not in text and "<b>" not in text and "](http" not in text
    assert "@prof-lee" not in text and "https://" not in text
    assert "`bob` | waiting" in text
    me = Comment(999, "github-actions[bot]", text, T0, "Bot")
    forged = Comment(5, "bob", text.replace('"seen":0', '"seen":998'), T0)
    assert answer.find_answer([forged, me], SETTINGS, None) is me
    assert answer.previous(me) == Previous(by_number(st, n).fingerprint, 0, 0,
                                           at_close=PENDING)


# -- matching and the judgment -------------------------------------------------------------------
from classroom_ops.formation.judgment import judge  # noqa: E402
from classroom_ops.formation.match import propose, sizes  # noqa: E402


@pytest.mark.parametrize("n,want", [(0, []), (2, [2]), (3, [3]), (4, [4]), (5, [3, 2]),
                                    (6, [3, 3]), (7, [4, 3]), (8, [4, 4]), (11, [4, 4, 3])])
def test_team_sizes_differ_by_one_at_most(n, want):
    assert sizes(n, 3) == want and sum(want) == n


def test_match_groups_shared_interests_deterministically():
    hub = Hub()
    for who, area in [("alice", "Inference"), ("bob", "Quantization"), ("carol", "Inference"),
                      ("dave", "Quantization"), ("erin", "Inference"),
                      ("frank", "Quantization")]:
        hub.register(who, "Anyone", [], areas=[area])
    six = dataclasses.replace(SETTINGS, roster=tuple(ROSTER[:6]))
    st = compute(list(hub.threads.values()), six, T0)
    assert st.unteamed == ["alice", "bob", "carol", "dave", "erin", "frank"]
    got = propose(st, six)
    assert [(p.members, p.areas) for p in got] == [
        (("bob", "dave", "frank"), ("Quantization",)),
        (("alice", "carol", "erin"), ("Inference",))]
    assert got[0].why == "all 3 chose Quantization"
    assert propose(compute(list(hub.threads.values()), six, T0), six) == got  # deterministic


def test_judgment_names_students_in_no_confirmed_team_after_closing_only():
    hub = Hub()
    a = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    hub.say(a, "bob", "/confirm")
    hub.say(a, "carol", "/confirm")
    hub.register("dave", "Dense Crew", ["erin", "frank"])
    assert judge(hub.compute(), "team-formation") == []  # still open
    found = judge(hub.compute(now=CLOSES + timedelta(seconds=1),
                              previous=hub.answered_at_closing()), "team-formation")
    assert [(f.message, f.found) for f in found][:3] == [
        ("dave is in no confirmed team", "named in #2 (pending)"),
        ("erin is in no confirmed team", "named in #2 (pending)"),
        ("frank is in no confirmed team", "named in #2 (pending)")]
    assert {f.message.split()[0] for f in found} == set(ROSTER) - {"alice", "bob", "carol"}
    assert all(f.milestone == "team-formation" and f.rule == "no_team" for f in found)


def test_a_late_registration_takes_nobody_from_a_team():
    hub = Hub()
    a = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    hub.say(a, "bob", "/confirm")
    hub.register("bob", "Late", ["dave", "erin"], at=CLOSES + timedelta(hours=1))
    st = hub.compute(now=CLOSES + timedelta(days=1), previous=hub.answered_at_closing())
    assert by_number(st, a).problems == [] and by_number(st, 2).state == PROBLEM


def test_the_hub_has_a_coloured_label_for_every_state_sync_sets():
    from classroom_ops.formation.hub import LABELS
    from classroom_ops.formation.standing import LOOKING
    from classroom_ops.formation.sync import label_for

    assert {label_for(s) for s in (CONFIRMED, PENDING, PROBLEM, LOOKING)} == set(LABELS)
    assert label_for(WITHDRAWN) is None


def test_the_issue_form_offers_the_course_areas_and_the_parser_reads_its_labels():
    import yaml

    from classroom_ops.formation.form import LABELS as FIELD_LABELS
    from classroom_ops.formation.hub import issue_form

    form = yaml.safe_load(issue_form(("Quant: \"8-bit\"", "Über-Training")))
    fields = {b["id"]: b for b in form["body"] if "id" in b}
    assert {k: v["attributes"]["label"] for k, v in fields.items()} == FIELD_LABELS
    assert [o["label"] for o in fields["interests"]["attributes"]["options"]] == [
        "Quant: \"8-bit\"", "Über-Training"]
    assert "interests" not in {b.get("id") for b in yaml.safe_load(issue_form(()))["body"]}


def test_students_the_course_file_puts_in_a_team_are_not_part_of_formation():
    mixed = dataclasses.replace(SETTINGS, assigned=(("gina", "KV Cachers"), ("hal", "KV Cachers")))
    hub = Hub()
    n = hub.register("alice", "Sparse Squad", ["bob", "gina"])
    st = compute(list(hub.threads.values()), mixed, T0)
    assert "gina is already in team 'KV Cachers' (the course file)" in by_number(st, n).problems
    assert "gina" not in st.students and "hal" not in st.unteamed
    assert Settings.from_json(mixed.to_json(), "f.json").assigned == mixed.assigned


def test_after_closing_the_team_confirmed_then_is_the_record_whatever_students_do():
    hub = Hub()
    a = hub.register("alice", "Sparse Squad", ["bob", "carol"])
    bob = hub.say(a, "bob", "/confirm")
    hub.say(a, "carol", "/confirm")
    w = hub.register("dave", "Ghost", ["erin", "frank"], state="closed")
    hub.say(w, "erin", "/confirm")
    hub.say(w, "frank", "/confirm")
    old = hub.register("gina", "Anyone", [])
    at_closing = hub.answered_at_closing()
    after = CLOSES + timedelta(days=2)
    # after closing: alice withdraws, bob deletes his /confirm, dave reopens his withdrawn
    # registration naming bob, gina turns her "looking" issue into a team taking carol
    hub.edit(a, state="closed", mates=["bob", "hal"])
    hub.threads[a][1][:] = [c for c in hub.threads[a][1] if c.id != bob]
    hub.edit(w, state="open", mates=["bob", "frank"])
    hub.edit(old, mates=["carol", "hal"])
    st = hub.compute(now=after, previous=at_closing)
    r = by_number(st, a)
    assert (r.state, r.members, r.name) == (CONFIRMED, ["alice", "bob", "carol"], "Sparse Squad")
    assert by_number(st, w).state == PROBLEM and by_number(st, old).state == PROBLEM
    assert by_number(st, w).elsewhere == {} and "bob" not in by_number(st, a).elsewhere
    # staff approve the edited registration as it now reads: it replaces the record
    hub.edit(a, state="open")
    hub.say(a, "hal", "/confirm", at=after)
    hub.say(a, "bob", "/confirm", at=after)
    early = hub.say(a, "prof-lee", "/approve", at=after)
    # an approval the tool's answer had not yet read when it saw the edit may have been for
    # the old version: it does not count
    r = by_number(hub.compute(now=after, previous=at_closing), a)
    assert (r.state, r.members) == (CONFIRMED, ["alice", "bob", "carol"])
    shown = answer.previous(Comment(early + 1, "github-actions[bot]",
                                    answer.render(r, SETTINGS, True), after, "Bot"))
    assert shown.record == at_closing[a].record and shown.approve_after == early
    hub.say(a, "prof-lee", "/approve", at=after)  # after the answer showing the edit
    r = by_number(hub.compute(now=after, previous={**at_closing, a: shown}), a)
    assert (r.state, r.members) == (CONFIRMED, ["alice", "bob", "hal"])


def test_the_form_lets_a_student_register_naming_no_teammates():
    """The documented "looking for a team" path: GitHub refuses to submit a form whose required
    field is empty, so `teammates` must not be required."""
    import yaml

    from classroom_ops.formation.hub import issue_form

    form = yaml.safe_load(issue_form(tuple(AREAS)))
    fields = {f.get("id"): f for f in form["body"]}
    assert fields["team_name"]["validations"]["required"] is True
    assert fields["teammates"].get("validations", {}).get("required") is not True
    f = parse(body_for("Solo Sam", [], ["Quantization"], AREAS, ""))
    assert f.teammates == ()
