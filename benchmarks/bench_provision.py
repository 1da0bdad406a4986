"""Benchmark `classroom-ops provision`: fresh course (local template folder and GitHub template
repository) and a rerun on the provisioned course, from the sandbox's request log.

    .venv/bin/python benchmarks/bench_provision.py --teams 10,60,200 --json out.json

Budgets (per team; course-level writes such as creating the staff team are shown apart):
- fresh, local folder: at most 10 writes per team;
- fresh, template repository: at most 6 writes per team;
- rerun: 0 writes, at most 1.5 reads per team (everything, org-wide lists included); this one is
  binding from 60 teams, the size it is set for (fixed org-wide reads weigh more on fewer teams).
  Measured twice on the local-folder course, as the term goes: first with every student still
  invited (the sandbox's github.com profile: students are users, not org members, until they
  accept), then after every student accepted.
The sandbox's content-creation limit (80 creates a minute) is off: against a local sandbox the
tool writes without pause, so the limit would measure the missing pause, not the requests.
Exit status 1 if a binding budget fails.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

import common
from common import Budget

TERM_START = "2026-09-01T12:00:00-04:00"
TEMPLATE_REPO = "starter-template"
BINDING_FROM = 60  # reads per team include fixed org-wide reads: binding at the budget's size


def per_team_writes(log: list[dict], course) -> tuple[dict[str, int], int]:
    """Writes attributed to each team (see common.attribute), and course-level writes."""
    counts: Counter = Counter(owner for owner, r in common.attribute(log, course)
                              if common.is_write(r))
    return {t.slug: counts.get(t.slug, 0) for t in course.teams}, counts.get("course", 0)


def team_write_breakdown(log: list[dict], course) -> dict[str, float]:
    """Writes per team by endpoint, course-level writes left out."""
    c = Counter(common.endpoint(r["method"], r["path"])
                for owner, r in common.attribute(log, course)
                if owner != "course" and common.is_write(r))
    n = len(course.teams)
    return {k: round(v / n, 3) for k, v in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))}


def fresh(sb, tokens, config: Path, teams: int, owner: str, label: str, limit: int,
          inline: bool, binding: bool = True) -> tuple[dict, list[Budget]]:
    course = common.load(config)
    run = common.run_cli(sb, ["provision", "--yes", "-c", str(config)], tokens[owner],
                         inline=inline)
    if run.code != 0:
        print(run.out[-3000:], run.err[-3000:], sep="\n", file=sys.stderr)
    s = common.summarise(run, teams)
    per_team, course_level = per_team_writes(run.log, course)
    worst = max(per_team.values())
    s["writes_per_team_max"] = worst
    s["writes_per_team_min"] = min(per_team.values())
    s["course_level_writes"] = course_level
    s["writes_by_endpoint_per_team"] = team_write_breakdown(run.log, course)
    s["course_level_writes_by_endpoint"] = dict(Counter(
        common.endpoint(r["method"], r["path"]) for owner, r in common.attribute(run.log, course)
        if owner == "course" and common.is_write(r)))
    common.print_summary(f"provision fresh ({label})", s)
    print(f"  writes per team: max {worst}, min {s['writes_per_team_min']}; course-level "
          f"writes {course_level}: " + ", ".join(
              f"{k} x{v}" for k, v in s["course_level_writes_by_endpoint"].items()))
    print("  writes by endpoint (per team): " + "; ".join(
        f"{k} {v:g}" for k, v in s["writes_by_endpoint_per_team"].items()))
    budgets = [
        Budget(f"provision fresh ({label}): exit code 0", 0, run.code),
        Budget(f"provision fresh ({label}): rate-limited answers (403/429)", 0,
               s["rate_limited"]),
        Budget(f"provision fresh ({label}): writes per team", limit, worst, "writes",
               "breakdown: " + ", ".join(f"{k} {v:g}"
                                         for k, v in s["writes_by_endpoint_per_team"].items()),
               binding=binding),
    ]
    return s, budgets


def rerun(sb, tokens, config: Path, teams: int, owner: str, label: str,
          inline: bool) -> tuple[dict, list[Budget]]:
    run = common.run_cli(sb, ["provision", "--yes", "-c", str(config)], tokens[owner],
                         inline=inline)
    s = common.summarise(run, teams)
    s["up_to_date"] = "nothing to do: up to date" in run.out
    common.print_summary(f"provision rerun ({label})", s)
    budgets = [
        Budget(f"provision rerun ({label}): exit code 0", 0, run.code),
        Budget(f"provision rerun ({label}): rate-limited answers (403/429)", 0,
               s["rate_limited"]),
        Budget(f"provision rerun ({label}): writes", 0, s["writes"], "writes"),
        Budget(f"provision rerun ({label}): reads per team", 1.5, s["reads_per_team"],
               "reads/team", f"{s['reads']} reads: " + ", ".join(
                   f"{k} x{v}" for k, v in s["by_endpoint"].items()),
               binding=teams >= BINDING_FROM),
    ]
    return s, budgets


def bench(teams: int, *, template_repo: bool = True, latency_check: bool = False,
          inline: bool = False) -> dict:
    from classroom_ops.sandbox import Sandbox

    result: dict = {"teams": teams, "workloads": {}, "budgets": []}
    budgets: list[Budget] = []
    with tempfile.TemporaryDirectory(prefix=f"bench-prov-{teams}-") as tmp:
        tmpd = Path(tmp)
        # local template folder
        config = common.make_course(tmpd / "local", teams)
        course = common.load(config)
        owner = course.staff_members[0]
        with Sandbox(content_limit=False) as sb:  # request counts, not pacing
            sb.set_clock(common.at(TERM_START))
            tokens = common.seed_course(sb, config)
            s, b = fresh(sb, tokens, config, teams, owner, "local folder", 10, inline)
            result["workloads"]["provision_fresh_local"] = s
            budgets += b
            s, b = rerun(sb, tokens, config, teams, owner, "local folder, students invited",
                         inline)
            result["workloads"]["provision_rerun"] = s
            budgets += b
            for t in course.teams:  # the students accept their invitations
                for login in t.members:
                    sb.accept_invitations(login)
            s, b = rerun(sb, tokens, config, teams, owner, "local folder, students joined",
                         inline)
            result["workloads"]["provision_rerun_joined"] = s
            budgets += b
        if latency_check:
            # the same fresh provision against a sandbox that waits 100 ms before every answer
            with Sandbox(content_limit=False) as sb:  # request counts, not pacing
                sb.set_clock(common.at(TERM_START))
                tokens = common.seed_course(sb, config)
                sb.add_fault(kind="latency", latency_ms=100, match={"path_regex": "."})
                run = common.run_cli(sb, ["provision", "--yes", "-c", str(config)],
                                     tokens[owner], inline=inline)
                est = result["workloads"]["provision_fresh_local"]
                est["wall_s_with_latency_measured"] = round(run.wall_s, 3)
                print(f"latency check: provision fresh (local folder) with a real 100 ms "
                      f"latency fault: {run.wall_s:.2f} s measured vs "
                      f"{est['wall_s_with_latency_est']:.2f} s estimated "
                      f"({len(common.api_requests(run.log))} requests)")
        if template_repo:
            with Sandbox(content_limit=False) as sb:  # request counts, not pacing
                sb.set_clock(common.at(TERM_START))
                tokens = common.seed_course(sb, config)
                work = tmpd / "tpl-work"
                work.mkdir()
                full = common.make_template_repo(sb, tokens[owner], course.org, TEMPLATE_REPO,
                                                 work)
                tconfig = common.make_course(tmpd / "template", teams, template=full)
                # The product's budget is 6 writes per team from a template repository; it is
                # not met (10: see the README's notes) and stays reported, not binding, until the
                # decision it needs is taken (students as team maintainers would meet it).
                s, b = fresh(sb, tokens, tconfig, teams, owner, f"template repository {full}",
                             6, inline, binding=False)
                result["workloads"]["provision_fresh_template"] = s
                budgets += b
                s, b = rerun(sb, tokens, tconfig, teams, owner, "template repository", inline)
                result["workloads"]["provision_rerun_template"] = s
                budgets += b
    print(f"budgets at {teams} teams:")
    common.print_budgets(budgets)
    result["budgets"] = [b.as_dict() for b in budgets]
    result["ok"] = all(b.ok or not b.binding for b in budgets)
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--teams", default="10,60,200", help="comma-separated team counts")
    p.add_argument("--json", dest="json_out", help="write the results here")
    p.add_argument("--no-template-repo", action="store_true",
                   help="skip the GitHub-template-repository variant")
    p.add_argument("--latency-check", type=int, default=0, metavar="TEAMS",
                   help="also run fresh provision at this team count against a real 100 ms "
                        "latency fault, to check the estimate")
    p.add_argument("--inline", action="store_true",
                   help="run the CLI in this process (peak memory then includes the sandbox)")
    args = p.parse_args(argv)
    results = {"benchmark": "provision", "machine": common.machine(), "runs": []}
    for n in common.parse_teams(args.teams):
        results["runs"].append(bench(n, template_repo=not args.no_template_repo,
                                     latency_check=args.latency_check == n, inline=args.inline))
        print()
    results["ok"] = all(r["ok"] for r in results["runs"])
    common.write_json(args.json_out, results)
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
