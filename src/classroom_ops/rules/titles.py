"""Matching a required section name against what students actually wrote as a heading.

Students number, capitalize and punctuate headings every way there is ("2. Motivation",
"## motivation", "Related work:", "RELATED WORK", "3) Approach — sparse routing"), so a heading is
compared on its words only: Unicode-normalized (ligatures from PDFs become letters), case-folded,
leading numbering removed, punctuation dropped, "&" read as "and", and a trailing plural "s"
ignored per word ("Conclusions" is "Conclusion", "Method" is "Methods").
"""

from __future__ import annotations

import re
import unicodedata

# "2", "2.", "2.1", "2)" ; "IV." / "A." only with punctuation (so "A Novel Approach" keeps its
# "A"); an optional "Section"/"Part"/"Chapter" word before the number.
_NUMBERING = re.compile(
    r"^\s*(?:(?:section|part|chapter|§)\s*)?"
    r"(?:\d+(?:\.\d+)*[.):]?|[ivxlc]+[.):]|[a-z][.):])(?=\s|$)\s*",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^\w]+|_+")
_WORD = re.compile(r"\w+")


def _fold(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text, count=1)


def title_words(text: str) -> tuple[str, ...]:
    """The comparable words of a heading or a section name."""
    s = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    s = _NUMBERING.sub("", s, count=1)
    return tuple(_fold(w) for w in _NON_WORD.sub(" ", s).split())


def contains(heading: str, section: str) -> bool:
    """True when `section`'s words appear, in order and adjacent, anywhere in `heading`.

    Headings are explicit in Markdown, so "Problem Statement and Motivation" may satisfy both
    sections, and "Experimental Evaluation" satisfies "Evaluation".
    """
    h, s = title_words(heading), title_words(section)
    if not s:
        return False
    return any(h[i : i + len(s)] == s for i in range(len(h) - len(s) + 1))


def same(line: str, section: str) -> bool:
    s = title_words(section)
    return bool(s) and title_words(line) == s


def word_count(text: str) -> int:
    return len(_WORD.findall(text))
