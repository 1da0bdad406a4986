"""The status as one self-contained HTML page: a teams x milestones grid, per-milestone counts and
an inline SVG chart of push times around each deadline. No external assets: the style and the
small script are inlined and pinned by a Content-Security-Policy hash, so the page loads nothing
and runs nothing else. Everything people wrote is escaped by Jinja2's autoescape.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import timedelta

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..checks.issue_text import human_delta
from .model import LABELS, STATES, Status, StatusCell
from .people import by_team

SYMBOLS = {"excused": "–", "on_time": "✓", "late": "◷", "missing": "✗", "extension": "+", "pending": "…",
           "not_checked": "?", "error": "!"}
CHARTED = ("on_time", "late", "missing")
SPANS = (12, 24, 48, 72, 168, 336)  # hours either side of the deadline the chart can show

# Chart geometry, in SVG user units.
WIDTH, LEFT, RIGHT, TOP, ROW, BOTTOM = 760, 180, 24, 34, 36, 12


@dataclass
class Dot:
    x: float
    y: float
    state: str
    title: str
    clipped: bool

    @property
    def diamond(self) -> str:
        x, y, r = self.x, self.y, 6.5
        return f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"


def _env() -> Environment:
    return Environment(loader=PackageLoader("classroom_ops", "dashboard"), autoescape=True,
                       undefined=StrictUndefined, keep_trailing_newline=True)


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def safe_url(url: str) -> str:
    """Only web links become hrefs (the URLs come from GitHub, but the page trusts no one)."""
    return url if url.startswith(("https://", "http://")) else ""


def _span_text(hours: float) -> str:
    if hours == 0:
        return "deadline"
    sign = "+" if hours > 0 else "−"
    h = abs(hours)
    return f"{sign}{h / 24:g} d" if h >= 48 else f"{sign}{h:g} h"


def chart(status: Status) -> dict | None:
    """Where each judged commit was pushed relative to the team's due time, per milestone."""
    rows = []
    for col in status.milestones:
        cells = [c for c in status.cells if c.milestone == col.id and c.state in CHARTED
                 and c.pushed_at is not None]
        if cells:
            rows.append((col, cells))
    if not rows:
        return None
    worst = max(abs(c.offset_hours) for _, cells in rows for c in cells)
    span = next((s for s in SPANS if s >= worst), SPANS[-1])
    plot = WIDTH - LEFT - RIGHT

    def x_of(hours: float) -> float:
        h = max(-span, min(span, hours))
        return LEFT + (h + span) / (2 * span) * plot

    out_rows = []
    for i, (col, cells) in enumerate(rows):
        y0 = TOP + ROW * i + ROW / 2
        dots: list[Dot] = []
        for c in sorted(cells, key=lambda c: c.offset_hours):
            x = x_of(c.offset_hours)
            near = sum(1 for d in dots if abs(d.x - x) < 9)  # fan out dots that would overlap
            y = y0 + (0 if near == 0 else (-1) ** near * 7 * ((near + 1) // 2))
            dots.append(Dot(x, y, c.state, _dot_title(status, c), abs(c.offset_hours) > span))
        out_rows.append({"title": col.title, "y": y0, "dots": dots})
    ticks = [{"x": x_of(h), "text": _span_text(h)} for h in (-span, -span / 2, 0, span / 2, span)]
    height = TOP + ROW * len(rows) + BOTTOM
    return {"width": WIDTH, "height": height, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
            "bottom": height - BOTTOM, "zero": x_of(0), "ticks": ticks, "rows": out_rows,
            "span": _span_text(span).lstrip("+")}


def _dot_title(status: Status, c: StatusCell) -> str:
    off = c.offset_hours or 0.0
    rel = human_delta(timedelta(hours=abs(off)))
    rel = f"{rel} {'after' if off > 0 else 'before'} the due time" if abs(off) * 60 >= 1 \
        else "at the due time"
    when = status.when(c.pushed_at) if c.pushed_at else ""
    return f"{c.team}: {LABELS[c.state]}; pushed {when}, {rel}"


def render(status: Status) -> str:
    env = _env()
    css = env.loader.get_source(env, "dashboard.css.j2")[0]
    js = env.loader.get_source(env, "dashboard.js.j2")[0]
    csp = (f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    course = status.course
    return env.get_template("dashboard.html.j2").render(
        status=status, course=course, css=Markup(css), js=Markup(js), csp=csp,
        states=STATES, labels=LABELS, symbols=SYMBOLS, counts=status.counts(),
        chart=chart(status), safe_url=safe_url, when=status.when,
        milestones={m.id: m for m in course.milestones},
        not_joined=by_team(status.not_joined),
    )
