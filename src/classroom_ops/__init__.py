"""classroom-ops: team projects on plain GitHub."""

# The release, said once (published.py builds every pinned reference from it; pyproject.toml reads
# it for the package's version). A literal here, so that importing the sandbox loads no sibling.
__version__ = "0.1.0"
