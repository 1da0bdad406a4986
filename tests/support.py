"""Paths and small helpers shared by the test suites (importable as `support`)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "deep-learning-at-scale" / "classroom.yml"
SHARED = ROOT.parent / "shared"
# The course's page, final-project-page.md, as a copy in the repository: no test needs ../shared.
COURSE_PAGE = ROOT / "tests" / "data" / "course-page.md"


def settle_scaffold(course_dir: Path, org: str = "dls-fall-2026") -> None:
    """Do what an instructor does after `classroom-ops init --from-syllabus PAGE DIR`: settle
    every TODO `validate` refuses, name the staff, and fill the roster (accents included)."""
    config = course_dir / "classroom.yml"
    text = config.read_text(encoding="utf-8")
    for todo, value in [('"TODO: the term, like fall-2026"', "fall-2026"),
                        ('"TODO: your GitHub organization"', org),
                        ('"TODO: a time zone, like America/New_York"', "America/New_York"),
                        ('"TODO: the Monday of week 1, like 2026-08-31"', "2026-08-31"),
                        ('"TODO: Last day of class"', '"2026-12-11 23:59"'),
                        ('"TODO: course name"', '"Deep Learning at Scale"'),
                        ("  members: []", "  members: [prof-lee, ta-kim]")]:
        assert todo in text, todo
        text = text.replace(todo, value)
    # a meeting's slot (the page's "meet with TA and/or professor"), when there is one
    text = text.replace('"TODO: a slot\'s start, like 2026-10-26 10:00"', '"2026-10-26 10:00"')
    text = text.replace('"TODO: a room or a video link"', '"Room 3.14"')
    config.write_text(text, encoding="utf-8")
    with (course_dir / "roster.csv").open("a", encoding="utf-8") as f:
        f.write("Équipe Été,alice-ng\nÉquipe Été,bruno-diaz\nÉquipe Été,chen-li\n"
                "Sparse Squad,dana-ok\nSparse Squad,eli-ross\nSparse Squad,fay-moss\n")


# -- test doubles of the GitHub adapter: checked against its written contract ------------------
def adapter_methods() -> dict:
    """The adapter's Protocol (classroom_ops.adapter.protocol.GitHubAPI): name -> signature."""
    import inspect

    from classroom_ops.adapter.protocol import GitHubAPI

    return {name: inspect.signature(fn) for name, fn in vars(GitHubAPI).items()
            if inspect.isfunction(fn) and not name.startswith("_")}


def double_differences(double, methods: dict | None = None) -> list[str]:
    """What a class has that the Protocol does not, or has differently: a double may leave
    annotations out, but its methods' names, parameters, kinds and defaults must be the
    adapter's, so a renamed or reshaped adapter call breaks the double's tests too."""
    import inspect

    methods = adapter_methods() if methods is None else methods
    out = []
    for name, fn in inspect.getmembers(double, inspect.isfunction):
        if name.startswith("_"):
            continue
        if name not in methods:
            out.append(f"{name}: not in the Protocol")
            continue
        want = [(p.name, p.kind, p.default) for p in methods[name].parameters.values()]
        have = [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]
        if want != have:
            out.append(f"{name}: {inspect.signature(fn)} is not {methods[name]}")
    return out
