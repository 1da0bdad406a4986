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

from . import invitations
from .clock import iso
from .server import App, Server
from .state import ADMIN_LOGIN, key

BASE_PERMISSIONS = ("read", "write", "admin", "none")


def create_user(app: App, login: str, permissions: dict | None = None,
                scopes: list[str] | None = None) -> str:
    """The user's classic token (full scopes, idempotent: the same login keeps it); with
    `permissions`, a NEW fine-grained personal access token holding exactly those; with
    `scopes`, a new classic token with only those scopes."""
    user = app.state.ensure_user(login, iso(app.clock.now()))
    token = user["token"]
    if permissions is not None:
        token = app.state.add_token(login, "fine_grained", permissions=check_grant(permissions))
    elif scopes is not None:
        token = app.state.add_token(login, "classic", scopes=sorted(scopes))
    app.save()
    return token


INSTALLATION_LIFETIME = timedelta(hours=1)


def check_grant(permissions: dict) -> dict:
    from .permissions import APP_PERMISSIONS
    for name, level in permissions.items():
        if name not in APP_PERMISSIONS:
            raise ValueError(f"unknown permission {name!r}; use {', '.join(APP_PERMISSIONS)}")
        if level not in ("read", "write"):
            raise ValueError(f"permission {name} must be read or write, not {level!r}")
    return dict(permissions)


def create_installation(app: App, org_login: str, permissions: dict | None = None) -> str:
    """Mint a token of a GitHub App installed on `org_login` (all its repositories): a new token
    on every call, valid one hour of sandbox clock. `permissions=None` is the App's full grant
    (every permission write, metadata read). The App acts with owner reach on the organization
    but has no user (`GET /user` is refused), is not listed as a member and joins no team."""
    now = app.clock.now()
    org = app.state.org(org_login)
    if org is None:
        raise ValueError(f"no organization {org_login}")
    bot = app.state.ensure_user(f"classroom-ops-{org_login}[bot]", iso(now))
    bot["app"] = True
    bot["type"] = "Bot"
    bot["installed_on"] = key(org_login)
    with app.state.lock:
        # Owner reach comes from this role; member lists leave Apps out.
        org["members"][key(bot["login"])] = "admin"
    if permissions is None:
        from .permissions import APP_PERMISSIONS
        permissions = {p: "write" for p in APP_PERMISSIONS}
        permissions["metadata"] = "read"
    token = app.state.add_token(bot["login"], "installation",
                                permissions=check_grant(permissions),
                                expires_at=iso(now + INSTALLATION_LIFETIME), org=org_login)
    app.save()
    return token


def create_org(app: App, login: str, owners: list[str] = (), members: list[str] = (),
               base_permission: str = "read") -> dict:
    """A new org gets `base_permission` (GitHub's default for a new organization is "read");
    an existing one keeps its own."""
    if base_permission not in BASE_PERMISSIONS:
        raise ValueError(f"base_permission must be one of {', '.join(BASE_PERMISSIONS)}")
    now = iso(app.clock.now())
    org = app.state.ensure_org(login, now, base_permission=base_permission)
    with app.state.lock:
        for name in owners:
            app.state.ensure_user(name, now)
            org["members"][key(name)] = "admin"
        for name in members:
            app.state.ensure_user(name, now)
            org["members"].setdefault(key(name), "member")
    app.save()
    return org


# A seed's "profile": what a fresh github.com organization does, or the easy path for tests
# that do not care about invitations and base permissions.
PROFILES = {"github.com": {"base_permission": "read"}, "friendly": {"base_permission": "none"}}


def seed(app: App, spec: dict) -> dict[str, str]:
    profile = spec.get("profile", "github.com")
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {profile!r}")
    tokens = {}
    for login in spec.get("users", []):
        tokens[login] = create_user(app, login)
    for spec_org in spec.get("orgs", []):
        owners, members = spec_org.get("owners", []), spec_org.get("members", [])
        invited = spec_org.get("invited", [])
        base = spec_org.get("base_permission", PROFILES[profile]["base_permission"])
        existed = app.state.org(spec_org["login"]) is not None
        org = create_org(app, spec_org["login"], owners, members, base_permission=base)
        with app.state.lock:
            if existed and "base_permission" in spec_org:
                org["base_permission"] = base
            org["profile"] = profile
            now = iso(app.clock.now())
            inviter = owners[0] if owners else ADMIN_LOGIN
            for login in invited:
                app.state.ensure_user(login, now)
                if key(login) in org["members"]:
                    continue
                if profile == "friendly":
                    org["members"][key(login)] = "member"
                else:
                    invitations.invite(app.state, org, login, inviter, now)
        for login in [*owners, *members, *invited]:
            tokens[login] = app.state.user(login)["token"]
    app.save()
    return tokens


def accept_invitations(app: App, login: str) -> int:
    """What a student does by clicking "Join": their pending (unexpired) org invitations, with
    the team memberships they carry, and their repository invitations apply."""
    count = 0
    k = key(login)
    with app.state.lock:
        invitations.sweep(app.state, app.clock.now())
        for org in app.state.orgs.values():
            if invitations.accept(app.state, org, login):
                count += 1
        for inv_id, inv in list(app.state.data["invitations"].items()):
            if inv["invitee"] == k:
                repo = app.state.repos.get(inv["repo"])
                if repo:
                    repo["collaborators"][k] = inv["permission"]
                del app.state.data["invitations"][inv_id]
                count += 1
    app.save()
    return count


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
