"""The benchmark scripts still run: their main functions at 3 teams, verdicts computed.

Timings are printed by the scripts, never asserted here."""

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
    for run in data["runs"]:
        assert run["budgets"], "no budget verdicts"
        for b in run["budgets"]:
            assert {"name", "limit", "measured", "ok", "binding"} <= set(b)
            assert isinstance(b["ok"], bool)
        assert isinstance(run["ok"], bool)
    assert isinstance(data["ok"], bool)


def test_provision_benchmark_runs(bench, tmp_path):
    mod = bench("bench_provision")
    out = tmp_path / "provision.json"
    code = mod.main(["--teams", "3", "--json", str(out)])
    data = json.loads(out.read_text())
    assert code == (0 if data["ok"] else 1)
    [run] = data["runs"]
    assert set(run["workloads"]) == {"provision_fresh_local", "provision_rerun",
                                     "provision_rerun_joined", "provision_fresh_template",
                                     "provision_rerun_template"}
    for w in run["workloads"].values():
        assert WORKLOAD_KEYS <= set(w)
        assert w["exit_code"] == 0
    assert run["workloads"]["provision_fresh_local"]["writes_per_team_max"] > 0
    assert run["workloads"]["provision_rerun"]["writes"] == 0  # students still invited
    assert run["workloads"]["provision_rerun_joined"]["writes"] == 0
    names = {b["name"] for b in run["budgets"]}
    assert any("template repository" in n and "writes per team" in n for n in names)
    _check_budgets(data)


def test_check_benchmark_runs(bench, tmp_path):
    mod = bench("bench_check")
    out = tmp_path / "check.json"
    code = mod.main(["--teams", "3", "--json", str(out)])
    data = json.loads(out.read_text())
    assert code == (0 if data["ok"] else 1)
    [run] = data["runs"]
    full, rerun = run["workloads"]["check_full"], run["workloads"]["check_rerun"]
    assert WORKLOAD_KEYS <= set(full) and WORKLOAD_KEYS <= set(rerun)
    # 3 teams x the 3 file milestones of the 5 past their deadline (the example course's midpoint
    # and presentation are meetings: check reads them from the ledger, without a request)
    assert full["passed_cells"] == 9
    assert {"tree_reads", "blob_reads", "blob_reads_not_needed"} <= set(full["files"])
    assert set(full["cells"]) >= {"on_time", "missing", "pending"}
    _check_budgets(data)
