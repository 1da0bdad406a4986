"""The commented starter course file that `classroom-ops init` writes."""

from __future__ import annotations

import json
from importlib import resources

import jinja2


def _yaml_str(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, so any text is safe here.
    return json.dumps(str(value), ensure_ascii=False)


def render_starter(plan=None) -> str:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # YAML, not HTML: values go through the q filter instead
    )
    env.filters["q"] = _yaml_str
    env.filters["qlist"] = lambda items: "[" + ", ".join(_yaml_str(i) for i in items) + "]"
    return env.get_template("classroom.yml.j2").render(plan=plan)
