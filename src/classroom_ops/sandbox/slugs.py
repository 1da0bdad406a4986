"""Names GitHub makes for you: team slugs and repository names.

Written from GitHub's documented behaviour and reported examples, never from the tool's own rule
(the two must be able to disagree):

- team slugs: "My TEam Näme" becomes `my-team-name` (reported; FACTS.md). Letters with accents are
  transliterated (Unicode NFKD, keeping the ASCII part), everything else that is not a letter,
  digit, `_` or `-` (spaces, punctuation, emoji, letters with no ASCII form) separates words,
  repeated separators collapse to one `-`, separators at either end go, and the slug is lower case.
  A few letters NFKD leaves alone get their usual transliteration (ß -> ss, æ -> ae, ø -> o, ...).
- repository names: GitHub keeps `[A-Za-z0-9._-]` and turns every other character into `-` (its
  "will be created as" hint; moby/moby#679), one dash per character, with no transliteration; the
  answer carries the name it made.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that have no NFKD decomposition into ASCII but a usual Latin transliteration.
_EXTRA = {"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
          "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH",
          "ı": "i"}
_REPO_BAD = re.compile(r"[^A-Za-z0-9_.-]")


def _ascii(ch: str) -> str:
    """The ASCII form of one character, or a space when it has none (emoji, CJK, symbols)."""
    if ch in _EXTRA:
        return _EXTRA[ch]
    if ch.isascii():
        return ch
    if unicodedata.combining(ch):
        return ""  # a lone combining accent belongs to the letter before it
    folded = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
    return folded or " "


def team_slug(name: str) -> str:
    text = "".join(_ascii(ch) for ch in unicodedata.normalize("NFC", name))
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", text)
    slug = re.sub(r"-{2,}", "-", slug).strip("-").lower()
    # A name with nothing left (all emoji): GitHub's answer is not documented; the sandbox
    # still makes a usable slug so the team can be addressed.
    return slug or "team"


def repo_name(name: str) -> str:
    return _REPO_BAD.sub("-", name)
