"""Fault injection: each probe breaks one thing a user can break (params, inputs, the tracking
server, the process itself, the gate's baseline) and asserts what the user gets back: one
clear line naming the key or file, the exit code, no partial outs, no MLflow run left RUNNING,
and a rerun that recovers byte-identical outputs.

Runs in a copy of the repository (tiny profile) on the cheap stages: ``dynamics`` (no inputs)
and ``hnn_dense`` (reads ``data/dynamics``)."""

from __future__ import annotations

import hashlib
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import copy_repo, pipeline_env, run

OUTS = (
    "models/hnn_dense",
    "reports/records/hnn_dense.json",
    "reports/metrics/hnn_dense.json",
    "reports/figures/hnn_dense_oscillator.png",
)
INPUT = "data/dynamics/oscillator.npz"
FAULTS: list[str] = []  # every probe that ran, for the summary test at the end


def digest(repo: Path) -> dict[str, str]:
    """md5 of every file under the hnn_dense outs (absent ones as 'missing')."""
    out = {}
    for rel in OUTS:
        path = repo / rel
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            out[str(f.relative_to(repo))] = (
                hashlib.md5(f.read_bytes()).hexdigest() if f.exists() else "missing"
            )
    return out


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A tiny-profile copy with dynamics and hnn_dense run once; ``clean`` holds their outs."""
    repo = copy_repo(tmp_path_factory.mktemp("faults") / "repo")
    env = pipeline_env(repo)
    run([sys.executable, "-m", "nnrg", "profile", "tiny"], repo, env)
    for stage in ("dynamics", "hnn_dense"):
        run([sys.executable, "-m", "nnrg", stage], repo, env)
    repo_clean = digest(repo)
    (repo / ".clean").write_text(repr(repo_clean))
    return repo


def nnrg(
    repo: Path, *args: str, env_extra: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    env = {**pipeline_env(repo), "NNRG_PIPELINE_ID": f"fault-{time.time_ns()}", **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "nnrg", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def running_runs(repo: Path) -> list[str]:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{repo}/mlflow.db")
    runs = [r for e in client.search_experiments() for r in client.search_runs([e.experiment_id])]
    return [r.info.run_name for r in runs if r.info.status == "RUNNING"]


def assert_clean_failure(res: subprocess.CompletedProcess, code: int, *words: str) -> None:
    lines = [line for line in res.stderr.splitlines() if line.startswith("nnrg:")]
    assert res.returncode == code, res.stderr
    assert "Traceback" not in res.stderr, res.stderr
    assert len(lines) == 1 and all(w in lines[0] for w in words), res.stderr


# ---- params -------------------------------------------------------------------------------

PARAM_FAULTS = {
    "empty file": (lambda t: "", ["params.yaml is empty"]),
    "missing section": (lambda t: t.replace("dynamics:", "dynamics_gone:", 1), ["dynamics"]),
    # the stage's own section (a stage loads only the sections it declares)
    "empty section": (
        lambda t: re.sub(r"(?m)^dynamics:\n(?:[ #].*\n|\n)*", "dynamics: {}\n", t, count=1),
        ["dynamics", "empty"],
    ),
    "missing key": (lambda t: t.replace("  rtol:", "  #rtol:", 1), ["dynamics.rtol"]),
    "duplicate key": (
        lambda t: t.replace("  rtol:", "  rtol: 1.0e-12\n  rtol:", 1),
        ["duplicate key", "rtol", "line"],
    ),
    "malformed yaml": (
        lambda t: t.replace("dynamics:", "dynamics: [", 1),
        ["malformed YAML", "line", "column"],
    ),
    "out of range": (lambda t: t.replace("  rtol: 1.0e-12", "  rtol: 5.0", 1), ["dynamics.rtol"]),
}


@pytest.mark.parametrize("fault", sorted(PARAM_FAULTS))
def test_bad_params_stop_the_stage_with_one_line(repo, fault):
    edit, words = PARAM_FAULTS[fault]
    params = repo / "params.yaml"
    good = params.read_text()
    try:
        params.write_text(edit(good))
        res = nnrg(repo, "dynamics")
        assert_clean_failure(res, 2, *words)
    finally:
        params.write_text(good)
    assert running_runs(repo) == []
    FAULTS.append(f"params: {fault}")


def test_yaml_1_2_numbers_are_accepted(repo):
    params = repo / "params.yaml"
    good = params.read_text()
    try:
        params.write_text(good.replace("  rtol: 1.0e-12", "  rtol: 1e-12", 1))
        assert nnrg(repo, "params").returncode == 0
    finally:
        params.write_text(good)


# ---- broken inputs --------------------------------------------------------------------------


def _arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as data:
        return {k: data[k] for k in data.files}


INPUT_FAULTS = {
    "truncated": (lambda b, a: b[: len(b) // 2], ["not a readable .npz"]),
    "empty": (lambda b, a: b"", ["not a readable .npz"]),
    "bit-flipped": (lambda b, a: b[:200] + bytes([b[200] ^ 0xFF]) + b[201:], ["oscillator.npz"]),
    "foreign": (lambda b, a: b"t,x\n0,1\n", ["not a readable .npz"]),
    "missing array": (
        lambda b, a: _npz_bytes({k: v for k, v in a.items() if k != "z"}),
        ["missing array 'z'"],
    ),
    "wrong shape": (lambda b, a: _npz_bytes({**a, "z": a["z"][:, :1]}), ["'z'", "expected"]),
}


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    import io

    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


@pytest.mark.parametrize("fault", sorted(INPUT_FAULTS))
def test_broken_inputs_stop_before_compute_with_one_line_naming_the_file(repo, fault):
    edit, words = INPUT_FAULTS[fault]
    path = repo / INPUT
    good = path.read_bytes()
    before = digest(repo)
    try:
        path.write_bytes(edit(good, _arrays(path)))
        start = time.perf_counter()
        res = nnrg(repo, "hnn_dense")
        elapsed = time.perf_counter() - start
        assert_clean_failure(res, 2, *words)
        assert elapsed < 60  # stopped before training (a tiny training run takes longer)
    finally:
        path.write_bytes(good)
    assert digest(repo) == before, "a failed stage changed its outs"
    assert running_runs(repo) == []
    FAULTS.append(f"input: {fault}")


# ---- tracking -------------------------------------------------------------------------------


def test_unreachable_or_foreign_tracking_servers_stop_before_compute(repo):
    from tests.core.test_tracking import _serve

    html, html_uri = _serve(b"<html>hello</html>")
    silent, silent_uri = _serve(None)
    try:
        for uri, words in (
            ("http://127.0.0.1:9", ["unreachable"]),
            (html_uri, ["not as an MLflow"]),
            (silent_uri, ["unreachable"]),
        ):
            res = nnrg(repo, "dynamics", env_extra={"MLFLOW_TRACKING_URI": uri}, timeout=60)
            assert_clean_failure(res, 2, *words)
            FAULTS.append(f"tracking: {words[0]}")
    finally:
        html.close()
        silent.close()


# ---- interrupts ---------------------------------------------------------------------------


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_an_interrupted_stage_is_killed_cleanly(repo, sig, code):
    import yaml

    before = digest(repo)
    params = repo / "params.yaml"
    good = params.read_text()
    long = yaml.safe_load(good)
    long["hnn_dense"]["training"]["oscillator"]["epochs"] = 10**6  # a stage still computing
    params.write_text(yaml.safe_dump(long, sort_keys=False))
    env = {**pipeline_env(repo), "NNRG_PIPELINE_ID": f"kill-{sig}"}
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "nnrg", "hnn_dense"],
            cwd=repo,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(8)  # past start-up, inside training
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
    finally:
        params.write_text(good)
    assert proc.returncode == code, err
    assert "interrupted" in err and "Traceback" not in err
    assert digest(repo) == before, "an interrupted stage changed its outs"
    assert running_runs(repo) == []
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{repo}/mlflow.db")
    runs = [
        r
        for e in client.search_experiments()
        for r in client.search_runs([e.experiment_id])
        if r.data.tags.get("nnrg_pipeline_key") == f"kill-{sig}"
        or r.data.tags.get("stage") == "hnn_dense"
    ]
    assert any(r.info.status == "KILLED" and r.data.tags.get("stage") == "hnn_dense" for r in runs)
    FAULTS.append(f"signal: {signal.Signals(sig).name}")


# ---- the gate -------------------------------------------------------------------------------


def test_the_gate_fails_on_a_baseline_it_cannot_find(repo):
    res = nnrg(repo, "check-metrics", "--against", "nosuchbranch")
    assert_clean_failure(res, 2, "nosuchbranch", "no such git revision")
    res = nnrg(repo, "check-metrics", "--baseline-dir", "no/such/dir")
    assert_clean_failure(res, 2, "no/such/dir")
    FAULTS.extend(["gate: revision", "gate: directory"])


# ---- after every fault --------------------------------------------------------------------


def test_outputs_respect_the_umask(repo):
    for rel in ("reports/records/dynamics.json", "reports/metrics/dynamics.json",
                "models/hnn_dense"):  # fmt: skip
        mode = (repo / rel).stat().st_mode & 0o777
        assert mode in (0o644, 0o755), f"{rel}: {oct(mode)}"


def test_after_all_faults_a_rerun_recovers_byte_identical_outputs(repo):
    clean = eval((repo / ".clean").read_text())  # noqa: S307 - our own repr above
    shutil.rmtree(repo / "models/hnn_dense")
    res = nnrg(repo, "hnn_dense")
    assert res.returncode == 0, res.stderr
    assert digest(repo) == clean
    assert running_runs(repo) == []
    assert len(FAULTS) >= 15, FAULTS
