"""classroom-ops: team projects on plain GitHub."""

from .published import VERSION as __version__

__all__ = ["__version__"]
