"""classroom-ops: team projects on plain GitHub."""

__version__ = "0.1.0"
