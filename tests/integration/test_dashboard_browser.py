"""The status dashboard in headless Chromium: the right state in known cells, sorting and
filtering by real clicks and typing, readable without JavaScript, no console errors. Writes the
screenshot the docs show (docs/images/dashboard.png)."""

from __future__ import annotations

import os

import pytest
from browser import Browser, find_chromium

from support import ROOT

from .test_status import build_term

pytestmark = pytest.mark.integration

CHROMIUM = find_chromium()
SCREENSHOT = ROOT / "docs" / "images" / "dashboard.png"

CELLS = """[...document.querySelectorAll('#grid tbody tr')].map(r => [r.dataset.team,
  [...r.querySelectorAll('td.cell')].map(td => [td.dataset.milestone, td.dataset.state,
    td.querySelector('.label').textContent.replace(/\\s+/g, ' ').trim()])])"""
ORDER = "[...document.querySelectorAll('#grid tbody tr')].map(r => r.dataset.team)"
VISIBLE = "[...document.querySelectorAll('#grid tbody tr')].filter(r => !r.hidden)" \
          ".map(r => r.dataset.team)"


def heading(n: int) -> str:
    return f"#grid thead th:nth-child({n})"


@pytest.fixture
def dashboard(course_env, tmp_path):
    """The dashboard of the status test's term, as of 13 Oct, written with relative paths."""
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium)")
    build_term(course_env, tmp_path)
    course_env.monkeypatch.chdir(course_env.dir)
    ledgers = [p if p == "--ledger" else os.path.relpath(p, course_env.dir)
               for p in course_env.ledgers]
    res = course_env.run("status", *ledgers, "--html", "dashboard.html")
    assert res.code == 0, res
    return course_env.dir / "dashboard.html"


def test_dashboard_in_headless_chromium(dashboard, tmp_path):
    with Browser(CHROMIUM, tmp_path / "browser") as page:
        page.open(dashboard.as_uri())
        shot = page.screenshot(tmp_path / "dashboard.png")

        # the grid: a state and a label in every cell, the right ones in known cells
        cells = {team: {m: (state, label) for m, state, label in row}
                 for team, row in page.evaluate(CELLS)}
        assert cells["dense-crew"]["team-formation"] == ("missing", "✗ missing (1 finding)")
        assert cells["dense-crew"]["proposal"] == ("late", "◷ late 1 day 9 h")
        assert cells["kv-cachers"]["proposal"] == ("extension", "+ extension: 0/1 ready")
        assert cells["sparse-squad"]["proposal"] == ("on_time", "✓ on time")
        assert cells["sparse-squad"]["midpoint"] == ("pending", "… pending: 2/2 ready")
        assert len(cells) == 3 and all(len(ms) == 4 for ms in cells.values())
        # colour says it too, and each state has its own
        colours = page.evaluate(
            "Object.fromEntries([...document.querySelectorAll('td.cell')].map(td =>"
            " [td.dataset.state, getComputedStyle(td).backgroundColor]))")
        assert len(set(colours.values())) == len(colours) == 5
        # links: repository, the commit that counts, the issue
        links = page.evaluate(
            "[...document.querySelectorAll('tr[data-team=\"dense-crew\"] a')].map(a => a.href)")
        assert links[0].endswith("/dls/final-dense-crew")
        assert any(h.endswith("/dls/final-dense-crew/issues/1") for h in links)
        assert any("/dls/final-dense-crew/commit/" in h for h in links)
        # the chart: one mark per judged commit that was pushed (kv's extension is still open)
        marks = page.evaluate("[...document.querySelectorAll('svg.chart .dot title')]"
                              ".map(t => t.textContent)")
        assert len(marks) == 5 and sum("dense-crew: late" in t for t in marks) == 1
        # the student's heading stayed text
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        assert "<img src=x" in page.evaluate("document.body.textContent")

        # sorting: by team name, both ways; by a milestone, worst first
        assert page.evaluate(ORDER) == ["sparse-squad", "dense-crew", "kv-cachers"]
        page.click(heading(1) + " button")
        assert page.evaluate(ORDER) == ["dense-crew", "kv-cachers", "sparse-squad"]
        assert page.evaluate(f"document.querySelector('{heading(1)}').ariaSort") == "ascending"
        page.click(heading(1) + " button")
        assert page.evaluate(ORDER) == ["sparse-squad", "kv-cachers", "dense-crew"]
        page.click(heading(3) + " button")  # Project Proposal
        assert page.evaluate(ORDER) == ["dense-crew", "kv-cachers", "sparse-squad"]
        assert page.evaluate(f"document.querySelector('{heading(1)}').ariaSort") == "none"
        page.click(heading(4) + " button")  # Midpoint: least ready first
        assert page.evaluate(ORDER) == ["kv-cachers", "dense-crew", "sparse-squad"]

        # filtering by what is typed into the box
        page.type("#filter", "late")
        assert page.evaluate(VISIBLE) == ["dense-crew"]
        assert page.evaluate("document.getElementById('shown').textContent") == "1 of 3 teams"
        page.type("#filter", "extension")
        assert page.evaluate(VISIBLE) == ["kv-cachers"]
        page.type("#filter", "squad on time")
        assert page.evaluate(VISIBLE) == ["sparse-squad"]
        page.type("#filter", "nobody")
        assert page.evaluate(VISIBLE) == []
        page.evaluate("document.getElementById('filter').select()")
        page.send("Input.dispatchKeyEvent", type="rawKeyDown", key="Backspace",
                  code="Backspace", windowsVirtualKeyCode=8)
        page.send("Input.dispatchKeyEvent", type="keyUp", key="Backspace", code="Backspace",
                  windowsVirtualKeyCode=8)
        assert page.evaluate("document.getElementById('filter').value") == ""
        assert len(page.evaluate(VISIBLE)) == 3

        assert page.errors() == []
        assert not [e for e in page.events if e["method"] == "Page.javascriptDialogOpening"]

    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    # The docs' screenshot is refreshed only when asked: a test run must not change the
    # source tree (CLASSROOM_OPS_UPDATE_SCREENSHOT=1 ./dev test tests/integration/test_dashboard_browser.py).
    if os.environ.get("CLASSROOM_OPS_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(shot)


def test_the_page_is_readable_without_javascript(dashboard, tmp_path):
    with Browser(CHROMIUM, tmp_path / "browser") as page:
        page.scripts(False)
        page.open(dashboard.as_uri())
        # the page's own script did not run: no sort buttons, the filter box stays hidden...
        assert page.evaluate("document.querySelectorAll('#grid thead button').length") == 0
        assert page.evaluate("document.getElementById('controls').hidden") is True
        # ...and every cell still says its state in words, the chart is there
        labels = page.evaluate("[...document.querySelectorAll('td.cell .label')]"
                               ".map(e => e.innerText.trim())")
        assert len(labels) == 12 and "◷ late 1 day 9 h" in labels
        assert page.evaluate("document.querySelectorAll('svg.chart .dot').length") == 5
        assert page.evaluate("getComputedStyle(document.querySelector('td.s-late'))"
                             ".backgroundColor") != "rgba(0, 0, 0, 0)"
        assert page.errors() == []
