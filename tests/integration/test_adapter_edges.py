"""Adapter and local-mode edges found in review, against a real HTTP server on loopback."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from classroom_ops.adapter import GitHub
from classroom_ops.errors import Unavailable

pytestmark = pytest.mark.integration


class _HtmlErrors(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):  # noqa: N802 (http.server's naming)
        type(self).hits += 1
        body = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        self.send_response(502)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_an_html_error_page_is_retried_then_reported_not_a_crash():
    server = HTTPServer(("127.0.0.1", 0), _HtmlErrors)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sleeps = []
        gh = GitHub(f"http://127.0.0.1:{server.server_port}", "t", write_delay=0,
                    sleep=sleeps.append, max_attempts=3)
        with pytest.raises(Unavailable) as e:
            gh.get_repo("o/r")
        assert "GitHub answered 502" in str(e.value)
        assert _HtmlErrors.hits == 3 and sleeps == [1.0, 2.0]
    finally:
        server.shutdown()
        server.server_close()


def test_local_rules_with_a_due_time_without_offset_is_a_clear_error(tmp_path, run_cli):
    rules = tmp_path / ".github" / "classroom.yml"
    rules.parent.mkdir()
    rules.write_text("milestones:\n  - {id: p, title: P, due: '2026-10-09T23:59'}\n")
    res = run_cli("check", "--local", str(tmp_path))
    assert res.code == 2 and "is not an ISO time with its offset" in res.err
