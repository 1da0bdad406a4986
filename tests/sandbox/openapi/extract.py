"""Cut github-rest-subset.json out of GitHub's full REST description (see SOURCE.md).

    npm pack @octokit/openapi@23.0.2 && tar xzf octokit-openapi-23.0.2.tgz
    python tests/sandbox/openapi/extract.py package/generated/api.github.com.json

writes github-rest-subset.json beside this file: the operations listed in OPERATIONS, every
component they reference (transitively), and none of GitHub's prose (`description`, `summary`,
`externalDocs`), except where a key of that name is a schema property or OpenAPI requires a
description (a response's, kept empty). Everything else is copied unchanged. The argument may
also be the package's .tgz or its unpacked folder.
"""

from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "github-rest-subset.json"
MEMBER = "package/generated/api.github.com.json"

# (method, path) exactly as GitHub's description spells them; one line per sandbox route that
# has a documented counterpart (tests/sandbox/test_openapi.py checks the router against this).
OPERATIONS = """
get /user
get /users/{username}
get /user/orgs
get /user/memberships/orgs/{org}
patch /user/memberships/orgs/{org}
get /user/repository_invitations
patch /user/repository_invitations/{invitation_id}
post /user/repos
get /rate_limit
get /search/issues
get /orgs/{org}
patch /orgs/{org}
get /orgs/{org}/members
get /orgs/{org}/members/{username}
delete /orgs/{org}/members/{username}
get /orgs/{org}/memberships/{username}
put /orgs/{org}/memberships/{username}
delete /orgs/{org}/memberships/{username}
get /orgs/{org}/invitations
post /orgs/{org}/invitations
delete /orgs/{org}/invitations/{invitation_id}
get /orgs/{org}/invitations/{invitation_id}/teams
get /orgs/{org}/failed_invitations
get /orgs/{org}/repos
post /orgs/{org}/repos
get /orgs/{org}/teams
post /orgs/{org}/teams
get /orgs/{org}/teams/{team_slug}
patch /orgs/{org}/teams/{team_slug}
delete /orgs/{org}/teams/{team_slug}
get /orgs/{org}/teams/{team_slug}/members
get /orgs/{org}/teams/{team_slug}/invitations
get /orgs/{org}/teams/{team_slug}/memberships/{username}
put /orgs/{org}/teams/{team_slug}/memberships/{username}
delete /orgs/{org}/teams/{team_slug}/memberships/{username}
get /orgs/{org}/teams/{team_slug}/repos
get /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}
put /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}
delete /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}
get /repos/{owner}/{repo}
patch /repos/{owner}/{repo}
delete /repos/{owner}/{repo}
post /repos/{template_owner}/{template_repo}/generate
get /repos/{owner}/{repo}/collaborators
get /repos/{owner}/{repo}/collaborators/{username}
put /repos/{owner}/{repo}/collaborators/{username}
delete /repos/{owner}/{repo}/collaborators/{username}
get /repos/{owner}/{repo}/collaborators/{username}/permission
get /repos/{owner}/{repo}/assignees
get /repos/{owner}/{repo}/assignees/{assignee}
get /repos/{owner}/{repo}/contents/{path}
put /repos/{owner}/{repo}/contents/{path}
delete /repos/{owner}/{repo}/contents/{path}
get /repos/{owner}/{repo}/git/blobs/{file_sha}
post /repos/{owner}/{repo}/git/blobs
get /repos/{owner}/{repo}/git/trees/{tree_sha}
post /repos/{owner}/{repo}/git/trees
get /repos/{owner}/{repo}/git/commits/{commit_sha}
post /repos/{owner}/{repo}/git/commits
get /repos/{owner}/{repo}/git/ref/{ref}
get /repos/{owner}/{repo}/git/matching-refs/{ref}
post /repos/{owner}/{repo}/git/refs
patch /repos/{owner}/{repo}/git/refs/{ref}
delete /repos/{owner}/{repo}/git/refs/{ref}
get /repos/{owner}/{repo}/git/tags/{tag_sha}
post /repos/{owner}/{repo}/git/tags
get /repos/{owner}/{repo}/commits
get /repos/{owner}/{repo}/commits/{ref}
get /repos/{owner}/{repo}/branches
get /repos/{owner}/{repo}/branches/{branch}
get /repos/{owner}/{repo}/tags
get /repos/{owner}/{repo}/activity
get /repos/{owner}/{repo}/tarball/{ref}
get /repos/{owner}/{repo}/zipball/{ref}
get /repos/{owner}/{repo}/issues
post /repos/{owner}/{repo}/issues
get /repos/{owner}/{repo}/issues/{issue_number}
patch /repos/{owner}/{repo}/issues/{issue_number}
get /repos/{owner}/{repo}/issues/{issue_number}/comments
post /repos/{owner}/{repo}/issues/{issue_number}/comments
get /repos/{owner}/{repo}/issues/comments
get /repos/{owner}/{repo}/issues/comments/{comment_id}
patch /repos/{owner}/{repo}/issues/comments/{comment_id}
delete /repos/{owner}/{repo}/issues/comments/{comment_id}
get /repos/{owner}/{repo}/issues/{issue_number}/labels
post /repos/{owner}/{repo}/issues/{issue_number}/labels
put /repos/{owner}/{repo}/issues/{issue_number}/labels
delete /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}
get /repos/{owner}/{repo}/labels
post /repos/{owner}/{repo}/labels
get /repos/{owner}/{repo}/labels/{name}
patch /repos/{owner}/{repo}/labels/{name}
delete /repos/{owner}/{repo}/labels/{name}
get /repos/{owner}/{repo}/milestones
post /repos/{owner}/{repo}/milestones
get /repos/{owner}/{repo}/milestones/{milestone_number}
patch /repos/{owner}/{repo}/milestones/{milestone_number}
delete /repos/{owner}/{repo}/milestones/{milestone_number}
"""

PROSE = ("description", "summary", "externalDocs")


def operations() -> list[tuple[str, str]]:
    return [tuple(line.split()) for line in OPERATIONS.strip().splitlines()]  # type: ignore


def load(source: Path) -> dict:
    if source.is_dir():
        source = source / MEMBER if (source / MEMBER).exists() else source / MEMBER[8:]
    if source.suffix in (".tgz", ".gz"):
        with tarfile.open(source) as tar:
            return json.load(tar.extractfile(MEMBER))  # type: ignore[arg-type]
    return json.loads(source.read_text())


def strip(node, in_properties: bool = False, is_response: bool = False):
    """Drop the prose keys, except schema properties that happen to bear those names."""
    if isinstance(node, list):
        return [strip(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in PROSE and not in_properties:
            continue
        out[key] = strip(value, in_properties=(key == "properties" and not in_properties),
                         is_response=(key == "responses" and not in_properties))
        if is_response and isinstance(out[key], dict) and "$ref" not in out[key]:
            out[key]["description"] = ""  # required by OpenAPI 3.0.3 on every response
    return out


def refs(node, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            found.add(ref)
        for value in node.values():
            refs(value, found)
    elif isinstance(node, list):
        for value in node:
            refs(value, found)


def subset(full: dict) -> dict:
    paths: dict[str, dict] = {}
    for method, path in operations():
        item = full["paths"].get(path, {})
        if method not in item:
            raise SystemExit(f"{method.upper()} {path}: not in GitHub's description")
        target = paths.setdefault(path, {k: v for k, v in item.items()
                                         if k not in ("get", "put", "post", "patch", "delete",
                                                      "head", "options", "trace")})
        target[method] = item[method]
    # Follow $refs until nothing new appears: schemas reference schemas, examples, headers...
    wanted: set[str] = set()
    refs(paths, wanted)
    done: set[str] = set()
    while wanted - done:
        ref = sorted(wanted - done)[0]
        done.add(ref)
        _, _, kind, name = ref.split("/", 3)
        refs(full["components"][kind][name], wanted)
    components: dict[str, dict] = {}
    for ref in sorted(done):
        _, _, kind, name = ref.split("/", 3)
        components.setdefault(kind, {})[name] = full["components"][kind][name]
    cut = ordered({"openapi": full["openapi"], "servers": full["servers"],
                   "info": {k: v for k, v in full["info"].items() if k not in PROSE},
                   "paths": strip(paths), "components": strip_components(components)})
    # the two marks of a cut come after GitHub's own info keys
    cut["info"]["x-subset-of"] = ("api.github.com (github/rest-api-description via "
                                  "@octokit/openapi)")
    cut["info"]["x-stripped"] = ("description (empty where OpenAPI requires one), summary "
                                 "and externalDocs removed; structure unchanged")
    return cut


def ordered(node):
    """Keys sorted at every level, so a regenerated file diffs cleanly against the last."""
    if isinstance(node, dict):
        return {k: ordered(node[k]) for k in sorted(node)}
    if isinstance(node, list):
        return [ordered(v) for v in node]
    return node


def strip_components(components: dict) -> dict:
    out = {}
    for kind, entries in components.items():
        # components/responses/<name> are response objects: their description stays, empty
        out[kind] = (strip({"responses": entries})["responses"] if kind == "responses"
                     else strip(entries))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: extract.py PATH (api.github.com.json, the npm .tgz or its folder)",
              file=sys.stderr)
        return 2
    cut = subset(load(Path(argv[1])))
    OUT.write_text(json.dumps(cut, separators=(",", ":")))
    ops = sum(1 for item in cut["paths"].values() for k in item if k != "parameters")
    print(f"{OUT.name}: {len(cut['paths'])} paths, {ops} operations, "
          + ", ".join(f"{len(v)} {k}" for k, v in sorted(cut["components"].items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
