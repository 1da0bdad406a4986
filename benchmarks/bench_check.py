"""Benchmark `classroom-ops check`: a full check after five of the example course's six deadlines,
then a rerun with nothing changed, from the sandbox's request log.

    .venv/bin/python benchmarks/bench_check.py --teams 10,60,200 --json out.json

The course is examples/deep-learning-at-scale/classroom.yml with N generated teams of 3. It is
provisioned at the start of term (not measured); then, on the sandbox clock, students push real
work with git before each deadline: half the teams everything (good), three in ten some of it
with mistakes, some of it late (partial), two in ten nothing (missing). The clock then moves to
Wed 2 Dec 2026, past every deadline but the final report's, and the check runs; the rerun
runs 61 minutes later (the next hourly run, in a new rate-limit window).

Budgets:
- full check: at most 4 requests per team and milestone whose deadline passed, plus what issues
  need (requests to /issues and /labels are counted apart);
- files: one recursive tree per judged commit, no contents API, only blobs that rules read, each
  fetched once;
- rerun with nothing changed: 0 writes.
Per-team budgets are binding from 60 teams (the size they are set for; smaller courses carry the
same fixed overhead over fewer teams) and shown as information below. Exit status 1 if a binding
budget fails.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import common
from common import Budget

TERM_START = "2026-09-01T12:00:00-04:00"
CHECK_AT = "2026-12-02T12:00:00-05:00"
BINDING_FROM = 60
CYCLE = ["good", "partial", "missing", "good", "partial", "good", "good", "partial", "good",
         "missing"]  # 5 good, 3 partial, 2 missing in every 10 teams; one of each in the first 3


def kind(i: int) -> str:
    return CYCLE[(i - 1) % len(CYCLE)]


WORDS = ("we shard optimizer state across data parallel ranks and measure throughput memory "
         "and loss curves at several model scales").split()


def words(n: int, seed: int = 0) -> str:
    return " ".join(WORDS[(k * 5 + seed) % len(WORDS)] for k in range(n))


def markdown(title: str, sections: list[str], per_section: int) -> str:
    return f"# {title}\n\n" + "\n\n".join(
        f"## {s}\n\n{words(per_section, k)}." for k, s in enumerate(sections)) + "\n"


PROPOSAL = ["Problem Statement", "Motivation", "Related Work", "Approach", "Evaluation",
            "Resources"]


def phases() -> list[tuple[str, Callable[[int, str, bool], dict | None]]]:
    """(sandbox time of the pushes, files(team index, team name, late fixer) or None), in order.
    Every team's files are its own (its name is in them), so no two teams share a blob."""
    from classroom_ops.pdfgen import sample_report

    def team_md(i, name, late):
        if kind(i) in ("good", "partial"):
            return {"TEAM.md": markdown(f"{name}", ["Members", "Interests"], 40)}
        return None

    def proposal(i, name, late):
        if kind(i) == "good":
            return {"proposal.md": markdown(f"{name}: proposal", PROPOSAL, 50)}
        if kind(i) == "partial":  # no Evaluation section
            return {"proposal.md": markdown(f"{name}: proposal",
                                            [s for s in PROPOSAL if s != "Evaluation"], 50)}
        return None

    def late_fix(i, name, late):
        if late:
            return {"proposal.md": markdown(f"{name}: proposal, fixed", PROPOSAL, 50)}
        return None

    def midpoint(i, name, late):
        if kind(i) == "good":
            return {"midpoint.md": markdown(f"{name}: midpoint",
                                            ["Progress", "Challenges", "Next Steps"], 60)}
        return None

    def draft(i, name, late):
        if kind(i) == "good":
            return {"report/draft.pdf": sample_report(
                body_pages=6, sections=("Abstract", "Introduction", "Methods", "Experiments"),
                title=f"{name}: draft report")}
        if kind(i) == "partial":  # two pages over the limit
            return {"report/draft.pdf": sample_report(
                body_pages=10, sections=("Abstract", "Introduction", "Methods"),
                title=f"{name}: draft report")}
        return None

    def slides(i, name, late):
        if kind(i) == "good":
            return {"slides/presentation.pdf": sample_report(
                body_pages=4, reference_pages=0, sections=("Motivation", "Method", "Results"),
                title=f"{name}: slides")}
        return None

    return [
        ("2026-09-24T20:00:00-04:00", team_md),
        ("2026-10-08T20:00:00-04:00", proposal),
        ("2026-10-11T10:00:00-04:00", late_fix),  # after the proposal deadline: late work
        ("2026-10-29T20:00:00-04:00", midpoint),
        ("2026-11-19T20:00:00-05:00", draft),
        ("2026-11-29T20:00:00-05:00", slides),
    ]


def students_push(sb, course, tokens, workdir: Path) -> int:
    """Every phase: set the clock, then the teams push their files (in parallel: one clone per
    team, one commit and push per phase). Returns the number of pushes."""
    teams = list(enumerate(course.teams, start=1))
    partial = [i for i, _ in teams if kind(i) == "partial"]
    late_fixers = set(partial[::2])  # every other partial team fixes its proposal late
    pushes = 0
    for when, files_for in phases():
        sb.set_clock(common.at(when))
        jobs = []
        for i, team in teams:
            files = files_for(i, team.name, i in late_fixers)
            if files:
                login = team.members[pushes % len(team.members)]
                jobs.append((tokens[login], f"{course.org}/{course.repo_for(team)}", files))
        common.parallel(lambda j: common.push_files(sb, j[0], j[1], workdir, j[2]), jobs)
        pushes += len(jobs)
    return pushes


def file_budgets(sb, log: list[dict], course, passed: set[str]) -> dict:
    """What the check read to judge files: trees (recursive?), contents API, and blobs
    compared with the blobs the rules need in the trees it read."""
    from github import Auth, Github

    from classroom_ops.rules import paths_needed

    reqs = common.api_requests(log)
    tree_rx = re.compile(r"^/repos/([^/]+/[^/]+)/git/trees/([0-9a-f]{40})$")
    blob_rx = re.compile(r"^/repos/([^/]+/[^/]+)/git/blobs/([0-9a-f]{40})$")
    trees = [(m.group(1), m.group(2), r) for r in reqs if r["method"] == "GET"
             and (m := tree_rx.match(r["path"]))]
    blobs = [(m.group(1), m.group(2)) for r in reqs if r["method"] == "GET"
             and (m := blob_rx.match(r["path"]))]
    contents = [r for r in reqs if "/contents" in r["path"]]
    not_recursive = [t for t in trees if str(t[2].get("query", {}).get("recursive", "")) not in
                     ("1", "true", "['1']")]
    milestones = [m for m in course.milestones if m.id in passed]
    needed: set[str] = set()
    # the sandbox's admin token: its own rate-limit budget, not the instructor's
    gh = Github(base_url=sb.api_url, auth=Auth.Token(sb.admin_token), retry=None,
                seconds_between_requests=0, seconds_between_writes=0, lazy=True)
    try:
        for repo, sha, _ in {(a, b, None) for a, b, _ in trees}:
            tree = gh.get_repo(repo).get_git_tree(sha, recursive=True).tree
            entries = {e.path: e.sha for e in tree if e.type == "blob"}
            for m in milestones:
                for d in m.deliverables:
                    needed.update(entries[p] for p in paths_needed(d, entries))
    finally:
        gh.close()
    blob_shas = Counter(sha for _, sha in blobs)
    return {
        "tree_reads": len(trees),
        "distinct_trees": len({sha for _, sha, _ in trees}),
        "non_recursive_tree_reads": len(not_recursive),
        "contents_api_reads": len(contents),
        "blob_reads": len(blobs),
        "blobs_needed_by_rules": len(needed),
        "blob_reads_not_needed": sum(1 for _, sha in blobs if sha not in needed),
        "duplicate_blob_reads": sum(n - 1 for n in blob_shas.values()),
    }


def bench(teams: int, *, inline: bool = False) -> dict:
    from classroom_ops.sandbox import Sandbox

    result: dict = {"teams": teams, "workloads": {}, "setup": {}}
    budgets: list[Budget] = []
    binding = teams >= BINDING_FROM
    with tempfile.TemporaryDirectory(prefix=f"bench-check-{teams}-") as tmp:
        tmpd = Path(tmp)
        config = common.make_course(tmpd / "course", teams)
        course = common.load(config)
        owner = course.staff_members[0]
        work = tmpd / "students"
        work.mkdir()
        with Sandbox(content_limit=False) as sb:  # request counts, not pacing
            sb.set_clock(common.at(TERM_START))
            tokens = common.seed_course(sb, config)
            t0 = time.perf_counter()
            prov = common.run_cli(sb, ["provision", "--yes", "-c", str(config)], tokens[owner],
                                  inline=inline)
            if prov.code != 0:
                raise RuntimeError(f"provisioning failed: {prov.out[-2000:]} {prov.err[-2000:]}")
            for t in course.teams:  # the students accept their invitations, then push
                for login in t.members:
                    sb.accept_invitations(login)
            t1 = time.perf_counter()
            n_pushes = students_push(sb, course, tokens, work)
            t2 = time.perf_counter()
            result["setup"] = {"provision_s": round(t1 - t0, 2), "pushes": n_pushes,
                               "pushes_s": round(t2 - t1, 2),
                               "kinds": dict(Counter(kind(i) for i in range(1, teams + 1)))}
            print(f"setup at {teams} teams: provisioned in {t1 - t0:.1f} s; {n_pushes} git "
                  f"pushes in {t2 - t1:.1f} s ({result['setup']['kinds']})")
            sb.set_clock(common.at(CHECK_AT))
            report = tmpd / "report.json"
            args = ["check", "-c", str(config), "--ledger", str(tmpd / "ledger.json"),
                    "--json", str(report)]

            # full check
            run = common.run_cli(sb, args, tokens[owner], inline=inline)
            if run.code not in (0, 1):
                print(run.out[-3000:], run.err[-3000:], sep="\n", file=sys.stderr)
            cells = json.loads(report.read_text())["cells"] if report.exists() else []
            statuses = Counter(c["status"] for c in cells)
            passed_cells = [c for c in cells if c["status"] != "pending"]
            passed_ms = {c["milestone"] for c in passed_cells}
            s = common.summarise(run, teams)
            reqs = common.api_requests(run.log)
            issue_reqs = [r for r in reqs if common.is_issue_request(r)]
            other = len(reqs) - len(issue_reqs)
            issues_opened = sum(1 for r in issue_reqs if r["method"] == "POST"
                                and r["path"].endswith("/issues"))
            s.update({
                "cells": dict(statuses), "passed_cells": len(passed_cells),
                "milestones_passed": len(passed_ms),
                "requests_excluding_issues": other,
                "requests_per_passed_cell": round(other / max(len(passed_cells), 1), 3),
                "issue_requests": len(issue_reqs),
                "issues_opened": issues_opened,
                "issue_requests_by_endpoint": dict(Counter(
                    common.endpoint(r["method"], r["path"]) for r in issue_reqs)),
                "per_team_by_endpoint": common.per_team_endpoints(run.log, teams, False),
            })
            s["files"] = file_budgets(sb, run.log, course, passed_ms)
            common.print_summary("check (full)", s)
            print(f"  cells {dict(statuses)}; {len(passed_cells)} team x milestone cells past "
                  f"their deadline ({len(passed_ms)} milestones)")
            print(f"  {other} requests besides issues = {s['requests_per_passed_cell']:.2f} per "
                  f"passed cell; issues: {len(issue_reqs)} requests, {issues_opened} opened "
                  f"({s['issue_requests_by_endpoint']})")
            print(f"  files: {s['files']}")
            f = s["files"]
            budgets += [
                Budget("check: exit code 0 or 1 (1 = findings)", 1, run.code),
                Budget("check: rate-limited answers (403/429)", 0, s["rate_limited"]),
                Budget("check: requests per passed team x milestone, issues apart", 4,
                       s["requests_per_passed_cell"], "requests/cell",
                       f"{other} requests / {len(passed_cells)} cells"),
                Budget("check: tree reads that are not recursive", 0,
                       f["non_recursive_tree_reads"]),
                Budget("check: tree reads per distinct tree", 1,
                       f["tree_reads"] / max(f["distinct_trees"], 1)),
                Budget("check: contents API reads", 0, f["contents_api_reads"]),
                Budget("check: blob reads no rule needs", 0, f["blob_reads_not_needed"]),
                Budget("check: blob reads repeated", 0, f["duplicate_blob_reads"]),
            ]
            budgets[1].binding = binding
            result["workloads"]["check_full"] = s

            # rerun, nothing changed: the next hourly run (a new rate-limit window: at 200 teams
            # the full check alone spends ~4,200 of the token's 5,000 requests an hour)
            sb.set_clock(common.at(CHECK_AT) + timedelta(minutes=61))
            rerun = common.run_cli(sb, args, tokens[owner], inline=inline)
            s2 = common.summarise(rerun, teams)
            s2["per_team_by_endpoint"] = common.per_team_endpoints(rerun.log, teams, False)
            common.print_summary("check (rerun, nothing changed)", s2)
            budgets += [
                Budget("check rerun: exit code 0 or 1", 1, rerun.code),
                Budget("check rerun: rate-limited answers (403/429)", 0, s2["rate_limited"]),
                Budget("check rerun: writes", 0, s2["writes"], "writes",
                       ", ".join(f"{k} x{v}" for k, v in s2["by_endpoint"].items()
                                 if not k.startswith("GET"))),
            ]
            result["workloads"]["check_rerun"] = s2
    print(f"budgets at {teams} teams:")
    common.print_budgets(budgets)
    result["budgets"] = [b.as_dict() for b in budgets]
    result["ok"] = all(b.ok or not b.binding for b in budgets)
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--teams", default="10,60,200", help="comma-separated team counts")
    p.add_argument("--json", dest="json_out", help="write the results here")
    p.add_argument("--inline", action="store_true",
                   help="run the CLI in this process (peak memory then includes the sandbox)")
    args = p.parse_args(argv)
    results = {"benchmark": "check", "machine": common.machine(), "runs": []}
    for n in common.parse_teams(args.teams):
        results["runs"].append(bench(n, inline=args.inline))
        print()
    results["ok"] = all(r["ok"] for r in results["runs"])
    common.write_json(args.json_out, results)
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
