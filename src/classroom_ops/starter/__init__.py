"""What `classroom-ops init` writes: the commented starter course file (`render_starter`) and the
instructors' repository around it (`scaffold`)."""

from __future__ import annotations

import json
from importlib import resources

import jinja2

from .. import published


def _yaml_str(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, so any text is safe here.
    return json.dumps(str(value), ensure_ascii=False)


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # YAML and Markdown, not HTML: YAML values go through the q filter
    )
    env.filters["q"] = _yaml_str
    env.filters["qlist"] = lambda items: "[" + ", ".join(_yaml_str(i) for i in items) + "]"
    return env


def render_starter(plan=None, roster: str | None = None) -> str:
    """The course file; with `roster`, the teams come from that CSV instead of an inline list."""
    return _env().get_template("classroom.yml.j2").render(
        plan=plan, roster=roster, docs=published.source_url("docs/course-file.md"))


def render_readme(**values) -> str:
    return _env().get_template("README.md.j2").render(**values)


def workflow_text(name: str) -> str:
    """A caller workflow of the instructors' repository, its `uses:` still a placeholder."""
    return resources.files(__package__).joinpath("workflows", f"{name}.yml").read_text(
        encoding="utf-8")
