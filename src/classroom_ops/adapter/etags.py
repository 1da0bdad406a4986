"""Conditional requests across runs: a directory of ETags and the bodies they stand for.

GitHub answers `If-None-Match` with `304 Not Modified` when nothing changed, and a 304 costs no
primary rate limit. A scheduled check of a course where nothing moved then costs close to nothing,
as long as this directory survives between runs (a workflow keeps it with actions/cache).

Keys are hashes of the URL and the parameters, not of the token: a GitHub App token is minted
anew for every job, and it is the server that decides whether a cached ETag still holds for the
token asking (GitHub's ETags can differ from token to token; then the answer is a full 200 and the
entry is replaced, so the folder does not grow with every new token). No token is ever written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..fileio import write_atomic


class EtagCache:
    def __init__(self, folder: str | Path, api_url: str):
        self.folder = Path(folder)
        self.scope = api_url
        self.hits = 0

    def _path(self, url: str, params: dict | None) -> Path:
        key = json.dumps([self.scope, url, sorted((params or {}).items())], default=str)
        return self.folder / hashlib.sha256(key.encode()).hexdigest()[:40]

    def get(self, url: str, params: dict | None) -> tuple[str, dict, object] | None:
        try:
            raw = json.loads(self._path(url, params).read_text(encoding="utf-8"))
            return raw["etag"], raw["headers"], raw["data"]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged: just ask without a condition

    def put(self, url: str, params: dict | None, etag: str, headers: dict, data) -> None:
        keep = {k: v for k, v in headers.items() if k in ("link",)}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self._path(url, params),
                         json.dumps({"etag": etag, "headers": keep, "data": data}))
        except OSError:
            pass  # a cache that cannot be written only costs requests
