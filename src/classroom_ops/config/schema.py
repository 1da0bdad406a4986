"""The course file's JSON Schema, and its errors rewritten for people.

The schema (classroom_ops/schema/classroom.schema.json) is the single description of the file's
shape: editors use it for completion, and `validate` uses it for the first pass. jsonschema's own
messages are written for programmers, so each kind is rephrased with the key's path and, for an
unknown key, the allowed keys and the nearest one.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources

from jsonschema import Draft202012Validator

from ..errors import Problem
from .yamlsrc import Source


@cache
def schema() -> dict:
    text = resources.files("classroom_ops").joinpath("schema/classroom.schema.json").read_text()
    return json.loads(text)


def dotted(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def _describe(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


_TYPE_WORDS = {
    "string": "text", "integer": "a whole number", "boolean": "true or false",
    "array": "a list", "object": "a mapping of keys", "number": "a number",
}


def check(src: Source) -> list[Problem]:
    validator = Draft202012Validator(schema())
    problems: list[Problem] = []
    for err in validator.iter_errors(src.data):
        path = tuple(err.absolute_path)
        name = dotted(path)
        sub = err.schema if isinstance(err.schema, dict) else {}
        v = err.validator
        if v == "additionalProperties":
            allowed = sorted(sub.get("properties", {}))
            extras = [k for k in err.instance if k not in sub.get("properties", {})]
            for key in extras:
                near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f"; did you mean '{near[0]}'?" if near else ""
                problems.append(
                    src.problem(
                        path + (key,),
                        f"unknown key '{key}' in {name}; allowed keys: {', '.join(allowed)}{hint}",
                        key=True,
                    )
                )
        elif v == "required":
            missing = [k for k in err.validator_value if k not in (err.instance or {})]
            for key in missing:
                where = "the file" if not path else name
                problems.append(src.problem(path, f"{where} is missing the required key '{key}'"))
        elif v == "type":
            want = err.validator_value
            want = [want] if isinstance(want, str) else want
            words = " or ".join(_TYPE_WORDS.get(w, w) for w in want)
            if src.data is None and not path:
                problems.append(src.problem(path, "the course file is empty; start from "
                                                  "`classroom-ops init`"))
            else:
                problems.append(src.problem(path, f"{name} must be {words}, "
                                                  f"not {_describe(err.instance)}"))
        elif v == "enum":
            opts = ", ".join(str(o) for o in err.validator_value)
            problems.append(src.problem(path, f"{name} is {_describe(err.instance)}; "
                                              f"use one of: {opts}"))
        elif v == "pattern":
            msg = sub.get("x-error") or f"does not match {err.validator_value}"
            problems.append(src.problem(path, f"{name} {_describe(err.instance)} {msg}"))
        elif v == "minItems":
            problems.append(src.problem(path, f"{name} must not be empty"))
        elif v == "minLength":
            problems.append(src.problem(path, f"{name} must not be empty"))
        elif v == "maxLength":
            problems.append(src.problem(path, f"{name} is longer than {err.validator_value} "
                                              "characters"))
        elif v == "minimum":
            problems.append(src.problem(path, f"{name} must be at least {err.validator_value}"))
        else:  # pragma: no cover - every keyword the schema uses is handled above
            problems.append(src.problem(path, f"{name}: {err.message}"))
    return problems
