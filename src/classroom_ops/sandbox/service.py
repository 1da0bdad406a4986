"""The sandbox as a Python object (for tests) and as a foreground service (for the CLI)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile
import threading
from datetime import datetime, timedelta
from pathlib import Path

from .accounts import (
    accept_invitations,
    create_installation,
    create_org,
    create_user,
    seed,
)
from .server import App, Server


class Sandbox:
    """A fake GitHub on loopback: REST API at the root, git smart HTTP at /OWNER/REPO.git."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, state_dir: str | Path | None = None,
                 generate_delay: float = 0.0, capture: bool = False,
                 content_limit: bool = True):
        self.host = host
        self.port = port
        self._tmp = None
        if state_dir is None:
            self._tmp = tempfile.mkdtemp(prefix="classroom-ops-sandbox-")
            data_dir = Path(self._tmp)
        else:
            data_dir = Path(state_dir)
            data_dir.mkdir(parents=True, exist_ok=True)
        self.app = App(data_dir, persistent=state_dir is not None,
                       generate_delay=generate_delay, capture=capture,
                       content_limit=content_limit)
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> Sandbox:
        self._server = Server((self.host, self.port), self.app)
        self.port = self._server.server_address[1]
        self.app.base_url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="classroom-ops-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            self.app.save()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> Sandbox:
        return self.start() if self._server is None else self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- addresses -----------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        return self.app.base_url

    @property
    def git_url(self) -> str:
        return self.app.base_url

    @property
    def admin_token(self) -> str:
        return self.app.admin_token

    @property
    def generate_delay(self) -> float:
        return self.app.generate_delay

    @generate_delay.setter
    def generate_delay(self, value: float) -> None:
        self.app.generate_delay = value

    # -- accounts ------------------------------------------------------------------------------
    def create_user(self, login: str, permissions: dict | None = None,
                    scopes: list[str] | None = None) -> str:
        return create_user(self.app, login, permissions, scopes)

    def create_installation(self, org: str, permissions: dict | None = None) -> str:
        return create_installation(self.app, org, permissions)

    def create_org(self, login: str, owners: list[str] = (), members: list[str] = (),
                   base_permission: str = "read") -> dict:
        org = create_org(self.app, login, owners, members, base_permission)
        return {"login": org["login"], "id": org["id"]}

    def seed(self, spec: dict) -> dict[str, str]:
        return seed(self.app, spec)

    def token(self, login: str) -> str:
        return self.app.state.user(login)["token"]

    def accept_invitations(self, login: str) -> int:
        return accept_invitations(self.app, login)

    # -- clock ---------------------------------------------------------------------------------
    def set_clock(self, when: datetime, frozen: bool | None = None) -> datetime:
        return self.app.clock.set(when, frozen=frozen)

    def advance(self, delta: timedelta) -> datetime:
        return self.app.clock.advance(delta)

    def now(self) -> datetime:
        return self.app.clock.now()

    # -- observation and faults ------------------------------------------------------------------
    def requests(self) -> list[dict]:
        with self.app.log_lock:
            return [dict(e) for e in self.app.log]

    def clear_requests(self) -> None:
        with self.app.log_lock:
            self.app.log.clear()

    def exchanges(self) -> list[dict]:
        with self.app.log_lock:
            return list(self.app.exchanges)

    def clear_exchanges(self) -> None:
        with self.app.log_lock:
            self.app.exchanges.clear()

    def add_fault(self, **spec) -> dict:
        return self.app.faults.add(spec)

    def clear_faults(self) -> None:
        self.app.faults.clear()

    def set_rate_limit(self, login: str | None, remaining: int, resource: str = "core") -> dict:
        return self.app.limits.set(login, resource, remaining)

    def repo_path(self, owner: str, name: str) -> Path:
        return self.app.git.path(owner, name)


def serve(host: str = "127.0.0.1", port: int = 0, state_dir: str | Path | None = None,
          seed: dict | str | Path | None = None, info_file: str | Path | None = None,
          generate_delay: float = 0.0) -> None:
    """Run in the foreground until Ctrl-C or SIGTERM."""
    sb = Sandbox(host=host, port=port, state_dir=state_dir, generate_delay=generate_delay)
    stop = threading.Event()
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, lambda *_: stop.set())
    try:
        sb.start()
        tokens = {}
        if seed:
            if not isinstance(seed, dict):
                seed = json.loads(Path(seed).read_text())
            tokens = sb.seed(seed)
        print(f"sandbox API:   {sb.api_url}", flush=True)
        print(f"sandbox git:   {sb.git_url}/OWNER/REPO.git", flush=True)
        print(f"admin token:   {sb.admin_token}", flush=True)
        for login, tok in tokens.items():
            print(f"token {login}: {tok}", flush=True)
        if info_file:
            info = {"api_url": sb.api_url, "git_url": sb.git_url, "admin_token": sb.admin_token,
                    "pid": os.getpid(), "tokens": tokens}
            tmp = Path(str(info_file) + ".tmp")
            tmp.write_text(json.dumps(info, indent=2))
            # Written atomically so a reader polling for the file never sees half of it.
            os.replace(tmp, info_file)
        while not stop.wait(0.2):
            pass
    finally:
        sb.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if info_file:
            try:
                os.unlink(info_file)
            except OSError:
                pass
        print("sandbox stopped", file=sys.stderr, flush=True)
