"""Names that must be known before GitHub answers: the tool's own key for a team (used in
`--team`, the ledger, extensions, repository names) and which logins can exist.

The slug of a GitHub team is GitHub's to choose: provisioning finds a team by its name in the
organization's team list and uses the slug GitHub gave it (see provision/state.py). `slugify` is
only the guess made before that answer exists, written to agree with GitHub's documented examples
("My TEam Näme" -> "my-team-name": accents transliterated, every other run of characters becomes
one '-'), so that repository names and ledger keys read as the team's slug does on GitHub.
"""

from __future__ import annotations

import re
import unicodedata

_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")


def slugify(name: str) -> str:
    """Lower case ASCII; letters with accents lose them (NFKD, combining marks dropped); every
    run of other characters becomes '-'."""
    ascii_name = "".join(c for c in unicodedata.normalize("NFKD", name)
                         if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9_]+", "-", ascii_name.lower()).strip("-")


def is_login(login: str) -> bool:
    return bool(_LOGIN.match(login))
