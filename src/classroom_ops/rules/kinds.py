"""What a blob really is, whatever its name says."""

from __future__ import annotations

from pathlib import PurePosixPath

LFS_MAGIC = b"version https://git-lfs.github.com/spec/v1"

PDF_EXTENSIONS = frozenset({".pdf"})
TEXT_EXTENSIONS = frozenset({".md", ".markdown", ".mdown", ".txt", ".rst", ".text"})
MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mdown"})

# Kinds that are never text a student meant as Markdown.
BINARY_KINDS = frozenset({"pdf", "png", "jpeg", "gif", "zip", "docx", "doc", "gzip", "binary"})

DESCRIPTIONS = {
    "pdf": "a PDF document",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "zip": "a ZIP archive",
    "docx": "a Word document",
    "doc": "an old-format Word or Office document",
    "gzip": "a gzip archive",
    "rtf": "an RTF document",
    "html": "an HTML page",
    "utf16": "UTF-16 text",
    "markdown": "Markdown text",
    "text": "text",
    "binary": "binary data",
    "lfs_pointer": "a Git LFS pointer",
    "empty": "an empty file",
    "unknown": "content that was not fetched",
}

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\x1f\x8b", "gzip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),
    (b"{\\rtf", "rtf"),
    (b"\xff\xfe", "utf16"),
    (b"\xfe\xff", "utf16"),
)


def extension(path: str) -> str:
    return PurePosixPath(path).suffix.lower()


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    # Text in any 8-bit encoding (or UTF-8 cut mid-character by the window) is mostly
    # printable; binary data is not.
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return control > len(head) // 20


def sniff(path: str, data: bytes | None) -> str:
    """A short kind name for `data` (keys of DESCRIPTIONS); `path` only refines text."""
    if data is None:
        return "unknown"
    if not data:
        return "empty"
    head = data[:8192]
    if head.startswith(LFS_MAGIC):
        return "lfs_pointer"
    # The PDF spec tolerates bytes before the header; readers look in the first kilobyte.
    if b"%PDF-" in head[:1024] and (head.startswith(b"%PDF-") or _looks_binary(head)):
        return "pdf"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] else "zip"
    if _looks_binary(head):
        return "binary"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "markdown" if extension(path) in MARKDOWN_EXTENSIONS else "text"


def describe(kind: str) -> str:
    return DESCRIPTIONS.get(kind, kind)
