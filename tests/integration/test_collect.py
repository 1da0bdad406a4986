"""`collect` and `archive-repos` end to end: a term of teams push with real git on the sandbox
clock, `check` writes the ledger, `collect` builds the archive and the gallery; a second term is
added; reruns change nothing; hostile project files stay inert; the website gets one commit."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from classroom_ops.commands.sandbox_cmd import seed_for
from classroom_ops.config import load_course
from classroom_ops.pdfgen import sample_report

from .conftest import COURSE, CourseEnv
from .gitops import git, push_files

pytestmark = pytest.mark.integration

HOSTILE = ('<script>window.pwned=1</script> [click me](https://evil.example) @prof-lee '
           '{{ site.github }} {% raw %}')
FALL = COURSE.replace(
    "  - {{name: KV Cachers, members: [gina, hal, ivy]}}\n",
    "  - {{name: KV Cachers, members: [gina, hal, ivy]}}\n"
    "  - {{name: Lazy Llamas, members: [jay, kira, liam]}}\n"
    "  - {{name: Odd Areas, members: [mona, ned, olga]}}\n",
).replace("include: [report/final.pdf, README.md]",
          'include: [report/final.pdf, README.md, "extra/*"]')
SPRING = FALL.replace("term: fall-2026", "term: spring-2027").replace(
    "start: 2026-08-31", "start: 2027-01-11").replace(
    'name: "final-{{team}}"', 'name: "s27-{{team}}"').replace(
    "due: 2026-12-11 23:59", "due: 2027-05-07 23:59").replace(
    "due: week 6", "due: 2027-02-19")
SPRING = SPRING[:SPRING.index("teams:")] + (
    "teams:\n  - {{name: Flash Folks, members: [alice, dave]}}\n") + SPRING[SPRING.index(
        "milestones:"):]
DENSE_PUBLIC = "p." + hashlib.sha256(b"fall-2026/dense-crew").hexdigest()[:12]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def project_yml(title, area, abstract="We make training faster.", share=True, names=True):
    return (f"title: {json.dumps(title)}\narea: {json.dumps(area)}\n"
            f"abstract: {json.dumps(abstract)}\n"
            f"share_report: {str(share).lower()}\nshare_names: {str(names).lower()}\n")


@pytest.fixture
def term(sandbox, tmp_path, run_cli, monkeypatch):
    config = tmp_path / "classroom.yml"
    from support import ROOT

    config.write_text(FALL.format(template=ROOT / "templates" / "repo"))
    tokens = sandbox.seed(seed_for(load_course(config)))
    env = CourseEnv(sandbox, tmp_path, config, tokens, run_cli, monkeypatch)
    sandbox.set_clock(at("2026-09-01T12:00:00-04:00"))
    assert env.run("provision", "--yes").code == 0
    env.join()  # the students accept their invitations
    env.work = tmp_path / "work"
    env.work.mkdir()
    env.archive = tmp_path / "archive"
    return env


def push(env, login, repo, files, **kw):
    return push_files(env.sandbox, env.tokens[login], f"dls/{repo}", env.work, files, **kw)


def collect(env, *args, config=None):
    env.monkeypatch.setenv("GITHUB_TOKEN", env.tokens["prof-lee"])
    return env.run_cli("collect", "-c", str(config or env.config), "--api-url",
                       env.sandbox.api_url, "-o", str(env.archive), *args)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run_fall_term(env):
    sb = env.sandbox
    sb.set_clock(at("2026-12-10T20:00:00-05:00"))
    sparse = push(env, "alice", "final-sparse-squad", {
        "report/final.pdf": sample_report(title="Sparse"),
        "README.md": "# Sparse Squad\n",
        "project.yml": project_yml(HOSTILE, "training efficiency",
                                   abstract="Line one.\n[x](javascript:alert(1)) <b>bold</b>"),
        "extra/<img src=x onerror=alert(1)>.txt": "hostile name",
        "extra/ok.txt": "fine",
    })
    # a symbolic link that points out of the repository, committed as a link
    dest = env.work / "dls__final-sparse-squad"
    os.symlink("../../../../../../etc/passwd", dest / "extra" / "passwd")
    git("add", "-A", cwd=dest)
    git("commit", "-q", "-m", "link", cwd=dest)
    git("push", "-q", "origin", "HEAD", cwd=dest)
    sparse = git("rev-parse", "HEAD", cwd=dest).strip()
    push(env, "gina", "final-kv-cachers", {
        "report/final.pdf": sample_report(title="KV"),
        "project.yml": project_yml("Paged KV caches", "Quantization", share=False, names=False),
    })
    push(env, "mona", "final-odd-areas", {
        "report/final.pdf": sample_report(title="Odd"),
        "project.yml": project_yml("Blockchain for GPUs", "Blockchain"),
    })
    sb.set_clock(at("2026-12-12T10:00:00-05:00"))  # dense-crew: 10 h 1 min after Fri 23:59
    dense = push(env, "dave", "final-dense-crew", {
        "report/final.pdf": sample_report(title="Dense"),
        "project.yml": project_yml("Int4 everywhere", "Quantization", names=False),
    })
    sb.set_clock(at("2026-12-14T09:00:00-05:00"))
    res = env.run("check", "--milestone", "final-report", "--no-issues",
                  "--ledger", str(env.dir / "ledger.json"))
    assert res.code == 1, res  # lazy-llamas has no report
    return sparse, dense


def test_collect_a_term_then_another_then_rerun(term):
    env = term
    sparse, dense = run_fall_term(env)
    ledger = str(env.dir / "ledger.json")
    res = collect(env, "--ledger", ledger)
    assert res.code == 1, res
    root = env.archive
    fall = root / "fall-2026"
    assert sorted(p.name for p in fall.iterdir()) == [
        "dense-crew", "index.json", "kv-cachers", "lazy-llamas", "odd-areas", "sparse-squad"]

    # the files at the snapshot, with a record of where they came from
    s = json.loads((fall / "sparse-squad" / "project.json").read_text())
    assert s["commit"] == sparse and s["status"] == "on_time" and s["timing"] == "on time"
    assert s["title"] == HOSTILE
    assert s["area"] == "Training Efficiency"  # matched without regard to case
    assert s["members"] == ["alice", "bob", "carol"] and s["source"] == "ledger"
    assert s["repository"].endswith("/dls/final-sparse-squad")
    assert (fall / "sparse-squad" / "report" / "final.pdf").read_bytes().startswith(b"%PDF-")
    assert (fall / "sparse-squad" / "README.md").read_text() == "# Sparse Squad\n"
    assert (fall / "sparse-squad" / "extra" / "<img src=x onerror=alert(1)>.txt").is_file()
    assert not (fall / "sparse-squad" / "extra" / "passwd").exists()
    assert [f["path"] for f in s["files"]] == [
        "README.md", "extra/<img src=x onerror=alert(1)>.txt", "extra/ok.txt",
        "project.yml", "report/final.pdf"]
    assert s["files"][-1]["sha256"] == hashlib.sha256(
        (fall / "sparse-squad" / "report" / "final.pdf").read_bytes()).hexdigest()
    d = json.loads((fall / "dense-crew" / "project.json").read_text())
    assert d["status"] == "late" and d["commit"] == dense
    assert d["late_by_seconds"] == 10 * 3600 + 60 and d["timing"] == "late by 10 h 1 min"
    lazy = json.loads((fall / "lazy-llamas" / "project.json").read_text())
    assert lazy["status"] == "missing" and lazy["listed"] is False
    # nothing outside the archive, no link followed
    assert sorted(p.name for p in env.dir.iterdir()) == sorted(  # .classroom-ops: provision's
        [".classroom-ops", "archive", "classroom.yml", "ledger.json", "work"])
    assert not any(p.is_symlink() for p in root.rglob("*"))

    # every problem, per team, and the rest still collected
    out = res.out
    assert "problems (3 teams):" in out
    assert "sparse-squad: extra/passwd is a symbolic link, not a file; not collected" in out
    assert "lazy-llamas: report/final.pdf is missing at" in out
    assert "lazy-llamas: project.yml: title is empty" in out  # the template's empty file
    assert ("odd-areas: project.yml: area 'Blockchain' is not one of the course's areas "
            "(Training Efficiency, Quantization)") in out

    # index, manifest over every file, deterministic zip of the term
    index = json.loads((fall / "index.json").read_text())
    assert [t["slug"] for t in index["teams"]] == [
        "dense-crew", "kv-cachers", "lazy-llamas", "odd-areas", "sparse-squad"]
    assert [t["slug"] for t in index["teams"] if t["listed"]] == [
        "dense-crew", "kv-cachers", "sparse-squad"]
    manifest = (root / "MANIFEST.sha256").read_text().splitlines()
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in manifest}
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {"MANIFEST.sha256"}
    assert all(hashlib.sha256((root / k).read_bytes()).hexdigest() == v
               for k, v in listed.items())
    with zipfile.ZipFile(root / "fall-2026.zip") as z:
        names = z.namelist()
        assert names == sorted(names) and "fall-2026/sparse-squad/report/final.pdf" in names
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.read("fall-2026/index.json") == (fall / "index.json").read_bytes()

    # the internal gallery lists every valid project, with names; student text is inert; it
    # says it is internal in its file names and at the top of each page
    assert sorted(p.name for p in (root / "gallery").iterdir()) == [
        "files", "index.internal-not-for-publication.html",
        "past-projects.internal-not-for-publication.md"]
    md = (root / "gallery" / "past-projects.internal-not-for-publication.md").read_text()
    assert md.startswith("---\nlayout: default\ntitle: Past Project Examples (internal, not "
                         "for publication)\n---\n")
    assert "> **Internal, not for publication:" in md
    assert "<script>" not in md and "{{" not in md and "{%" not in md
    assert "](https://evil" not in md and "@prof-lee" not in md
    assert "&lt;script&gt;" in md and "@&#8203;prof-lee" in md and "\\[click me\\]" in md
    assert md.index("## Training Efficiency") < md.index("## Quantization")
    assert "(files/fall-2026/sparse-squad/final.pdf)" in md and "gina" in md
    html = (root / "gallery" / "index.internal-not-for-publication.html").read_text()
    assert '<p class="internal"><strong>Internal, not for publication:' in html
    assert html.count("<script") == 1 and "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert "javascript:" not in html.replace("[x](javascript:alert(1))", "")
    assert "http://" not in html and "https://" not in html.replace("https://evil.example", "")
    assert (root / "gallery" / "files" / "fall-2026" / "kv-cachers" / "final.pdf").is_file()

    # a rerun with nothing new changes no file and writes nothing to GitHub
    before = snapshot(root)
    env.sandbox.clear_requests()
    assert collect(env, "--ledger", ledger).code == 1
    assert snapshot(root) == before
    assert env.writes() == []

    # GitHub fails for one team: its earlier copy is kept, the others are collected
    env.sandbox.add_fault(match={"path_regex": "^/repos/dls/final-kv-cachers/git/trees/"},
                          kind="status", status=404)
    res = collect(env, "--ledger", ledger)
    env.sandbox.clear_faults()
    assert res.code == 1 and "kv-cachers: kept the copy collected earlier" in res.out
    assert "kv-cachers: failed:" in res.out
    assert snapshot(root) == before

    # the next term, from its submission tag (no ledger), lands beside the first
    spring = env.dir / "spring.yml"
    from support import ROOT

    spring.write_text(SPRING.format(template=ROOT / "templates" / "repo"))
    env.sandbox.set_clock(at("2027-01-12T12:00:00-05:00"))
    env.monkeypatch.setenv("GITHUB_TOKEN", env.tokens["prof-lee"])
    assert env.run_cli("provision", "--yes", "-c", str(spring), "--api-url",
                       env.sandbox.api_url).code == 0
    env.sandbox.set_clock(at("2027-05-06T12:00:00-04:00"))
    flash = push(env, "alice", "s27-flash-folks", {
        "report/final.pdf": sample_report(title="Flash"),
        "README.md": "# Flash\n",
        "project.yml": project_yml("Flash attention on a budget", "Training Efficiency",
                                   share=False),
    })
    dest = env.work / "dls__s27-flash-folks"
    git("tag", "submission/final-report", flash, cwd=dest)
    git("push", "-q", "origin", "refs/tags/submission/final-report", cwd=dest)
    fall_before = snapshot(fall)
    res = collect(env, config=spring)
    assert res.code == 0, res
    f = json.loads((root / "spring-2027" / "flash-folks" / "project.json").read_text())
    assert f["commit"] == flash and f["source"] == "tag" and f["status"] == "on_time"
    assert f["pushed_at"] == "2027-05-06T16:00:00Z"
    assert snapshot(fall) == fall_before  # the other term untouched
    assert (root / "spring-2027.zip").is_file() and (root / "fall-2026.zip").is_file()
    md = (root / "gallery" / "past-projects.internal-not-for-publication.md").read_text()
    area = md[md.index("## Training Efficiency"):md.index("## Quantization")]
    assert area.index("### spring-2027") < area.index("### fall-2026")  # newest term first
    assert "Flash attention on a budget" in area

    # public: consenting teams only, names only where agreed
    res = collect(env, "--public", config=spring)
    assert res.code == 0 and "gallery of 2 projects from 2 terms (public)" in res.out
    md = (root / "gallery" / "past-projects.md").read_text()
    html = (root / "gallery" / "index.html").read_text()
    for text in (md, html):
        assert "Paged KV caches" not in text and "Flash attention" not in text
        assert "Int4 everywhere" in text and "Dense Crew" not in text and "dave" not in text
        assert "Sparse Squad" in text and "alice" in text
    files = sorted(p.relative_to(root / "gallery").as_posix()
                   for p in (root / "gallery").rglob("*.pdf"))
    # dense-crew does not share names: its folder is not its name (nor its file name)
    assert files == [f"files/fall-2026/{DENSE_PUBLIC}/report.pdf",
                     "files/fall-2026/sparse-squad/final.pdf"]
    assert json.loads((root / "spring-2027" / "index.json").read_text())["teams"][0]["title"] \
        == "Flash attention on a budget"  # the record keeps everyone


def test_publish_to_the_course_site_and_archive_repos(term):
    env = term
    run_fall_term(env)
    site = env.gh().get_organization("dls").create_repo("course-site", auto_init=True)
    ledger = str(env.dir / "ledger.json")
    env.sandbox.clear_requests()
    # --publish publishes the public gallery, with or without --public
    res = collect(env, "--ledger", ledger, "--publish", "dls/course-site:_pages/past",
                  "--dry-run")
    assert "dry run: publishing to dls/course-site:_pages/past would write" in res.out
    assert "(public)" in res.out and (env.archive / "gallery" / "index.html").is_file()
    assert env.writes() == [] and len(list(site.get_commits())) == 1
    res = collect(env, "--ledger", ledger, "--public", "--publish", "dls/course-site:_pages/past")
    assert res.code == 1 and "published to dls/course-site:_pages/past in" in res.out
    commits = list(site.get_commits())
    assert len(commits) == 2
    page = site.get_contents("_pages/past/past-projects.md").decoded_content
    assert page == (env.archive / "gallery" / "past-projects.md").read_bytes()
    pdf = site.get_contents(f"_pages/past/files/fall-2026/{DENSE_PUBLIC}/report.pdf")
    assert pdf.decoded_content.startswith(b"%PDF-")
    env.sandbox.clear_requests()
    res = collect(env, "--ledger", ledger, "--public", "--publish", "dls/course-site:_pages/past")
    assert "is already up to date" in res.out and env.writes() == []

    # files the gallery did not write are never touched, even under its PATH
    site.create_file("_pages/past/files/fall-2026/gone/final.pdf", "old", b"%PDF-old")
    site.create_file("_pages/past/_config.yml", "site", b"title: site\n")
    site.create_file("about.md", "keep", b"# About\n")
    res = collect(env, "--ledger", ledger, "--public", "--publish", "dls/course-site:_pages/past")
    assert "is already up to date" in res.out
    paths = {e.path for e in site.get_git_tree("main", recursive=True).tree}
    assert {"_pages/past/files/fall-2026/gone/final.pdf", "_pages/past/_config.yml",
            "about.md", "_pages/past/.classroom-ops-gallery.json"} <= paths
    assert len(list(site.get_commits())) == 5

    env.sandbox.set_clock(at("2026-12-20T10:00:00-05:00"))
    env.sandbox.clear_requests()
    res = env.run("archive-repos", "--dry-run")
    assert res.code == 0 and "dls/final-sparse-squad: would archive" in res.out
    assert env.writes() == []
    res = env.run("archive-repos")
    assert res.code == 0 and "5 archived, 0 already archived" in res.out
    assert all(r.archived for r in env.gh().get_organization("dls").get_repos()
               if r.name.startswith("final-"))
    env.sandbox.clear_requests()
    res = env.run("archive-repos")
    assert res.code == 0 and "0 archived, 5 already archived" in res.out
    assert env.writes() == []
    # collecting still works from archived (read-only) repositories
    assert collect(env, "--ledger", ledger).code == 1


# -- the gallery in a real browser ------------------------------------------------------------

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--remote-debugging-pipe"]


class Chromium:
    """Chrome DevTools Protocol over --remote-debugging-pipe (fd 3 in, fd 4 out; messages end
    with NUL): no websocket library, no port."""

    def __init__(self, exe: str, profile: Path):
        import fcntl
        import subprocess

        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()

        def fds():  # in the child: the pipe ends become fds 3 and 4
            a = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(3, 4, to_chrome_r, from_chrome_w), preexec_fn=fds,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf, self._id, self.events, self.session = b"", 0, [], None

    def send(self, method: str, params: dict | None = None, timeout: float = 20.0) -> dict:
        import select
        import time

        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if self.session:
            msg["sessionId"] = self.session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        end = time.monotonic() + timeout
        while True:
            while b"\0" in self._buf:
                raw, self._buf = self._buf.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._id:
                    if "error" in reply:
                        raise AssertionError(f"{method}: {reply['error']}")
                    return reply["result"]
                self.events.append(reply)
            left = end - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]:
                raise AssertionError(f"{method}: no answer from chromium")
            chunk = os.read(self._r, 1 << 16)
            if not chunk:
                raise AssertionError("chromium closed the pipe")
            self._buf += chunk

    def open(self, url: str) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", {"url": url})
        self.eval("new Promise(r => document.readyState === 'complete' ? r(1) : "
                  "addEventListener('load', () => r(1)))")

    def eval(self, expr: str):
        res = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                             "awaitPromise": True})
        assert "exceptionDetails" not in res, res
        return res["result"].get("value")

    def errors(self) -> list:
        return [e["params"] for e in self.events
                if e.get("method") == "Runtime.exceptionThrown"
                or (e.get("method") == "Runtime.consoleAPICalled"
                    and e["params"].get("type") in ("error", "assert"))
                or (e.get("method") == "Log.entryAdded"
                    and e["params"]["entry"].get("level") == "error")]

    def close(self) -> None:
        try:
            self.session = None
            self.send("Browser.close", timeout=5)
        except AssertionError:
            pass
        finally:
            os.close(self._w)
            os.close(self._r)
            try:
                self.proc.wait(timeout=10)
            except Exception:
                self.proc.kill()
                self.proc.wait()


def local_archive(root: Path) -> None:
    """Two terms written as collect writes them, with hostile student text, then the gallery."""
    from classroom_ops.archive.collect import rebuild_outputs
    from classroom_ops.archive.layout import Archive, dump_json

    def team(term, slug, title, area, share=True):
        folder = root / term / slug / "report"
        folder.mkdir(parents=True)
        (folder / "final.pdf").write_bytes(sample_report(title=slug))
        return {"slug": slug, "team": slug.title(), "members": ["alice", "bob"], "title": title,
                "area": area, "abstract": f"Abstract of {slug}. <img src=x onerror=alert(1)>",
                "share_report": share, "share_names": True, "report": "report/final.pdf",
                "listed": True}

    terms = {"fall-2026": ("2026-08-31", [
        team("fall-2026", "sparse-squad", HOSTILE, "Training Efficiency"),
        team("fall-2026", "dense-crew", "Int4 everywhere", "Quantization")]),
        "spring-2027": ("2027-01-11", [
            team("spring-2027", "flash-folks", "Flash on a budget", "Training Efficiency"),
            team("spring-2027", "shy-team", "Not shared", "Quantization", share=False)])}
    for term, (start, records) in terms.items():
        (root / term / "index.json").write_text(dump_json({
            "term": term, "start": start, "areas": ["Training Efficiency", "Quantization"],
            "teams": records}))
    rebuild_outputs(Archive(root), public=True, area_order=["Training Efficiency", "Quantization"])


def test_the_gallery_in_a_headless_browser(tmp_path):
    import shutil

    exe = shutil.which("chromium")
    if not exe:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it: "
                    "apt-get install -y chromium)")
    local_archive(tmp_path / "archive")
    page = tmp_path / "archive" / "gallery" / "index.html"
    browser = Chromium(exe, tmp_path / "profile")
    try:
        browser.open(page.as_uri())
        visible = ("Array.from(document.querySelectorAll('.card'))"
                   ".filter(c => c.offsetParent !== null)"
                   ".map(c => c.querySelector('.title').textContent)")
        assert sorted(browser.eval(visible)) == sorted(
            [HOSTILE, "Int4 everywhere", "Flash on a budget"])  # the shy team is not public
        assert browser.eval("typeof window.pwned") == "undefined"
        assert browser.eval("document.scripts.length") == 1
        assert browser.eval("document.querySelectorAll('img').length") == 0
        assert browser.eval("document.getElementById('shown').textContent") == "3 projects"

        def choose(select, value):
            return browser.eval(
                f"(() => {{ const s = document.getElementById('{select}'); s.value = "
                f"{json.dumps(value)}; s.dispatchEvent(new Event('change')); "
                f"return {visible}; }})()")

        assert choose("area-filter", "Quantization") == ["Int4 everywhere"]
        assert browser.eval("document.getElementById('shown').textContent") == "1 project"
        assert browser.eval("Array.from(document.querySelectorAll('section.area'))"
                            ".filter(s => s.offsetParent !== null).map(s => s.dataset.area)") \
            == ["Quantization"]
        assert sorted(choose("area-filter", "Training Efficiency")) == sorted(
            [HOSTILE, "Flash on a budget"])
        assert choose("term-filter", "spring-2027") == ["Flash on a budget"]
        assert len(choose("area-filter", "")) == 1 and len(choose("term-filter", "")) == 3
        # the card's link is relative and reaches the PDF beside the page
        href = browser.eval("document.querySelector('a.pdf').getAttribute('href')")
        assert not href.startswith(("/", "http", "file:")) and href.endswith("/final.pdf")
        assert (page.parent / href).read_bytes().startswith(b"%PDF-")
        assert browser.errors() == []
    finally:
        browser.close()
