"""The adapter's written contract (adapter/protocol.py) and its one implementation stay equal:
every Protocol method exists on `client.GitHub` with the same signature, the client has no
public method the Protocol does not name, every name says whether it reaches GitHub, and every
method says what it costs. Test doubles are checked with support.double_differences."""

from __future__ import annotations

import inspect
import re

import pytest

from classroom_ops.adapter.client import GitHub
from classroom_ops.adapter.protocol import GitHubAPI
from support import adapter_methods
from support import double_differences as differences

VERBS = ("get_", "list_", "create_", "update_", "delete_", "add_", "remove_", "set_", "put_",
         "generate_", "commit_", "check_")
NO_REQUEST = {"stats"}  # a property: what this client has cost so far


def protocol_methods() -> dict[str, inspect.Signature]:
    return adapter_methods()


def public_methods(cls) -> dict[str, inspect.Signature]:
    return {name: inspect.signature(fn) for name, fn in inspect.getmembers(cls, inspect.isfunction)
            if not name.startswith("_")}


def test_the_client_implements_every_method_of_the_protocol_with_the_same_signature():
    methods = protocol_methods()
    client = public_methods(GitHub)
    assert sorted(set(methods) - set(client)) == []  # nothing promised is missing
    assert differences(GitHub, methods) == []  # nothing extra, nothing reshaped
    assert {(n, str(methods[n])) for n in methods} == {(n, str(client[n])) for n in methods}


def test_the_client_is_a_github_api_at_runtime():
    gh = GitHub("http://127.0.0.1:9", "t0ken", write_delay=0)  # builds; makes no request
    assert isinstance(gh, GitHubAPI)
    assert gh.stats.reads == 0 and gh.stats.writes == 0


@pytest.mark.parametrize("name", sorted(protocol_methods()))
def test_every_name_says_it_reaches_github_and_its_docstring_says_the_cost(name):
    assert name.startswith(VERBS), name
    doc = inspect.getdoc(getattr(GitHubAPI, name)) or ""
    assert re.search(r"\b(\d+ (GET|POST|PUT|PATCH|DELETE)|Pages of|POST|PATCH)\b", doc), doc


def test_requesting_nouns_are_gone():
    """The noun-named calls that hid their requests (`teams()`, `pushes()`, `tree()`...)."""
    hidden = {"teams", "pushes", "tree", "blob", "issues", "labels", "threads", "comments",
              "comment", "collaborators", "assignable", "whoami", "org_repos", "server_time"}
    assert sorted(hidden & set(public_methods(GitHub))) == []


def test_a_double_that_drifts_from_the_adapter_is_caught():
    class Drifted:
        def get_tree(self, full, sha):  # a parameter renamed
            return []

        def teams(self, org):  # a call the adapter does not have
            return {}

    assert differences(Drifted, protocol_methods()) == [
        "get_tree: (self, full, sha) is not (self, full_name: 'str', sha: 'str') "
        "-> 'list[TreeEntry]'",
        "teams: not in the Protocol"]
