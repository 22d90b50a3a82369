"""Queued DVC experiments, as the README's "Sweeps" section runs them: each experiment reads
its own params and writes its own outs (never the main workspace's), and MLflow holds one
parent run per experiment with the requested params on its stage runs."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time

from tests.conftest import ROOT, pipeline_env, run


def dvc(repo, env, *args, check=True):
    cmd = [sys.executable, "-m", "dvc", *args]
    return (
        run(cmd, repo, env)
        if check
        else subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True)
    )


def stop_leftover_workers(repo) -> None:
    """Kill any queue worker still alive once its tasks are done (its pid file is DVC's)."""
    for pid_file in (repo / ".dvc/tmp/exps/celery").glob("*.pid"):
        with contextlib.suppress(ValueError, ProcessLookupError, PermissionError):
            os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)


def test_two_queued_experiments_run_in_parallel_without_touching_the_workspace(
    tiny_pipeline, tmp_path
):
    repo = shutil.copytree(tiny_pipeline, tmp_path / "repo", symlinks=True)
    env = pipeline_env(repo)
    for key in ("MLFLOW_TRACKING_URI", "NNRG_PIPELINE_ID"):  # as a user runs it
        env.pop(key)
    git = ["git", "-c", "user.email=test@nnrg", "-c", "user.name=nnrg-test"]
    run([*git, "add", "-A"], repo, env)
    run([*git, "commit", "-qm", "tiny run"], repo, env)
    metrics_before = (repo / "reports/metrics/beta_flow.json").read_bytes()
    for n in (1, 2):
        dvc(repo, env, "exp", "run", "--queue", "-S", f"beta_flow.iterations={n}", "-n", f"it{n}")
    # the workers are daemons that keep this call's output pipes open; not capturing them
    # keeps the test from waiting on a worker (celery's shutdown can race a running task and
    # leave a worker alive after its last task succeeded)
    start = [sys.executable, "-m", "dvc", "queue", "start", "--jobs", "2"]
    subprocess.run(start, cwd=repo, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)  # fmt: skip
    deadline = time.time() + 600
    while time.time() < deadline:
        status = dvc(repo, env, "queue", "status", check=False).stdout
        if "Queued" not in status and "Running" not in status:
            break
        time.sleep(3)
    dvc(repo, env, "queue", "stop", check=False)
    stop_leftover_workers(repo)
    assert "Failed" not in status and status.count("Success") == 2, status

    shown = json.loads(dvc(repo, env, "exp", "show", "--json").stdout)
    exps = {
        e["name"]: e
        for rev in shown
        for e in (rev.get("experiments") or [])
        for e in [e["revs"][0]]
        if e.get("name")
    }
    assert set(exps) == {"it1", "it2"}, exps.keys()
    for name, n in (("it1", 1), ("it2", 2)):
        data = exps[name]["data"]
        assert data["params"]["params.yaml"]["data"]["beta_flow"]["iterations"] == n
        assert "reports/metrics/beta_flow.json" in data["metrics"]

    assert run(["git", "status", "--porcelain"], repo, env).stdout.strip() == ""
    assert (repo / "reports/metrics/beta_flow.json").read_bytes() == metrics_before

    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{repo}/mlflow.db")
    exp_id = client.get_experiment_by_name("nnrg").experiment_id
    runs = client.search_runs([exp_id], max_results=1000)
    assert not [r for r in runs if r.info.status == "RUNNING"]
    for name, n in (("it1", 1), ("it2", 2)):
        parents = [
            r
            for r in runs
            if "mlflow.parentRunId" not in r.data.tags and r.data.tags.get("dvc_exp_name") == name
        ]
        assert len(parents) == 1, [r.data.tags for r in parents]
        children = [
            r for r in runs if r.data.tags.get("mlflow.parentRunId") == parents[0].info.run_id
        ]
        flow = [r for r in children if r.data.tags["stage"] == "beta_flow"]
        assert flow and flow[0].data.params["beta_flow.iterations"] == str(n)

    # the README's comparison of experiments fits one screen and shows the verdict counts
    readme = (ROOT / "README.md").read_text()
    shown_cmd = re.search(r"^\s*(dvc exp show --only-changed[^\n]*)$", readme, flags=re.M)
    assert shown_cmd, "the README shows no `dvc exp show --only-changed` invocation"
    args = shlex.split(shown_cmd.group(1))[1:]
    table = dvc(repo, env, *args, "--csv").stdout.splitlines()
    header = table[0].split(",")
    assert len(header) <= 30, header
    assert "counts.reproduced" in header and "beta_flow.iterations" in header, header
    assert {"it1", "it2"} <= {row.split(",")[0] for row in table[1:]}, table

    # which verdicts moved between the two experiments
    moved = run([sys.executable, "-m", "nnrg", "claims-diff", "it1", "it2"], repo, env).stdout
    assert "claim" in moved, moved
