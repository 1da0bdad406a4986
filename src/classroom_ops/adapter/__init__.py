"""The GitHub adapter: the only code that talks to GitHub (through PyGithub)."""

from .client import GitHub
from .types import Issue, Push, RepoInfo, RequestStats, TeamInfo, TreeEntry

__all__ = ["GitHub", "Issue", "Push", "RepoInfo", "RequestStats", "TeamInfo", "TreeEntry"]
