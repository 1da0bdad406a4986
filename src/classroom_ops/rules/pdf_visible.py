"""The text of a PDF page that a reader can see: rules count what a reader sees.

A student can hide text from readers and still have it extracted: drawn in render mode 3
(neither filled nor stroked) or 7 (clip only), or placed outside the page's visible box. Such
text could be a fake References heading that hides pages from a page limit, a heading that
satisfies a required section, or words that pad a count; it is dropped before the rules read
the page. (White text on a white page is still read: telling needs the colours and what is
drawn below.) Pages with nothing hidden are read exactly as pypdf extracts them.
"""

from __future__ import annotations

import re

_BOX_SLACK = 2.0  # points: text starting on the box's edge is still seen
_INVISIBLE_MODE = re.compile(rb"(?<![\d.])[37]\s+Tr\b")
_SHOW_TEXT = {b"Tj", b"TJ", b"'", b'"'}


def _drop_invisible_text(page, reader) -> None:
    """Blank the text a reader cannot see: drawn in render mode 3 (neither filled nor stroked)
    or 7 (clip only). Rules count what a reader sees; invisible text can hide a fake
    References heading or pad a word count. Pages without such a mode are left untouched."""
    from pypdf.generic import ArrayObject, ContentStream, TextStringObject

    contents = page.get_contents()
    if contents is None or not _INVISIBLE_MODE.search(contents.get_data()):
        return
    cs = ContentStream(contents, reader)
    mode, saved = 0, []
    for i, (operands, op) in enumerate(cs.operations):
        if op == b"Tr" and operands:
            try:
                mode = int(operands[0])
            except (TypeError, ValueError):
                mode = 0
        elif op == b"q":
            saved.append(mode)
        elif op == b"Q":
            mode = saved.pop() if saved else 0
        elif op in _SHOW_TEXT and mode in (3, 7):
            blank = ArrayObject() if op == b"TJ" else TextStringObject("")
            cs.operations[i] = ([*operands[:-1], blank], op)
    page.replace_contents(cs)


def _visible_text(page) -> str:
    """The page's text without what is drawn outside its visible box (a reader never sees a
    heading placed at y = -500). pypdf's own text when everything is inside: the common case is
    exactly what it was."""
    try:
        left, bottom, right, top = (float(v) for v in page.cropbox)
    except (TypeError, ValueError):
        return page.extract_text() or ""
    left, right = min(left, right) - _BOX_SLACK, max(left, right) + _BOX_SLACK
    bottom, top = min(bottom, top) - _BOX_SLACK, max(bottom, top) + _BOX_SLACK
    parts: list[str] = []
    outside = False

    def visit(text, cm, tm, _font, _size):
        nonlocal outside
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if not (left <= x <= right and bottom <= y <= top):
                outside = True
                return
        parts.append(text)

    full = page.extract_text(visitor_text=visit) or ""
    return "".join(parts) if outside else full


def visible_text(page, reader) -> str:
    """What a reader sees of the page's text (pypdf's extraction, less the invisible)."""
    _drop_invisible_text(page, reader)
    return _visible_text(page)
