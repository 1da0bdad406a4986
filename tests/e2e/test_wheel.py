"""From an empty folder with the built wheel, as an instructor starts: `pip install` the wheel
into a fresh virtual environment, `classroom-ops demo`, `classroom-ops init --from-syllabus
page.md course/`, settle the TODOs, `validate`, and rehearse provisioning on
`classroom-ops sandbox`. The checkout is never on sys.path: every command runs from a folder
outside it, with a clean environment.

The wheel and sdist are built here with `python -m build` (the wheel from the sdist, so the sdist
is proved complete too), or taken from CLASSROOM_OPS_DIST, a folder where .ci/run built them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from github import Auth, Github

from classroom_ops import published
from support import ROOT, settle_scaffold

pytestmark = pytest.mark.e2e
BUNDLED = {"starter-repo": ROOT / "templates" / "repo",
           "example-course": ROOT / "examples" / "deep-learning-at-scale"}


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, (pattern, found)
    return found[0]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    given = os.environ.get("CLASSROOM_OPS_DIST")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory) -> dict[str, str]:
    """A fresh virtual environment outside the checkout with only the wheel installed; the
    environment that commands run in (no PYTHONPATH, the venv first on PATH)."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                           "--disable-pip-version-check", str(_one(dist, "*.whl"))],
                          capture_output=True, text=True, timeout=600, cwd=venv)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "GITHUB_TOKEN", "GH_TOKEN", "GITHUB_API_URL",
                        "GITHUB_ACTIONS", "PYTHONSAFEPATH")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin"
    env["LANG"] = "C.UTF-8"
    return env


def run(env, cwd: Path, *args: str, extra_env: dict | None = None, timeout: int = 300):
    proc = subprocess.run(["classroom-ops", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**env, **(extra_env or {})})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_the_wheel_and_the_sdist_hold_the_starter_template_and_the_example_course(dist):
    wheel = zipfile.ZipFile(_one(dist, "*.whl"))
    names = set(wheel.namelist())
    for name, source in BUNDLED.items():
        files = [p for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        assert files, source
        for p in files:
            inside = f"classroom_ops/_data/{name}/{p.relative_to(source).as_posix()}"
            assert inside in names, inside
            assert wheel.read(inside) == p.read_bytes(), inside
    for needed in ("classroom_ops/starter/workflows/deadline-check.yml",
                   "classroom_ops/starter/README.md.j2", "classroom_ops/schema/classroom.schema.json",
                   "classroom_ops/dashboard/dashboard.html.j2"):
        assert needed in names, needed
    meta = wheel.read(f"classroom_ops-{published.VERSION}.dist-info/METADATA").decode()
    assert f"Version: {published.VERSION}" in meta
    assert _one(dist, "*.tar.gz").name == f"classroom_ops-{published.VERSION}.tar.gz"
    # one copy in the source tree: the package folder gets them only inside the build
    assert not (ROOT / "src" / "classroom_ops" / "_data").exists()


def test_from_an_empty_folder_install_demo_init_validate_and_rehearse(installed, tmp_path):
    work = tmp_path / "empty"
    work.mkdir()
    env = installed
    # the package comes from the fresh environment, not from the checkout
    where = subprocess.run(["python", "-c", "import classroom_ops; print(classroom_ops.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert where.returncode == 0, where.stderr
    assert ROOT not in Path(where.stdout.strip()).resolve().parents

    # the demo: the example course and the starter template come from the package
    proc = run(env, work, "demo", "-o", "demo-output", "--teams", "3", timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    course = yaml.safe_load((work / "demo-output" / "course" / "classroom.yml").read_text())
    template = Path(course["repos"]["template"])
    assert ROOT not in template.resolve().parents and template.name == "starter-repo"

    # init from the course page, as the README says
    (work / "page.md").write_bytes((ROOT / "tests" / "data" / "course-page.md").read_bytes())
    proc = run(env, work, "init", "--from-syllabus", "page.md", "course/")
    assert proc.returncode == 0, proc.stderr
    assert "classroom-ops validate -c course/classroom.yml" in proc.stdout
    proc = run(env, work, "validate", "-c", "course/classroom.yml")
    assert proc.returncode == 2 and "course.org 'TODO: your GitHub organization'" in proc.stderr

    settle_scaffold(work / "course")
    proc = run(env, work, "validate", "-c", "course/classroom.yml")
    assert proc.returncode == 0, proc.stderr
    assert "2 teams, 6 students, 6 milestones" in proc.stdout

    # the rehearsal: a sandbox seeded from the course, then provisioning as the instructor
    info = work / "sandbox.json"
    sandbox = subprocess.Popen(["classroom-ops", "sandbox", "--port", "0", "--config",
                                "course/classroom.yml", "--info-file", str(info)],
                               cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline and sandbox.poll() is None:
            time.sleep(0.05)
        data = json.loads(info.read_text())
        token = data["tokens"]["prof-lee"]
        as_instructor = {"GITHUB_TOKEN": token}
        api = ["--api-url", data["api_url"]]
        proc = run(env, work, "provision", "-c", "course/classroom.yml", *api, "--dry-run",
                   extra_env=as_instructor)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert token not in proc.stdout + proc.stderr
        proc = run(env, work, "provision", "-c", "course/classroom.yml", *api, "--yes",
                   extra_env=as_instructor)
        assert proc.returncode == 0, proc.stdout + proc.stderr

        gh = Github(base_url=data["api_url"], auth=Auth.Token(token), retry=None)
        repos = sorted(r.name for r in gh.get_organization("dls-fall-2026").get_repos())
        assert len(repos) == 2 and "final-sparse-squad" in repos  # and the accented team's
        workflow = gh.get_repo(f"dls-fall-2026/{repos[0]}").get_contents(
            ".github/workflows/deliverables.yml").decoded_content.decode()
        assert published.pip_requirement() in workflow
        # a rerun finds nothing to do
        proc = run(env, work, "provision", "-c", "course/classroom.yml", *api, "--dry-run",
                   extra_env=as_instructor)
        assert proc.returncode == 0, proc.stdout + proc.stderr

        # a student accepts the organization's e-mail invitation (the API call behind "Join"),
        # clones, and runs the command their feedback workflow runs
        as_student = Github(base_url=data["api_url"], auth=Auth.Token(data["tokens"]["dana-ok"]),
                            retry=None)
        as_student.requester.requestJsonAndCheck(
            "PATCH", "/user/memberships/orgs/dls-fall-2026", input={"state": "active"})
        clone = work / "final-sparse-squad"
        url = data["git_url"].replace("://", f"://x-access-token:{data['tokens']['dana-ok']}@", 1)
        subprocess.run(["git", "clone", "-q", f"{url}/dls-fall-2026/final-sparse-squad.git",
                        str(clone)], check=True, capture_output=True, timeout=120,
                       env={**env, "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1",
                            "GIT_CONFIG_GLOBAL": os.devnull})
        [step] = [s for s in yaml.safe_load(
            (clone / ".github/workflows/deliverables.yml").read_text())["jobs"]["check"]["steps"]
            if str(s.get("run", "")).startswith("classroom-ops ")]
        args = step["run"].split()[1:]
        assert args == ["check", "--local", ".", "--fail-on", "due"]
        proc = run(env, clone, *args)
        assert proc.returncode in (0, 1), proc.stderr  # red or not by today's date
        assert "report/final.pdf is not in the repository" in proc.stdout
        proc = run(env, clone, *args[:-1], "any")  # as shipped, the final report is missing
        assert proc.returncode == 1, proc.stdout + proc.stderr
    finally:
        sandbox.send_signal(signal.SIGINT)
        out, err = sandbox.communicate(timeout=30)
    assert sandbox.returncode == 0, err
