"""What the demo's students write: real Markdown and real PDFs, good or flawed on purpose."""

from __future__ import annotations

import yaml

from ..model import Milestone, Team
from ..pdfgen import filler, make_pdf, sample_report

SENTENCE = ("We measure how sharded optimizer states, activation checkpointing and pipeline "
            "schedules change throughput and memory when a transformer grows past one device.")


def _para(n: int) -> str:
    return " ".join([SENTENCE] * n)


def markdown_doc(title: str, sections: list[str], sentences_each: int) -> str:
    return f"# {title}\n\n" + "\n\n".join(
        f"## {s}\n\n{_para(sentences_each)}" for s in sections) + "\n"


def good_files(m: Milestone, team: Team, areas: list[str], share: bool) -> dict[str, bytes]:
    """Files that pass every rule of milestone `m` as the example course states them."""
    files: dict[str, bytes] = {}
    for d in m.deliverables:
        path = d.paths[0]
        if path.endswith(".pdf"):
            if d.max_pages:
                body = min(d.max_pages, 8)
                secs = tuple(d.sections) or ("Abstract", "Introduction")
                files[path] = sample_report(body_pages=body, reference_pages=1, sections=secs,
                                            title=f"{team.name}: {m.title}")
            else:
                files[path] = make_pdf([[f"{team.name}", m.title] + filler(40, seed=i)
                                        for i in range(6)], title=m.title)
        else:
            secs = list(d.sections) or ["Overview"]
            per_section = max(2, ((d.min_words or 60) // max(len(secs), 1)) // 20 + 1)
            if d.max_words:
                per_section = min(per_section, max(1, d.max_words // (len(secs) * 22)))
            files[path] = markdown_doc(f"{team.name}: {m.title}", secs, per_section).encode()
    if m.id == "final-report":
        files["project.yml"] = project_yml(team, areas, share).encode()
    return files


def flawed_files(m: Milestone, team: Team, areas: list[str]) -> dict[str, bytes]:
    """Files that miss something: a section left out, or a PDF that is not readable."""
    files = good_files(m, team, areas, share=False)
    for d in m.deliverables:
        path = d.paths[0]
        if path.endswith(".pdf"):
            files[path] = b"%PDF-1.4\n% truncated by a bad LaTeX run\n1 0 obj <<"
        elif d.sections:
            secs = list(d.sections)[:-1]
            files[path] = markdown_doc(f"{team.name}: {m.title}", secs, 5).encode()
    return files


def project_yml(team: Team, areas: list[str], share: bool) -> str:
    area = areas[sum(map(ord, team.slug)) % len(areas)] if areas else ""
    return yaml.safe_dump({
        "title": f"{team.name}: scaling laws for {area.lower() or 'training'} on one node",
        "area": area,
        "abstract": f"{team.name} studies {area.lower() or 'training'} at small scale. "
                    + SENTENCE,
        "share_report": share,
        "share_names": share,
    }, sort_keys=False)
