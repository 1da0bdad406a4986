"""The GitHub adapter: the only code that talks to GitHub (through PyGithub)."""

from ..ghdata import Issue, Push, RepoInfo, RequestStats, TeamInfo, TreeEntry
from .client import GitHub

__all__ = ["GitHub", "Issue", "Push", "RepoInfo", "RequestStats", "TeamInfo", "TreeEntry"]
