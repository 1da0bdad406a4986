"""The archive on disk: where every file goes, written so that a crash or a rerun is harmless.

    ARCHIVE_DIR/
      MANIFEST.sha256            sha256 of every other file (`sha256sum -c` reads it)
      <term>.zip                 the term folder, byte-for-byte reproducible
      <term>/index.json          one record per team (what project.json holds)
      <term>/<team>/project.json
      <term>/<team>/<archived files at their repository paths>, project.yml
      gallery/                   the published outputs (see gallery.py)

A term folder is built beside its final place (`.tmp-*`) and swapped in with renames, so it is
replaced as a whole: a rerun never leaves a duplicate or a stale file, and never touches another
term. Nothing is written outside ARCHIVE_DIR: every relative path is checked before it is used.

The archive is meant to be served (the gallery) and shared among the course staff, so folders
are 0755 and files 0644 whatever the umask and whatever `mkdtemp`/`mkstemp` chose (0700/0600:
a web server then refuses the gallery).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from pathlib import Path, PurePosixPath

from ..fileio import write_atomic

MANIFEST = "MANIFEST.sha256"
GALLERY_DIR = "gallery"
INDEX = "index.json"
PROJECT = "project.json"
TERM_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
RESERVED = frozenset({MANIFEST, GALLERY_DIR})  # names a term cannot have
DIR_MODE, FILE_MODE = 0o755, 0o644


class UnsafePath(ValueError):
    pass


def safe_rel(path: str) -> PurePosixPath:
    """`path` as a relative path that stays below the folder it is joined to, or UnsafePath."""
    if not isinstance(path, str) or not path or "\x00" in path or "\\" in path:
        raise UnsafePath(f"unsafe path {path!r}")
    if any(unicodedata.category(c).startswith("C") for c in path):
        # control, format (bidi), surrogate, private-use or unassigned characters: a newline
        # would split a MANIFEST.sha256 line, the others make names that read differently
        raise UnsafePath(f"path {path[:80]!r} has a control or invisible character")
    p = PurePosixPath(path)
    if p.is_absolute() or re.match(r"^[A-Za-z]:", path):
        raise UnsafePath(f"absolute path {path!r}")
    parts = p.parts
    if not parts or any(part in ("", ".", "..") for part in path.split("/")):
        raise UnsafePath(f"path {path!r} leaves its folder")
    if any(len(part.encode()) > 200 for part in parts) or len(parts) > 20:
        raise UnsafePath(f"path {path[:80]!r} is too long")
    return p


def safe_join(base: Path, rel: str) -> Path:
    """base/rel, refusing anything that would end up outside `base` (symlinks included)."""
    target = base.joinpath(*safe_rel(rel).parts)
    root = base.resolve()
    parent = target.parent.resolve()
    if parent != root and root not in parent.parents:
        raise UnsafePath(f"path {rel!r} leaves its folder")
    if target.is_symlink():
        raise UnsafePath(f"path {rel!r} is a symbolic link")
    return target


def write_file(base: Path, rel: str, data: bytes) -> Path:
    """Create the parent folders one by one (never through a symlink) and write `data`."""
    parts = safe_rel(rel).parts
    base.mkdir(parents=True, exist_ok=True)
    d = base
    for part in parts[:-1]:
        d = d / part
        if d.is_symlink() or (d.exists() and not d.is_dir()):
            raise UnsafePath(f"path {rel!r} goes through a file or symbolic link")
        if not d.exists():
            d.mkdir()
            os.chmod(d, DIR_MODE)
    target = safe_join(base, rel)
    with open(target, "xb") as f:  # a fresh folder: an existing file means a duplicate path
        try:
            f.write(data)
        except BaseException:
            target.unlink(missing_ok=True)  # no partial file (a full disk, say)
            raise
    os.chmod(target, FILE_MODE)
    return target


def dump_json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def check_term(term: str) -> str:
    if not TERM_RE.match(term) or term in RESERVED:
        raise UnsafePath(f"term {term!r} cannot name an archive folder")
    return term


class Archive:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def prepare(self) -> None:
        if self.root.is_symlink():
            raise UnsafePath(f"{self.root} is a symbolic link")
        if not self.root.exists():
            self.root.mkdir(parents=True)
            os.chmod(self.root, DIR_MODE)
        self._recover()

    def _recover(self) -> None:
        """Finish or undo a swap interrupted between its two renames; drop leftover temp dirs."""
        for old in sorted(self.root.glob(".old-*")):
            term = old.name[len(".old-"):].rsplit(".", 1)[0]
            if TERM_RE.match(term) and not (self.root / term).exists():
                os.replace(old, self.root / term)
            else:
                shutil.rmtree(old, ignore_errors=True)
        for tmp in self.root.glob(".tmp-*"):
            shutil.rmtree(tmp, ignore_errors=True)

    def staging(self, name: str) -> Path:
        """A fresh folder inside the archive, to be swapped in with `swap`."""
        staged = Path(tempfile.mkdtemp(prefix=f".tmp-{name}.", dir=self.root))
        os.chmod(staged, DIR_MODE)  # mkdtemp makes it 0700, and it becomes the term's folder
        return staged

    def swap(self, staged: Path, name: str) -> None:
        """Replace ARCHIVE_DIR/name with `staged` as a whole."""
        final = self.root / name
        if final.is_symlink():
            final.unlink()
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".old-{name}.", dir=self.root))
            os.rmdir(old)
            os.replace(final, old)
            os.replace(staged, final)
            shutil.rmtree(old)
        else:
            os.replace(staged, final)

    def terms(self) -> list[str]:
        """Every collected term: a folder with an index.json."""
        return sorted(p.name for p in self.root.iterdir()
                      if p.is_dir() and not p.is_symlink() and TERM_RE.match(p.name)
                      and p.name not in RESERVED and (p / INDEX).is_file())

    def index(self, term: str) -> dict:
        return json.loads((self.root / check_term(term) / INDEX).read_text(encoding="utf-8"))

    def write_zip(self, term: str) -> Path:
        target = self.root / f"{check_term(term)}.zip"
        data = zip_bytes(self.root / term, term)
        if target.is_symlink():
            target.unlink()
        if not target.is_file() or target.read_bytes() != data:
            write_atomic(target, data)
            os.chmod(target, FILE_MODE)
        return target

    def write_manifest(self) -> Path:
        lines = [f"{sha256_file(p)}  {rel}" for rel, p in walk_files(self.root)
                 if rel != MANIFEST]
        target = self.root / MANIFEST
        text = "".join(line + "\n" for line in lines)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            write_atomic(target, text)
            os.chmod(target, FILE_MODE)
        return target


def walk_files(root: Path) -> list[tuple[str, Path]]:
    """(posix relative path, path) of every regular file, sorted; symbolic links are skipped,
    and so are the archive's own staging names (`.tmp-*` and `.old-*` folders, `.*.tmp` files
    of write_atomic) directly in `root` only: below it they are students' files."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        top = Path(dirpath) == Path(root)
        dirnames[:] = sorted(d for d in dirnames
                             if not (top and d.startswith((".tmp-", ".old-")))
                             and not os.path.islink(os.path.join(dirpath, d)))
        for name in filenames:
            p = Path(dirpath) / name
            if p.is_symlink() or not p.is_file() or (
                    top and name.startswith(".") and name.endswith(".tmp")):
                continue
            out.append((p.relative_to(root).as_posix(), p))
    return sorted(out)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def zip_bytes(folder: Path, prefix: str) -> bytes:
    """A zip of `folder` under `prefix/`: sorted entries, fixed times and modes, so the same
    files always give the same bytes."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for rel, p in walk_files(folder):
            info = zipfile.ZipInfo(f"{prefix}/{rel}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            z.writestr(info, p.read_bytes(), compresslevel=9)
    return buf.getvalue()
