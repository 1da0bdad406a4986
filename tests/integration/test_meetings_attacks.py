"""Meetings attacked by a student: a booking issue of her own, opened (with the tool's pasted
marker and label) a week before booking opens, and a command on it before the opening."""

from __future__ import annotations

import pytest

from integration.test_meetings import MIDPOINT, answers, at, booking, states, sync

pytestmark = pytest.mark.integration

MARKER = "<!-- classroom-ops:booking milestone=midpoint digest=0 -->"


@pytest.fixture
def course(semester):
    text = semester.config.read_text()
    semester.config.write_text(text.replace("  - id: final-report\n",
                                            MIDPOINT + "  - id: final-report\n"))
    return semester


def prebook(env, opener: str):
    """`opener` opens a marked booking issue in sparse-squad's repository a week before
    booking opens, and alice asks for slot 2 on it at once."""
    env.sandbox.set_clock(at("2026-10-05T12:00:00-04:00"))
    env.sandbox.accept_invitations("alice")
    repo = env.gh(opener).get_repo("dls/final-sparse-squad")
    early = repo.create_issue(title="Book your Midpoint Check-in", body=MARKER + "\nours",
                              labels=["booking"])
    env.gh("alice").get_repo("dls/final-sparse-squad").get_issue(early.number) \
        .create_comment("/book 2")
    return early


def open_and_race(env):
    """Booking opens; dense-crew asks for slot 2 a minute later on the tool's issue."""
    sb = env.sandbox
    sb.set_clock(at("2026-10-12T09:00:00-04:00"))
    assert sync(env).code == 0
    sb.set_clock(at("2026-10-12T09:01:00-04:00"))
    sb.accept_invitations("dave")
    booking(env, "dense-crew", "dave").create_comment("/book 2")
    sb.set_clock(at("2026-10-12T09:02:00-04:00"))
    res = sync(env)
    assert res.code == 0, res


def test_a_students_prebooking_issue_is_not_adopted(course):
    env = course
    fake = prebook(env, "alice")
    open_and_race(env)
    repo = env.gh("prof-lee").get_repo("dls/final-sparse-squad")
    ours = [i for i in repo.get_issues(state="all")
            if "booking" in [lb.name for lb in i.labels] and i.user.login == "prof-lee"]
    assert len(ours) == 1 and ours[0].number != fake.number
    assert states(env)["sparse-squad"]["issue"] == ours[0].number
    assert states(env)["sparse-squad"]["slot"] is None
    assert answers(repo.get_issue(fake.number)) == []  # her issue is not read at all
    assert answers(booking(env, "dense-crew")) == [
        "Booked: slot 2, Mon 26 Oct 10:30 EDT, 30 min, <https://meet.example/dls>, with "
        "prof-lee."]
    assert states(env)["dense-crew"]["slot"] == 2


def test_a_command_written_before_booking_opened_does_not_count(course):
    """Even on an issue the tool's own login opened early, the pre-opening /book is ignored."""
    env = course
    early = prebook(env, "prof-lee")
    open_and_race(env)
    assert states(env)["sparse-squad"]["issue"] == early.number  # proven ours: adopted
    assert states(env)["sparse-squad"]["slot"] is None
    assert answers(booking(env, "sparse-squad")) == []
    assert states(env)["dense-crew"]["slot"] == 2
