"""The published outputs, built from every term in the archive, grouped by area then term.

- `past-projects.md`: a Jekyll page (`layout: default`, `title: Past Project Examples`) for a
  course site like the course's own; student text is made inert Markdown and cannot reach
  Liquid either (`{` and `}` become entities).
- `index.html`: one self-contained page (inline CSS and JS only, a Content-Security-Policy that
  allows exactly those two by hash), a card per project, filters by area and term.
- `files/<term>/<team>/<report>.pdf`: the reports the two pages link to by relative path.

With `public`, only projects whose team set `share_report: true`, and member names only with
`share_names: true`; without `share_names`, the team's folder (its slug is its name) becomes
`files/<term>/p.<sha256(term/slug)[:12]>/report.pdf`: the dot is a character no team slug has,
so an opaque folder can never be a team's folder. A project is listed only when its project.yml
is valid and its PDF was collected (and is still in the archive).

Without `public` the gallery is the *internal* one (every listed project, with names, also of
teams that did not agree to share): its pages say "internal, not for publication" at the top and
in their file names, so it cannot be mistaken for the public one or published by copying the
folder. Every order (areas, terms, projects) is total: nothing depends on Python's hash seed,
so the same archive always gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from importlib.resources import files as package_files
from pathlib import PurePosixPath
from urllib.parse import quote

from jinja2 import Environment
from markupsafe import Markup

from ..rules.text import neutralize

TITLE = "Past Project Examples"
INTERNAL_TITLE = f"{TITLE} (internal, not for publication)"
INTERNAL_NOTE = ("Internal, not for publication: every listed project with team and member "
                 "names, including teams that did not agree to share their report. Publish "
                 "the public gallery instead (collect --public).")
PUBLIC_PAGES = ("past-projects.md", "index.html")
INTERNAL_PAGES = ("past-projects.internal-not-for-publication.md",
                  "index.internal-not-for-publication.html")


def page_names(public: bool) -> tuple[str, str]:
    """(Markdown page, HTML page) file names of the gallery."""
    return PUBLIC_PAGES if public else INTERNAL_PAGES
INTRO = "Final reports from previous offerings of the course, grouped by project area and term."

CSS = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:72rem;padding:1rem 1.5rem;color:#1f2328;background:#fff}
h1{margin-bottom:.25rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.25rem;margin-top:2rem}
.filters{display:flex;gap:1.5rem;flex-wrap:wrap;align-items:center;margin:1rem 0}
select{font:inherit;padding:.2rem .4rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));gap:1rem}
.card{border:1px solid #d0d7de;border-radius:8px;padding:1rem;overflow-wrap:anywhere}
.card h4{margin:0 0 .25rem;font-size:1.1rem}.meta,.members{color:#59636e;font-size:.9rem;margin:.25rem 0}
.abstract{white-space:pre-line}[hidden]{display:none!important}
.internal{background:#fff8c5;border:2px solid #9a6700;padding:.5rem 1rem;border-radius:6px}
"""

JS = """
(function () {
  "use strict";
  var area = document.getElementById("area-filter");
  var term = document.getElementById("term-filter");
  var shown = document.getElementById("shown");
  function apply() {
    var a = area.value, t = term.value, n = 0;
    document.querySelectorAll(".card").forEach(function (c) {
      var show = (!a || c.dataset.area === a) && (!t || c.dataset.term === t);
      c.hidden = !show;
      if (show) { n += 1; }
    });
    document.querySelectorAll("section.term, section.area").forEach(function (s) {
      s.hidden = !s.querySelector(".card:not([hidden])");
    });
    shown.textContent = n + (n === 1 ? " project" : " projects");
  }
  area.addEventListener("change", apply);
  term.addEventListener("change", apply);
  document.getElementById("filters").addEventListener("submit", function (e) {
    e.preventDefault();
  });
  apply();
})();
"""


@dataclass
class Card:
    title: str
    area: str
    term: str
    abstract: str
    team: str
    members: list[str]
    href: str  # relative, percent-encoded
    pdf_source: str  # archive-relative path of the collected PDF
    order: tuple
    dest: str = ""  # gallery-relative path of the PDF's copy (not percent-encoded)


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def cards(indexes: list[dict], public: bool) -> list[Card]:
    """The listed projects of every term (`indexes` as the terms' index.json hold them)."""
    out = []
    for idx in indexes:
        term = idx["term"]
        for r in idx["teams"]:
            if not r.get("listed") or (public and not r.get("share_report")):
                continue
            show_names = not public or r.get("share_names")
            pdf = r["report"]
            if show_names:
                folder, name = r["slug"], PurePosixPath(pdf).name
            else:  # the slug is the team's name, and students name their files
                folder, name = opaque_folder(term, r["slug"]), "report.pdf"
            dest = "/".join(("files", term, folder, name))
            out.append(Card(
                title=r["title"], area=r["area"], term=term, abstract=r["abstract"],
                team=r["team"] if show_names else "",
                members=list(r["members"]) if show_names else [],
                href="/".join(quote(x, safe="") for x in dest.split("/")),
                pdf_source=f"{term}/{r['slug']}/{pdf}",
                order=(idx.get("start") or "", r["title"].casefold(), r["slug"]), dest=dest))
    return out


def opaque_folder(term: str, slug: str) -> str:
    """A folder name for a team whose names are not shown: stable from run to run, and not
    the team's name."""
    return "p." + hashlib.sha256(f"{term}/{slug}".encode()).hexdigest()[:12]


def grouped(items: list[Card], area_order: list[str]) -> list[tuple[str, list[tuple[str, list]]]]:
    """[(area, [(term, cards)])]: areas in the course's order (others after, by name), terms
    newest first, projects by title."""
    rank = {a: i for i, a in enumerate(area_order)}
    areas = sorted({c.area for c in items},
                   key=lambda a: (rank.get(a, len(rank)), a.casefold(), a))
    result = []
    for a in areas:
        in_area = [c for c in items if c.area == a]
        starts = {c.term: c.order[0] for c in in_area}
        terms = sorted(starts, key=lambda t: (starts[t], t), reverse=True)
        result.append((a, [(t, sorted((c for c in in_area if c.term == t),
                                      key=lambda c: c.order[1:])) for t in terms]))
    return result


def _md(text: str, limit: int) -> str:
    """Inert Markdown on one line that Liquid leaves alone too."""
    return neutralize(text, limit=limit).replace("{", "&#123;").replace("}", "&#125;")


def markdown_page(items: list[Card], area_order: list[str], public: bool = True) -> str:
    lines = ["---", "layout: default", f"title: {TITLE if public else INTERNAL_TITLE}", "---", "",
             "<!-- Generated by classroom-ops collect: edits here are overwritten. -->", ""]
    if not public:
        lines += [f"> **{INTERNAL_NOTE}**", ""]
    lines += [INTRO, ""]
    groups = grouped(items, area_order)
    if not groups:
        lines += ["*No projects yet.*", ""]
    for area, terms in groups:
        lines += [f"## {_md(area, 200)}", ""]
        for term, cs in terms:
            lines += [f"### {_md(term, 100)}", ""]
            for c in cs:
                lines += [f"#### [{_md(c.title, 300)}]({c.href})", ""]
                who = ""
                if c.team:
                    who = _md(c.team, 200)
                    if c.members:
                        who += " (" + ", ".join(_md(m, 60) for m in c.members) + ")"
                    who = f" · {who}"
                lines += [f"*{_md(c.area, 200)} · {_md(c.term, 100)}{who}*", "",
                          _md(c.abstract, 4000), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


_ENV = Environment(autoescape=True, keep_trailing_newline=True)


def html_page(items: list[Card], area_order: list[str], public: bool = True) -> str:
    source = package_files("classroom_ops.archive").joinpath("gallery.html.j2").read_text("utf-8")
    groups = grouped(items, area_order)
    return _ENV.from_string(source).render(
        title=TITLE if public else INTERNAL_TITLE, intro=INTRO, groups=groups, count=len(items),
        internal_note=None if public else INTERNAL_NOTE,
        areas=[a for a, _ in groups],
        terms=sorted({c.term for c in items}, key=lambda t: (max(
            c.order[0] for c in items if c.term == t), t), reverse=True),
        css=Markup(CSS), js=Markup(JS), css_hash=_csp_hash(CSS), js_hash=_csp_hash(JS))


def build(indexes: list[dict], public: bool, area_order: list[str],
          read) -> dict[str, bytes]:
    """Every file of the gallery folder: relative path -> bytes. `read(archive_rel)` gives a
    collected file's bytes."""
    items, pdfs = [], {}
    for c in cards(indexes, public):
        try:
            pdfs[c.dest] = read(c.pdf_source)
        except (OSError, ValueError):  # gone from the archive (or unsafe): not listed
            continue
        items.append(c)
    md_name, html_name = page_names(public)
    return {md_name: markdown_page(items, area_order, public).encode(),
            html_name: html_page(items, area_order, public).encode(), **pdfs}
