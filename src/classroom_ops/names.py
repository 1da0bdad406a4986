"""Names GitHub derives or accepts: team slugs and user logins."""

from __future__ import annotations

import re

_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")


def slugify(name: str) -> str:
    """A team slug the way GitHub makes one: lower case, every run of other characters -> '-'."""
    return re.sub(r"[^a-z0-9_]+", "-", name.lower()).strip("-")


def is_login(login: str) -> bool:
    return bool(_LOGIN.match(login))
