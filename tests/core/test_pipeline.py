"""The tiny profile end to end: outs, MLflow runs, no-op rerun, determinism, metric gate."""

from __future__ import annotations

import json
import shutil
import sys

import pytest
import yaml

from nnrg.core import registry
from nnrg.core.cli import check_metrics
from tests.conftest import ROOT, pipeline_env, run

STAGES = registry.pipeline()

BASELINES = ROOT / "tests" / "baselines" / "tiny"


def declared_outs(repo) -> list[str]:
    stages = yaml.safe_load((repo / "dvc.yaml").read_text())["stages"]
    outs = []
    for spec in stages.values():
        for kind in ("outs", "metrics", "plots"):
            for item in spec.get(kind, []):
                outs.append(next(iter(item)) if isinstance(item, dict) else item)
    return outs


def test_every_declared_out_exists(tiny_pipeline):
    missing = [o for o in declared_outs(tiny_pipeline) if not (tiny_pipeline / o).exists()]
    assert not missing


def test_every_stage_has_a_cli_command_and_a_dvc_stage(tiny_pipeline):
    stages = yaml.safe_load((tiny_pipeline / "dvc.yaml").read_text())["stages"]
    assert set(stages) == set(STAGES)
    assert all(spec["cmd"] == f"python -m nnrg {name}" for name, spec in stages.items())


def test_second_repro_is_a_noop(tiny_pipeline):
    env = pipeline_env(tiny_pipeline)
    lock = (tiny_pipeline / "dvc.lock").read_bytes()
    res = run([sys.executable, "-m", "dvc", "repro"], tiny_pipeline, env)
    assert "Running stage" not in res.stdout
    assert (tiny_pipeline / "dvc.lock").read_bytes() == lock


def test_param_change_reruns_only_that_stage_and_its_descendants(tiny_pipeline, tmp_path):
    import re
    import shutil

    import yaml

    repo = shutil.copytree(tiny_pipeline, tmp_path / "repo", symlinks=True)
    env = pipeline_env(repo)
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params["beta_flow"]["iterations"] += 1
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    res = run([sys.executable, "-m", "dvc", "repro"], repo, env)
    ran = set(re.findall(r"Running stage '([^']+)'", res.stdout))
    assert ran == {"beta_flow", "report"}, res.stdout


def assert_forced_rerun_keeps_the_lock(repo, stage: str, env: dict) -> None:
    """Rerun ``stage`` alone under ``env``: every out's hash in dvc.lock stays the same."""
    lock = (repo / "dvc.lock").read_bytes()
    run([sys.executable, "-m", "dvc", "repro", "--force", "--single-item", stage], repo, env)
    assert (repo / "dvc.lock").read_bytes() == lock


@pytest.mark.parametrize("stage", ["ising_wide", "ae_wide", "nnqft_width"])
def test_forced_rerun_gives_identical_bytes(tiny_pipeline, stage):
    assert_forced_rerun_keeps_the_lock(tiny_pipeline, stage, pipeline_env(tiny_pipeline))


@pytest.mark.parametrize(
    "stage", ["imp_layers", "imp_global", "ticket_transfer", "rbm_ising", "rbm_mnist"]
)
def test_serial_path_gives_the_bytes_of_the_ray_path(tiny_pipeline, stage):
    """The tiny pipeline ran these stages' units on local Ray workers (``pipeline.parallel:
    ray``, $RAY_ADDRESS unset); rerun in one process, every out is byte for byte the same."""
    assert (
        yaml.safe_load((tiny_pipeline / "params.yaml").read_text())["pipeline"]["parallel"] == "ray"
    )
    env = {**pipeline_env(tiny_pipeline), "NNRG_PARALLEL": "serial"}
    env.pop("RAY_ADDRESS", None)
    assert_forced_rerun_keeps_the_lock(tiny_pipeline, stage, env)


def test_mlflow_holds_one_parent_with_a_child_per_stage(tiny_pipeline):
    import mlflow
    from mlflow.tracking import MlflowClient

    mlflow.set_tracking_uri(f"sqlite:///{tiny_pipeline}/mlflow.db")
    client = MlflowClient()
    exp = client.get_experiment_by_name("nnrg")
    runs = client.search_runs([exp.experiment_id], max_results=200)
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    assert len(parents) == 1
    parent = parents[0]
    assert parent.info.status == "FINISHED"
    children = {
        r.data.tags["stage"]: r
        for r in runs
        if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id
    }
    assert set(STAGES) <= set(children)
    crit = children["ising_critical"]
    assert crit.data.params["ising_critical.L"] == "32"
    assert "exact_check.max_abs_z_energy" in crit.data.metrics
    assert crit.data.tags["git_commit"] != "unknown"
    artifacts = {a.path for a in client.list_artifacts(crit.info.run_id, "figures")}
    assert "figures/ising_critical_samples.png" in artifacts


def test_the_pipeline_run_carries_every_verdict_and_the_claims_table(tiny_pipeline):
    """The report stage logs each claim's status (tag and code), value and error, and the
    claims table, on the parent run: the numbers of reports/records/claims.json."""
    from mlflow.tracking import MlflowClient

    from nnrg.core.claims import STATUS_CODES

    client = MlflowClient(f"sqlite:///{tiny_pipeline}/mlflow.db")
    exp = client.get_experiment_by_name("nnrg")
    runs = client.search_runs([exp.experiment_id], max_results=200)
    parent = next(r for r in runs if "mlflow.parentRunId" not in r.data.tags)
    table = json.loads((tiny_pipeline / "reports/records/claims.json").read_text())
    for row in table["claims"]:
        cid = row["id"]
        assert parent.data.tags[f"claim.{cid}.status"] == row["status"], cid
        assert parent.data.metrics[f"claim.{cid}.status_code"] == STATUS_CODES[row["status"]]
        if isinstance(row["value"], float):
            assert parent.data.metrics[f"claim.{cid}.value"] == row["value"], cid
    assert parent.data.metrics["claims.reproduced"] == table["counts"]["reproduced"]
    assert parent.data.metrics["validation.reproduced"] == table["validation"]["reproduced"]
    shown = {a.path for a in client.list_artifacts(parent.info.run_id, "claims")}
    assert {"claims/claims.md", "claims/claims.json"} <= shown


def test_tiny_metrics_pass_the_gate_against_committed_baselines(tiny_pipeline, capsys):
    code = check_metrics(ROOT, None, BASELINES, tiny_pipeline / "reports/records", None)
    assert code == 0, capsys.readouterr().out


def test_gate_fails_on_a_deliberately_worsened_run(tiny_pipeline, tmp_path, capsys):
    worse = tmp_path / "metrics"
    shutil.copytree(tiny_pipeline / "reports/records", worse)
    data = (worse / "dynamics.json").read_text()
    doctored = yaml.safe_load(data)
    doctored["oscillator"]["max_energy_drift"] = 1e-3

    (worse / "dynamics.json").write_text(json.dumps(doctored))
    code = check_metrics(ROOT, None, BASELINES, worse, None)
    out = capsys.readouterr().out
    assert code == 1
    assert "regressed" in out and "FAILED" in out


def test_tiny_m4_matches_exact_one_over_n_at_n100(tiny_pipeline):
    metrics = json.loads((tiny_pipeline / "reports/records/nnqft_width.json").read_text())
    m4 = metrics["per_width"]["N100"]["m4"]
    assert abs(m4["mean"] - m4["exact"]) < 3 * m4["error"]
