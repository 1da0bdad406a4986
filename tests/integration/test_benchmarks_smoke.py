"""The benchmark scripts run at 3 teams and their binding budgets hold: the exit code is 0 and
every binding verdict is a pass, and the request counts that are deterministic on the sandbox
are asserted exactly. Timings are printed by the scripts, never asserted here."""

from __future__ import annotations

import importlib
import json

import pytest

from support import ROOT

pytestmark = pytest.mark.integration

WORKLOAD_KEYS = {"requests", "reads", "writes", "reads_per_team", "writes_per_team",
                 "primary_cost", "secondary_points", "wall_s", "wall_s_with_latency_est",
                 "peak_rss_mib", "by_endpoint"}


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    for var in ("BENCH_ROOT", "BENCH_COMMIT"):
        monkeypatch.delenv(var, raising=False)

    def load(name):
        return importlib.import_module(name)

    return load


def _check_budgets(data: dict) -> None:
    """Every binding budget passes (per-team reads that include fixed org-wide reads are binding
    only at the course size they are set for, so at 3 teams they are shown, not enforced)."""
    for run in data["runs"]:
        assert run["budgets"], "no budget verdicts"
        failed = [(b["name"], b["measured"], b["limit"]) for b in run["budgets"]
                  if b["binding"] and not b["ok"]]
        assert failed == []
        assert run["ok"] is True
    assert data["ok"] is True


def test_provision_benchmark_runs(bench, tmp_path):
    mod = bench("bench_provision")
    out = tmp_path / "provision.json"
    code = mod.main(["--teams", "3", "--json", str(out)])
    data = json.loads(out.read_text())
    _check_budgets(data)
    assert code == 0
    [run] = data["runs"]
    assert set(run["workloads"]) == {"provision_fresh_local", "provision_rerun",
                                     "provision_rerun_joined", "provision_fresh_template",
                                     "provision_rerun_template"}
    for w in run["workloads"].values():
        assert WORKLOAD_KEYS <= set(w)
        assert w["exit_code"] == 0
    w = run["workloads"]
    # ten writes per team from a folder or a template; reruns read the org-wide lists plus one
    # read per team (and the invitations while students have not joined), and write nothing
    assert [w[k]["writes_per_team_max"] for k in ("provision_fresh_local",
                                                  "provision_fresh_template")] == [10, 10]
    assert [(w[k]["reads"], w[k]["writes"]) for k in (
        "provision_rerun", "provision_rerun_joined", "provision_rerun_template")] == [
        (9, 0), (8, 0), (10, 0)]
    # The template-repository budget (6 writes per team) is not met and waits for a product
    # decision (students as team maintainers): it is reported as failing, never enforced, and
    # never quietly raised to the number measured.
    [tpl] = [b for b in run["budgets"]
             if "template repository" in b["name"] and "writes per team" in b["name"]]
    assert (tpl["limit"], tpl["measured"], tpl["ok"], tpl["binding"]) == (6, 10, False, False)


def test_check_benchmark_runs(bench, tmp_path):
    mod = bench("bench_check")
    out = tmp_path / "check.json"
    code = mod.main(["--teams", "3", "--json", str(out)])
    data = json.loads(out.read_text())
    _check_budgets(data)
    assert code == 0
    [run] = data["runs"]
    full, rerun = run["workloads"]["check_full"], run["workloads"]["check_rerun"]
    assert WORKLOAD_KEYS <= set(full) and WORKLOAD_KEYS <= set(rerun)
    # 3 teams x the 3 file milestones of the 5 past their deadline (the example course's midpoint
    # and presentation are meetings: check reads them from the ledger, without a request)
    assert full["passed_cells"] == 9
    assert {"tree_reads", "blob_reads", "blob_reads_not_needed"} <= set(full["files"])
    assert set(full["cells"]) >= {"on_time", "missing", "pending"}
    assert (full["reads"], full["writes"]) == (30, 16)
    assert (rerun["reads"], rerun["writes"]) == (11, 0)
