"""Bare git repositories on disk, driven through the git CLI's plumbing commands.

The REST git-data endpoints and the contents API write real objects here, so that a clone over
smart HTTP sees exactly what the API reported, and vice versa.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

ZERO = "0" * 40
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

# Keep the operator's own git configuration (signing, hooks, templates) out of the sandbox.
BASE_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
}


class GitError(Exception):
    pass


def git_env(extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(BASE_ENV)
    if extra:
        env.update(extra)
    return env


def git_date(value: datetime) -> str:
    off = value.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{int(value.timestamp())} {sign}{minutes // 60:02d}{minutes % 60:02d}"


def parse_ident(line: str) -> dict:
    # "Name <email> 1700000000 +0100"
    name, _, rest = line.partition(" <")
    email, _, rest = rest.partition("> ")
    stamp, _, tz = rest.partition(" ")
    sign = -1 if tz.startswith("-") else 1
    offset = timedelta(hours=int(tz[1:3] or 0), minutes=int(tz[3:5] or 0)) * sign
    when = datetime.fromtimestamp(int(stamp), timezone(offset)).astimezone(UTC)
    return {"name": name, "email": email, "date": when}


class GitStore:
    def __init__(self, root: Path):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._locks: dict[str, threading.RLock] = {}
        self._guard = threading.Lock()

    def path(self, owner: str, name: str) -> Path:
        return self.root / owner.lower() / f"{name.lower()}.git"

    def lock(self, owner: str, name: str) -> threading.RLock:
        with self._guard:
            return self._locks.setdefault(f"{owner.lower()}/{name.lower()}", threading.RLock())

    # -- repository lifecycle ----------------------------------------------------------------
    def init(self, owner: str, name: str, default_branch: str = "main") -> Path:
        path = self.path(owner, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            self._run(None, "init", "--bare", "-q", f"--initial-branch={default_branch}",
                      str(path))
            self._run(path, "config", "http.receivepack", "true")
            self._run(path, "config", "receive.denyDeleteCurrent", "ignore")
        return path

    def delete(self, owner: str, name: str) -> None:
        shutil.rmtree(self.path(owner, name), ignore_errors=True)

    def move(self, owner: str, name: str, new_owner: str, new_name: str) -> None:
        src, dst = self.path(owner, name), self.path(new_owner, new_name)
        if src != dst:
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)

    def set_head(self, path: Path, branch: str) -> None:
        self._run(path, "symbolic-ref", "HEAD", f"refs/heads/{branch}")

    # -- low level -----------------------------------------------------------------------------
    def _run(self, path: Path | None, *args: str, input: bytes | None = None,
             env: dict | None = None, check: bool = True) -> bytes:
        cmd = ["git"]
        if path is not None:
            cmd += ["--git-dir", str(path)]
        proc = subprocess.run(cmd + list(args), input=input, capture_output=True,
                              env=git_env(env))
        if check and proc.returncode != 0:
            raise GitError(proc.stderr.decode(errors="replace").strip() or f"git {args[0]} failed")
        return proc.stdout

    def run(self, path: Path, *args: str, **kw) -> bytes:
        return self._run(path, *args, **kw)

    # -- refs ----------------------------------------------------------------------------------
    def refs(self, path: Path, prefix: str = "refs/") -> dict[str, str]:
        out = self._run(path, "for-each-ref", "--format=%(objectname) %(refname)", prefix)
        result = {}
        for line in out.decode().splitlines():
            sha, _, ref = line.partition(" ")
            result[ref] = sha
        return result

    def resolve(self, path: Path, rev: str, kind: str = "commit") -> str | None:
        if not rev or rev.startswith("-"):
            return None
        candidates = [rev]
        if not rev.startswith("refs/") and len(rev) != 40:
            candidates = [f"refs/heads/{rev}", f"refs/tags/{rev}", rev]
        for cand in candidates:
            out = self._run(path, "rev-parse", "--verify", "-q", f"{cand}^{{{kind}}}",
                            check=False)
            if out.strip():
                return out.decode().strip()
        return None

    def object_type(self, path: Path, sha: str) -> str | None:
        out = self._run(path, "cat-file", "-t", sha, check=False).decode().strip()
        return out or None

    def update_ref(self, path: Path, ref: str, new: str, old: str | None = None) -> None:
        args = ["update-ref", ref, new]
        if old is not None:
            args.append(old)
        self._run(path, *args)

    def delete_ref(self, path: Path, ref: str) -> None:
        self._run(path, "update-ref", "-d", ref)

    def is_ancestor(self, path: Path, old: str, new: str) -> bool:
        proc = subprocess.run(["git", "--git-dir", str(path), "merge-base", "--is-ancestor",
                               old, new], capture_output=True, env=git_env())
        return proc.returncode == 0

    # -- objects -------------------------------------------------------------------------------
    def read_object(self, path: Path, sha: str) -> bytes:
        kind = self.object_type(path, sha)
        if kind is None:
            raise GitError(f"no object {sha}")
        return self._run(path, "cat-file", kind, sha)

    def hash_blob(self, path: Path, data: bytes) -> str:
        return self._run(path, "hash-object", "-w", "--stdin", input=data).decode().strip()

    def ls_tree(self, path: Path, treeish: str, recursive: bool = False,
                sub: str | None = None) -> list[dict]:
        args = ["ls-tree", "-l", "-z"]
        if recursive:
            args += ["-r", "-t"]
        args.append(treeish)
        if sub:
            args += ["--", sub]
        out = self._run(path, *args)
        entries = []
        for rec in out.decode(errors="surrogateescape").split("\0"):
            if not rec:
                continue
            meta, _, name = rec.partition("\t")
            mode, kind, sha, size = meta.split()
            entries.append({"mode": mode, "type": kind, "sha": sha, "path": name,
                            "size": None if size == "-" else int(size)})
        return entries

    def entry(self, path: Path, commit: str, file_path: str) -> dict | None:
        """The tree entry at file_path in commit, or None; "" means the root tree."""
        file_path = file_path.strip("/")
        if not file_path:
            tree = self.resolve(path, commit, "tree")
            return {"mode": "040000", "type": "tree", "sha": tree, "path": "", "size": None}
        found = self.ls_tree(path, commit, sub=file_path)
        for e in found:
            if e["path"] == file_path:
                return e
        return None

    def build_tree(self, path: Path, base_tree: str | None, changes: list[dict]) -> str:
        """Apply changes [{path, mode, type, sha|None}] on top of base_tree, nested paths allowed.

        Works on a flat path map written through a throw-away index, because index commands
        that edit paths (rm, ls-files) refuse to run in a bare repository.
        """
        flat: dict[str, tuple[str, str]] = {}
        if base_tree:
            for e in self.ls_tree(path, base_tree, recursive=True):
                if e["type"] != "tree":
                    flat[e["path"]] = (e["mode"], e["sha"])
        for ch in changes:
            p = ch["path"].strip("/")
            # Replacing a path drops whatever was below it (a file replacing a directory).
            for existing in [k for k in flat if k == p or k.startswith(p + "/")]:
                del flat[existing]
            # ... and a file standing where a directory is now needed.
            parts = p.split("/")
            for i in range(1, len(parts)):
                flat.pop("/".join(parts[:i]), None)
            if ch.get("sha") is None:
                continue
            if ch.get("type") == "tree" or ch.get("mode") == "040000":
                for e in self.ls_tree(path, ch["sha"], recursive=True):
                    if e["type"] != "tree":
                        flat[f"{p}/{e['path']}"] = (e["mode"], e["sha"])
            else:
                flat[p] = (ch.get("mode") or "100644", ch["sha"])
        with tempfile.TemporaryDirectory(prefix="sbx-idx-") as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            info = "".join(f"{mode} {sha}\t{p}\n" for p, (mode, sha) in sorted(flat.items()))
            self._run(path, "read-tree", "--empty", env=env)
            if info:
                self._run(path, "update-index", "--index-info", input=info.encode(), env=env)
            return self._run(path, "write-tree", env=env).decode().strip()

    def commit_tree(self, path: Path, tree: str, parents: list[str], message: str,
                    author: dict, committer: dict) -> str:
        args = ["commit-tree", tree]
        for p in parents:
            args += ["-p", p]
        env = {
            "GIT_AUTHOR_NAME": author["name"], "GIT_AUTHOR_EMAIL": author["email"],
            "GIT_AUTHOR_DATE": git_date(author["date"]),
            "GIT_COMMITTER_NAME": committer["name"], "GIT_COMMITTER_EMAIL": committer["email"],
            "GIT_COMMITTER_DATE": git_date(committer["date"]),
        }
        return self._run(path, *args, input=message.encode(), env=env).decode().strip()

    def read_commit(self, path: Path, sha: str) -> dict:
        raw = self._run(path, "cat-file", "commit", sha).decode(errors="replace")
        head, _, message = raw.partition("\n\n")
        info: dict = {"sha": sha, "parents": [], "message": message}
        for line in head.splitlines():
            field, _, value = line.partition(" ")
            if field == "tree":
                info["tree"] = value
            elif field == "parent":
                info["parents"].append(value)
            elif field in ("author", "committer"):
                info[field] = parse_ident(value)
        return info

    def read_tag(self, path: Path, sha: str) -> dict:
        raw = self._run(path, "cat-file", "tag", sha).decode(errors="replace")
        head, _, message = raw.partition("\n\n")
        info: dict = {"sha": sha, "message": message}
        for line in head.splitlines():
            field, _, value = line.partition(" ")
            if field == "tagger":
                info["tagger"] = parse_ident(value)
            else:
                info[field] = value
        return info

    def make_tag(self, path: Path, obj: str, kind: str, tag: str, message: str,
                 tagger: dict) -> str:
        t = tagger
        text = (f"object {obj}\ntype {kind}\ntag {tag}\n"
                f"tagger {t['name']} <{t['email']}> {git_date(t['date'])}\n\n{message}")
        if not text.endswith("\n"):
            text += "\n"
        return self._run(path, "mktag", input=text.encode()).decode().strip()

    def log(self, path: Path, rev: str, file_path: str | None = None,
            since: datetime | None = None, until: datetime | None = None) -> list[str]:
        args = ["log", "--format=%H", rev]
        if since:
            args.append(f"--since={int(since.timestamp())}")
        if until:
            args.append(f"--until={int(until.timestamp())}")
        if file_path:
            args += ["--", file_path]
        return self._run(path, *args).decode().split()

    def diff_files(self, path: Path, sha: str, parent: str | None) -> list[dict]:
        base = parent or EMPTY_TREE
        numstat = self._run(path, "diff-tree", "-r", "--no-renames", "--numstat", "-z", base,
                            sha).decode(errors="replace")
        status = self._run(path, "diff-tree", "-r", "--no-renames", "--raw", "-z", base,
                           sha).decode(errors="replace")
        stats = {}
        parts = [p for p in numstat.split("\0") if p]
        for rec in parts:
            add, dele, name = rec.split("\t", 2)
            stats[name] = (0 if add == "-" else int(add), 0 if dele == "-" else int(dele))
        files = []
        raw = [p for p in status.split("\0")]
        i = 0
        while i + 1 < len(raw):
            meta, name = raw[i], raw[i + 1]
            i += 2
            if not meta.startswith(":"):
                continue
            _, _, _, new_sha, code = meta[1:].split(" ")
            kind = {"A": "added", "D": "removed", "M": "modified"}.get(code[0], "changed")
            add, dele = stats.get(name, (0, 0))
            files.append({"filename": name, "status": kind, "additions": add,
                          "deletions": dele, "changes": add + dele,
                          "sha": new_sha if kind != "removed" else meta[1:].split(" ")[2]})
        return files

    def archive(self, path: Path, sha: str, fmt: str, prefix: str) -> bytes:
        return self._run(path, "archive", f"--format={fmt}", f"--prefix={prefix}/", sha)
