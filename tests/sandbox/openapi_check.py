"""Validate captured sandbox exchanges against GitHub's own OpenAPI description.

The sandbox records each raw (request, response) pair when built with capture=True; this module
replays them through openapi-core. A response whose status the description does not document
for that operation (a 401, a fault's 502) has no schema to meet and is only counted.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

# GitHub's description, kept in the repository (see openapi/SOURCE.md) so the check runs anywhere.
SPEC_PATH = Path(__file__).resolve().parent / "openapi" / "github-rest-subset.json"
HOST = "https://api.github.com"


@lru_cache(maxsize=1)
def _load():
    from openapi_core import OpenAPI

    spec = _accept_documented_nulls(json.loads(SPEC_PATH.read_text()))
    _accept_bare_label_lists(spec)
    templates = []
    for template, ops in spec["paths"].items():
        names = re.findall(r"\{(\w+)\}", template)
        pattern = template
        for name in names:
            # A contents path or a ref may hold slashes; every other parameter is one segment.
            seg = ".+" if name in ("path", "ref") else "[^/]+"
            pattern = pattern.replace("{" + name + "}", f"(?P<{name}>{seg})")
        templates.append((re.compile(f"^{pattern}$"), template, set(ops)))
    # Literal segments beat parameters: /orgs/{org}/teams must not be read as a team slug.
    templates.sort(key=lambda t: (-t[1].count("/"), t[1].count("{")))
    return OpenAPI.from_dict(spec), spec, templates


def _accept_bare_label_lists(spec: dict) -> None:
    """Adding or setting an issue's labels: earlier versions of the description documented a
    bare JSON list of names besides `{"labels": [...]}`, GitHub still accepts it, and PyGithub's
    `Issue.add_to_labels`/`set_labels` send it."""
    ops = spec["paths"].get("/repos/{owner}/{repo}/issues/{issue_number}/labels", {})
    for verb in ("post", "put"):
        body = ops.get(verb, {}).get("requestBody", {})
        schema = body.get("content", {}).get("application/json", {}).get("schema")
        if schema and "oneOf" in schema:
            schema["oneOf"].append({"type": "array", "items": {"type": "string"}})


def _accept_documented_nulls(node):
    """Three spots where the description, read strictly, rejects what GitHub really sends:
    - `nullable: true` beside a oneOf/anyOf without `type` marks fields sent as null (a commit's
      author with no matching account), but 3.0.3 gives nullable no effect without type;
    - the contents response puts a `type` discriminator over a oneOf whose first member is an
      array (a directory listing), which has no `type` property to discriminate on;
    - error bodies are a oneOf of error schemas that every plain error matches twice.
    """
    if isinstance(node, dict):
        for k, v in node.items():
            node[k] = _accept_documented_nulls(v)
        if "array" in node.get("discriminator", {}).get("mapping", {}):
            del node["discriminator"]
        refs = [alt.get("$ref", "") for alt in node.get("oneOf", [])]
        if refs and all(ref.endswith("-error") for ref in refs):
            node["anyOf"] = node.pop("oneOf")
        if node.get("nullable") and "type" not in node:
            for combo in ("oneOf", "anyOf"):
                if combo in node:
                    node[combo] = [*node[combo], {"type": "string", "nullable": True,
                                                  "enum": [None]}]
    elif isinstance(node, list):
        return [_accept_documented_nulls(v) for v in node]
    return node


def find(method: str, path: str):
    _, spec, templates = _load()
    for regex, template, ops in templates:
        found = regex.match(path.rstrip("/") if len(path) > 1 else path)
        if found and method.lower() in ops:
            return template, found.groupdict(), spec["paths"][template][method.lower()]
    return None


def validate(exchanges: list[dict]) -> tuple[int, list[str]]:
    """(number validated, list of failures): every response, and every request the sandbox
    accepted (required fields, types, enums: what GitHub would refuse must not pass here)."""
    from openapi_core.testing import MockRequest, MockResponse

    openapi, _, _ = _load()
    checked, failures = 0, []
    for ex in exchanges:
        if ex.get("fault"):
            continue
        # the path the router served: /api/v3 removed, a team's url by ids read as its slug
        path = ex.get("route_path") or ex["path"]
        found = find(ex["method"], path)
        if not found:
            continue
        template, params, op = found
        query = {k: v[0] for k, v in ex["query"].items()}
        if ex["status"] < 400:
            failure = _check_request(openapi, ex, template, params, query)
            if failure:
                failures.append(failure)
        if str(ex["status"]) not in op.get("responses", {}):
            continue
        if ex["body"] and "json" not in ex["content_type"]:
            continue  # raw media types and archives have no schema
        request = MockRequest(HOST, ex["method"], template, view_args=params, args=query,
                              headers={"Accept": ex["request_headers"].get("accept", "")})
        ctype = ex["content_type"].split(";")[0].strip() if ex["body"] else "application/json"
        response = MockResponse(ex["body"], status_code=ex["status"], headers=ex["headers"],
                                content_type=ctype)
        try:
            openapi.validate_response(request, response)
        except Exception as exc:  # report every mismatch, not just the first
            failures.append(f"{ex['method']} {ex['path']} -> {ex['status']}: {_describe(exc)}")
        checked += 1
    return checked, failures


def _check_request(openapi, ex: dict, template: str, params: dict, query: dict) -> str | None:
    from openapi_core.testing import MockRequest

    body = ex.get("request_body") or b""
    headers = {k.title(): v for k, v in ex["request_headers"].items()}
    request = MockRequest(HOST, ex["method"], template, view_args=params, args=query,
                          headers=headers, data=body or None,
                          content_type="application/json" if body.strip() else "")
    try:
        openapi.validate_request(request)
    except Exception as exc:
        if _only_security(exc):
            return None
        return f"request {ex['method']} {ex['path']} (answered {ex['status']}): {_describe(exc)}"
    return None


def _only_security(exc: Exception) -> bool:
    # The subset declares no security schemes worth checking; tokens are the sandbox's business.
    return "Security" in type(exc).__name__


def _describe(exc: Exception) -> str:
    detail = getattr(exc, "__cause__", None)
    errs = getattr(detail, "schema_errors", None) or []
    msgs = "; ".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}"[:300]
                     for e in errs[:5])
    return f"{type(exc).__name__}: {msgs or str(detail or exc)[:500]}"
