"""Team slugs and repository names as GitHub makes them; the answers carry them.

The examples come from GitHub's documented behaviour and reports: "My TEam Näme" gives
`my-team-name` (accents transliterated, lower case); spaces, punctuation and emoji separate words;
repeated separators collapse; separators at the ends go. Repository names keep [A-Za-z0-9._-] and
get one `-` for every other character.
"""

from __future__ import annotations

import pytest
from github import GithubException

from .conftest import ORG, PROF

pytestmark = pytest.mark.integration

TEAM_SLUGS = [
    ("My TEam Näme", "my-team-name"),              # the reported example
    ("Équipe Rouge", "equipe-rouge"),              # accents transliterated
    ("ÅNGSTRÖM lab", "angstrom-lab"),
    ("Straße 5", "strasse-5"),                     # ß has no NFKD form: ss
    ("Zoë's Group #3", "zoe-s-group-3"),           # punctuation separates
    ("Ça va? Oui!", "ca-va-oui"),                  # ...and goes at the ends
    ("Team 🚀 Rocket", "team-rocket"),             # emoji separate
    ("Team🚀Rocket", "team-rocket"),               # even with no spaces around
    ("Groupe 1 — Lundi", "groupe-1-lundi"),        # dashes of any kind, collapsed
    ("a  --  b", "a-b"),
    ("  padded  ", "padded"),
    ("snake_case Team", "snake_case-team"),        # underscores stay
    ("Team ＡＢＣ", "team-abc"),                    # full-width letters fold (NFKD)
]


@pytest.mark.parametrize(("name", "slug"), TEAM_SLUGS)
def test_team_slug_is_made_by_github(gh, uid, name, slug):
    org = gh(PROF).get_organization(ORG)
    team = org.create_team(f"{name} {uid}", privacy="closed")
    try:
        assert team.slug == f"{slug}-{uid}"
        assert team.name == f"{name} {uid}"  # the name is kept as given
        assert org.get_team_by_slug(team.slug).id == team.id
    finally:
        team.delete()


def test_renaming_a_team_makes_a_new_slug(gh, uid):
    org = gh(PROF).get_organization(ORG)
    team = org.create_team(f"Alpha {uid}", privacy="closed")
    team.edit(f"Équipe Ω {uid}")
    assert team.slug == f"equipe-{uid}"
    assert org.get_team_by_slug(f"equipe-{uid}").name == f"Équipe Ω {uid}"
    team.delete()


def test_two_names_with_one_slug_clash(gh, uid):
    org = gh(PROF).get_organization(ORG)
    team = org.create_team(f"Näme {uid}", privacy="closed")
    with pytest.raises(GithubException) as err:
        org.create_team(f"name {uid}", privacy="closed")
    assert err.value.status == 422
    team.delete()


REPO_NAMES = [
    ("plain-name_1.0", "plain-name_1.0"),
    ("My Repo!", "My-Repo-"),                      # case kept, one dash per character
    ("équipe", "-quipe"),                          # no transliteration for repositories
    ("team🚀", "team-"),
    ("a  b", "a--b"),
]


@pytest.mark.parametrize(("name", "made"), REPO_NAMES)
def test_repository_name_is_made_by_github(gh, uid, name, made):
    org = gh(PROF).get_organization(ORG)
    repo = org.create_repo(f"{uid}-{name}", private=True)
    assert repo.name == f"{uid}-{made}"
    assert gh(PROF).get_repo(f"{ORG}/{uid}-{made}").id == repo.id
    repo.edit(name=f"{uid}-renamed {name}")
    assert repo.name == f"{uid}-renamed-{made}"
    repo.delete()
