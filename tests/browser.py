"""Headless Chromium for tests, driven over the Chrome DevTools Protocol with the stdlib only.

    from browser import Browser, find_chromium

    exe = find_chromium()            # None: skip the test (Debian package `chromium`)
    with Browser(exe, tmp_path) as page:
        page.open(path.as_uri())     # waits for the load event
        page.evaluate("document.title")
        page.click("#grid thead th:nth-child(2)")   # a real mouse click at the element
        page.type("#filter", "late")                # focus, then typed text (fires `input`)
        page.screenshot(tmp_path / "shot.png")      # the whole page
        assert page.errors() == []   # uncaught exceptions, console.error, CSP violations...

One page per Browser. Chromium runs in its own process group with a throwaway profile, and the
group is ended when the `with` block exits.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio",
         "--hide-scrollbars", "--font-render-hinting=none"]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class CDPError(AssertionError):
    pass


class _WebSocket:
    """Just enough of RFC 6455 for CDP: text frames out (masked), text frames in."""

    def __init__(self, url: str, timeout: float):
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                           ).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise CDPError("DevTools closed the connection during the handshake")
            head += chunk
        status, _, rest = head.partition(b"\r\n\r\n")
        if b" 101 " not in status.split(b"\r\n")[0]:
            raise CDPError(f"DevTools refused the WebSocket: {status[:200]!r}")
        self.buf = rest

    def _read(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buf)))
            if not chunk:
                raise CDPError("DevTools closed the connection")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _frame(self, opcode: int, payload: bytes) -> None:
        head = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def send(self, text: str) -> None:
        self._frame(0x1, text.encode())

    def recv(self) -> str:
        message = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if opcode == 0x8:
                raise CDPError("DevTools closed the WebSocket")
            if opcode == 0x9:
                self._frame(0xA, data)
                continue
            if opcode in (0x0, 0x1, 0x2):
                message += data
                if b0 & 0x80:
                    return message.decode()

    def close(self) -> None:
        try:
            self._frame(0x8, b"")
        except OSError:
            pass
        self.sock.close()


class Page:
    """One tab: commands, the events they caused, and a few user-level actions."""

    def __init__(self, ws: _WebSocket, timeout: float):
        self.ws, self.timeout = ws, timeout
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, **params) -> dict:
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise CDPError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, event: str, since: int = 0) -> dict:
        """The first `event` after the first `since` events, waiting for it if needed."""
        deadline = time.monotonic() + self.timeout
        seen = since
        while True:
            for msg in self.events[seen:]:
                if msg["method"] == event:
                    return msg
            seen = len(self.events)
            if time.monotonic() > deadline:
                raise CDPError(f"no {event} within {self.timeout} s")
            self.events.append(json.loads(self.ws.recv()))

    def open(self, url: str) -> None:
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        mark = len(self.events)
        result = self.send("Page.navigate", url=url)
        if result.get("errorText"):
            raise CDPError(f"could not open {url}: {result['errorText']}")
        self.wait_for("Page.loadEventFired", since=mark)

    def reload(self) -> None:
        mark = len(self.events)
        self.send("Page.reload", ignoreCache=True)
        self.wait_for("Page.loadEventFired", since=mark)

    def evaluate(self, expression: str):
        """The value of a JavaScript expression (JSON-serializable values only)."""
        r = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            raise CDPError(f"{expression!r} threw: {r['exceptionDetails']}")
        return r["result"].get("value")

    def click(self, selector: str) -> None:
        """A left click in the middle of the element, as the mouse would make it."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " if (!e) return null; e.scrollIntoView({block: 'center'});"
            " const r = e.getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2, r.width * r.height]; })()")
        if not box or not box[2]:
            raise CDPError(f"nothing visible to click at {selector}")
        x, y = box[0], box[1]
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                      clickCount=1)

    def type(self, selector: str, text: str) -> None:
        """Focus the element and type `text` into it (fires `input` events like a keyboard)."""
        if not self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                             " if (!e) return false; e.focus(); e.select && e.select();"
                             " return document.activeElement === e; })()"):
            raise CDPError(f"cannot focus {selector}")
        self.send("Input.insertText", text=text)

    def scripts(self, enabled: bool) -> None:
        self.send("Emulation.setScriptExecutionDisabled", value=not enabled)

    def screenshot(self, path: Path, width: int = 1280) -> bytes:
        """A PNG of the whole page at `width` CSS pixels; written to `path`, and returned."""
        height = int(self.evaluate("Math.ceil(document.documentElement.scrollHeight)"))
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        data = base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"])
        self.send("Emulation.clearDeviceMetricsOverride")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data

    def errors(self) -> list[str]:
        """Everything the page reported as an error: uncaught exceptions, console.error and
        console.assert, and browser log errors (CSP violations, failed loads)."""
        out = []
        for e in self.events:
            p = e.get("params", {})
            if e["method"] == "Runtime.exceptionThrown":
                d = p["exceptionDetails"]
                out.append(d.get("exception", {}).get("description") or d.get("text", ""))
            elif e["method"] == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description", "")))
                                    for a in p.get("args", [])))
            elif e["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
                out.append(p["entry"].get("text", ""))
        return out


class Browser:
    def __init__(self, exe: str, workdir: Path, *, timeout: float = 30.0,
                 width: int = 1280, height: int = 900):
        self.exe, self.workdir, self.timeout = exe, Path(workdir), timeout
        self.size = (width, height)
        self.proc: subprocess.Popen | None = None
        self.page: Page | None = None

    def __enter__(self) -> Page:
        profile = self.workdir / "chromium-profile"
        profile.mkdir(parents=True, exist_ok=True)
        self.log = self.workdir / "chromium.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [self.exe, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                 f"--window-size={self.size[0]},{self.size[1]}", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        try:
            port = self._port(profile / "DevToolsActivePort")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list",
                                        timeout=self.timeout) as r:
                targets = json.loads(r.read())
            url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
            self.page = Page(_WebSocket(url, self.timeout), self.timeout)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self.page

    def _port(self, active: Path) -> int:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise CDPError(f"chromium exited with {self.proc.returncode}: "
                               f"{self.log.read_text(errors='replace')[-2000:]}")
            try:
                return int(active.read_text().split()[0])
            except (OSError, IndexError, ValueError):
                time.sleep(0.05)
        raise CDPError(f"chromium did not open DevTools within {self.timeout} s")

    def __exit__(self, *exc) -> None:
        if self.page is not None:
            self.page.ws.close()
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the group this Popen started
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
