"""A local fake of the GitHub REST API and git smart HTTP, for integration tests and demos.

Stdlib only, and independent of the rest of classroom_ops: it must not agree with the tool by
sharing its code. See README.md beside this file.
"""

from .service import Sandbox, serve

__all__ = ["Sandbox", "serve"]
