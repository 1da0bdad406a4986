"""Run every benchmark, write benchmarks/results.json and the results table in
benchmarks/README.md (between the RESULTS markers).

    .venv/bin/python benchmarks/run_all.py                  # 10, 60, 200 teams, committed code
    .venv/bin/python benchmarks/run_all.py --teams 10,60 --src worktree

By default it measures the committed code (HEAD): `src/`, `templates/` and `examples/` are
exported with `git archive` to a temporary folder and the benchmarks run against that copy
(PYTHONPATH and BENCH_ROOT), so uncommitted edits in the checkout do not leak into the numbers.
`--src worktree` measures the checkout as it is. Exit status 1 if a binding budget fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import common

RESULTS = common.BENCH_DIR / "results.json"
README = common.BENCH_DIR / "README.md"
BEGIN, END = "<!-- RESULTS:BEGIN -->", "<!-- RESULTS:END -->"


def run_script(script: str, teams: str, out: Path, extra: list[str], env: dict) -> int:
    cmd = [sys.executable, str(common.BENCH_DIR / script), "--teams", teams, "--json", str(out),
           *extra]
    print("$", " ".join(cmd[1:]), flush=True)
    return subprocess.run(cmd, env=env).returncode


def table(results: dict) -> str:
    rows = []
    head = ("| workload | teams | requests | reads/team | writes/team | primary cost | "
            "secondary points | wall s | wall s +100 ms/req (est.) | peak RSS MiB |")
    rows.append(head)
    rows.append("|" + "---|" * 10)
    names = {"provision_fresh_local": "provision fresh (local folder)",
             "provision_rerun": "provision rerun, students invited",
             "provision_rerun_joined": "provision rerun, students joined",
             "provision_fresh_template": "provision fresh (template repo)",
             "provision_rerun_template": "provision rerun (template repo)",
             "check_full": "check after 5 deadlines",
             "check_rerun": "check rerun, nothing changed"}
    for bench in ("provision", "check"):
        for name in names:
            for run in results[bench]["runs"]:
                s = run["workloads"].get(name)
                if not s:
                    continue
                lat = s.get("wall_s_with_latency_measured")
                lat_text = f"{s['wall_s_with_latency_est']:.1f}" + (
                    f" (measured {lat:.1f})" if lat is not None else "")
                rows.append(
                    f"| {names[name]} | {run['teams']} | {s['requests']} | "
                    f"{s['reads_per_team']:.2f} | {s['writes_per_team']:.2f} | "
                    f"{s['primary_cost']} | {s['secondary_points']} | {s['wall_s']:.2f} | "
                    f"{lat_text} | {s['peak_rss_mib']:.1f} |")
    return "\n".join(rows)


def budget_lines(results: dict) -> str:
    out = []
    for bench in ("provision", "check"):
        for run in results[bench]["runs"]:
            for b in run["budgets"]:
                if b["name"].endswith(("exit code 0", "exit code 0 or 1", "(1 = findings)")):
                    continue
                verdict = ("PASS" if b["ok"] else "FAIL") + ("" if b["binding"] else " (info)")
                out.append(f"| {run['teams']} | {b['name']} | {common.fmt(b['measured'])} | "
                           f"{common.fmt(b['limit'])} | {verdict} |")
    return "| teams | budget | measured | limit | verdict |\n|---|---|---|---|---|\n" + \
        "\n".join(out)


def check_extras(results: dict) -> str:
    out = ["| teams | passed cells | requests besides issues | per passed cell | issue requests "
           "| issues opened | trees read | blobs read (needed) |", "|" + "---|" * 8]
    for run in results["check"]["runs"]:
        s = run["workloads"]["check_full"]
        f = s["files"]
        out.append(f"| {run['teams']} | {s['passed_cells']} | {s['requests_excluding_issues']} | "
                   f"{s['requests_per_passed_cell']:.2f} | {s['issue_requests']} | "
                   f"{s['issues_opened']} | {f['tree_reads']} | {f['blob_reads']} "
                   f"({f['blobs_needed_by_rules']}) |")
    return "\n".join(out)


def render(results: dict) -> str:
    m = results["machine"]
    return "\n".join([
        BEGIN,
        f"Measured {results['date']} on {m['nproc']} CPUs, Python {m['python']} "
        f"({m['platform']}), classroom-ops at `{m['source_commit']}`; "
        f"`benchmarks/run_all.py --teams {results['teams']}` took "
        f"{results['elapsed_s'] / 60:.1f} min.",
        "",
        table(results),
        "",
        "Check, what the requests were spent on:",
        "",
        check_extras(results),
        "",
        "Budgets:",
        "",
        budget_lines(results),
        END,
    ])


def update_readme(results: dict) -> None:
    block = render(results)
    text = README.read_text() if README.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN in text and END in text:
        pre, rest = text.split(BEGIN, 1)
        _, post = rest.split(END, 1)
        text = pre + block + post
    else:
        text += "\n" + block + "\n"
    README.write_text(text)


def snapshot(dest: Path) -> str:
    head = common.git("rev-parse", "HEAD", cwd=common.ROOT).strip()
    archive = subprocess.run(["git", "-C", str(common.ROOT), "archive", "HEAD", "src",
                              "templates", "examples"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return head


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--teams", default="10,60,200")
    p.add_argument("--latency-check", type=int, default=10, metavar="TEAMS",
                   help="verify the latency estimate with a real 100 ms fault at this size "
                        "(0: skip)")
    p.add_argument("--src", choices=["head", "worktree"], default="head")
    p.add_argument("--no-readme", action="store_true", help="do not touch README.md")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="bench-src-") as tmp:
        if args.src == "head":
            env["BENCH_COMMIT"] = snapshot(Path(tmp))
            env["BENCH_ROOT"] = tmp
            env["PYTHONPATH"] = str(Path(tmp) / "src")
        else:
            env["BENCH_COMMIT"] = common._git_head()
        outs = {b: Path(tmp) / f"{b}.json" for b in ("provision", "check")}
        codes = [
            run_script("bench_provision.py", args.teams, outs["provision"],
                       ["--latency-check", str(args.latency_check)], env),
            run_script("bench_check.py", args.teams, outs["check"], [], env),
        ]
        results = {b: json.loads(o.read_text()) for b, o in outs.items()}
    results.update({
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "teams": args.teams,
        "machine": results["provision"]["machine"],
        "elapsed_s": round(time.perf_counter() - t0, 1),
        "exit_codes": dict(zip(("provision", "check"), codes, strict=True)),
        "ok": all(r["ok"] for r in (results["provision"], results["check"])),
    })
    common.write_json(RESULTS, results)
    if not args.no_readme:
        update_readme(results)
    print(f"wrote {RESULTS}" + ("" if args.no_readme else f" and {README}") +
          f" in {results['elapsed_s']:.0f} s; budgets {'all pass' if results['ok'] else 'FAIL'}")
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
