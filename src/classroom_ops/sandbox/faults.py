"""Injected failures, so the tool's retry and resume logic can be exercised on purpose."""

from __future__ import annotations

import re
import threading

KINDS = {"secondary_rate_limit", "primary_rate_limit", "status", "drop", "latency"}


class FaultError(ValueError):
    pass


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[dict] = []
        self._next = 1

    def add(self, spec: dict) -> dict:
        kind = spec.get("kind")
        if kind not in KINDS:
            raise FaultError(f"kind must be one of {sorted(KINDS)}")
        match = spec.get("match") or {}
        if not isinstance(match, dict):
            raise FaultError("match must be an object")
        fault = {
            "id": 0, "kind": kind,
            "method": (match.get("method") or "").upper() or None,
            "path": match.get("path"), "path_regex": match.get("path_regex"),
            "status": int(spec.get("status", 502 if kind == "status" else 403)),
            "retry_after": spec.get("retry_after", 1),
            "latency_ms": int(spec.get("latency_ms", 100)),
            "times": spec.get("times"), "after_write": bool(spec.get("after_write", False)),
            "message": spec.get("message"), "hits": 0,
        }
        if fault["path_regex"]:
            try:
                re.compile(fault["path_regex"])
            except re.error as exc:
                raise FaultError(f"bad path_regex: {exc}") from exc
        if fault["times"] is not None:
            fault["times"] = int(fault["times"])
        with self._lock:
            fault["id"] = self._next
            self._next += 1
            self._faults.append(fault)
        return dict(fault)

    def take(self, method: str, path: str) -> dict | None:
        """The first matching fault, counted as used once."""
        with self._lock:
            for fault in self._faults:
                if fault["method"] and fault["method"] != method:
                    continue
                if fault["path"] and fault["path"].rstrip("/") != path.rstrip("/"):
                    continue
                if fault["path_regex"] and not re.search(fault["path_regex"], path):
                    continue
                fault["hits"] += 1
                if fault["times"] is not None:
                    fault["times"] -= 1
                    if fault["times"] <= 0:
                        self._faults.remove(fault)
                return dict(fault)
        return None

    def list(self) -> list[dict]:
        with self._lock:
            return [dict(f) for f in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
