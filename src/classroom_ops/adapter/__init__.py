"""The GitHub adapter: the only code that talks to GitHub (through PyGithub). Workflows are
typed against `GitHubAPI` (protocol.py); `GitHub` (client.py) is its implementation, built by
the CLI (session.connect)."""

from ..ghdata import Issue, Push, RepoInfo, RequestStats, TeamInfo, TreeEntry
from .client import GitHub
from .protocol import GitHubAPI

__all__ = ["GitHub", "GitHubAPI", "Issue", "Push", "RepoInfo", "RequestStats", "TeamInfo", "TreeEntry"]
