"""A team repository as provisioning writes it, from the real template and the example course.

`render(dest)` writes the starter repository of one team of the example course, as shipped;
`fill(dest)` then adds good content for every milestone, the way a diligent team would.
Run as a script for CI: `python tests/action/teamrepo.py DEST [--filled]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "repo"
EXAMPLE = ROOT / "examples" / "deep-learning-at-scale" / "classroom.yml"
TEAM = "sparse-squad"


def rendered_files(team: str = TEAM) -> dict[str, bytes]:
    from classroom_ops.config import load_course
    from classroom_ops.provision.render import read_template_dir, render_team_files

    course = load_course(EXAMPLE)
    return render_team_files(read_template_dir(TEMPLATE), course, course.team(team))


def render(dest: Path, team: str = TEAM) -> Path:
    for rel, data in rendered_files(team).items():
        p = dest / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return dest


def _paragraph(topic: str, n: int) -> str:
    """About `n` words of plain prose on `topic`."""
    base = (f"Our work on {topic} asks how sharded data parallel training behaves when the "
            "number of accelerators grows while the global batch stays fixed, and we measure "
            "throughput, memory and final loss against a carefully tuned single node baseline. ")
    words = base.split()
    out = [words[i % len(words)] for i in range(n)]
    return " ".join(out) + "."


def _sections(titles: list[str], words_each: int) -> str:
    return "".join(f"## {t}\n\n{_paragraph(t.lower(), words_each)}\n\n" for t in titles)


def fill(dest: Path) -> Path:
    from classroom_ops.pdfgen import make_pdf, sample_report

    (dest / "TEAM.md").write_text(
        "# Team Sparse Squad\n\n## Members\n\n"
        "| GitHub | Name | Background |\n|---|---|---|\n"
        "| alice-ng | Alice Ng | systems, CUDA kernels |\n"
        "| bo-chen | Bo Chen | optimization theory |\n"
        "| carol-diaz | Carol Diaz | large-scale data pipelines |\n\n"
        "## Interests\n\n" + _paragraph("memory optimization", 60) + "\n"
    )
    (dest / "proposal.md").write_text(
        "# Project Proposal: Sharding Optimizer States\n\n" + _sections(
            ["1. Problem Statement", "2. Motivation", "3. Related Work", "4. Approach",
             "5. Evaluation", "6. Resources"], 60)
    )
    (dest / "midpoint.md").write_text(
        "# Midpoint Check-in\n\n" + _sections(["Progress", "Challenges", "Next Steps"], 70)
    )
    (dest / "report").mkdir(exist_ok=True)
    (dest / "report" / "draft.pdf").write_bytes(
        sample_report(body_pages=6, sections=("Abstract", "Introduction", "Methods")))
    (dest / "report" / "final.pdf").write_bytes(sample_report(body_pages=8))
    (dest / "slides").mkdir(exist_ok=True)
    (dest / "slides" / "presentation.pdf").write_bytes(
        make_pdf([["Sharding Optimizer States"], ["Results"], ["Questions"]]))
    readme = (dest / "README.md").read_text()
    (dest / "README.md").write_text(
        readme + "\n" + _sections(["Summary", "Reproducing the Results"], 120))
    return dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dest", type=Path)
    ap.add_argument("--team", default=TEAM)
    ap.add_argument("--filled", action="store_true", help="add good content for every milestone")
    ns = ap.parse_args(argv)
    render(ns.dest, ns.team)
    if ns.filled:
        fill(ns.dest)
    print(f"rendered {ns.team}'s repository into {ns.dest}" + (" (filled)" if ns.filled else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
