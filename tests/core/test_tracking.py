"""Tracking: store location, fail-fast preflight, pipeline key."""

import subprocess
import sys
import time

import pytest

from nnrg.core import tracking


def test_default_uri_is_sqlite_under_root(tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert tracking.tracking_uri(tmp_path) == f"sqlite:///{tmp_path.resolve()}/mlflow.db"
    assert tracking.artifact_location(tmp_path).endswith("/mlartifacts")


def test_env_uri_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")
    assert tracking.tracking_uri(tmp_path) == "http://127.0.0.1:5000"


def test_unreachable_server_fails_fast_with_a_clear_message():
    start = time.perf_counter()
    with pytest.raises(tracking.TrackingUnavailable, match="unreachable"):
        tracking.preflight("http://127.0.0.1:9", timeout_s=1.0)
    assert time.perf_counter() - start < 5


def test_sqlite_in_missing_directory_fails():
    with pytest.raises(tracking.TrackingUnavailable, match="missing"):
        tracking.preflight("sqlite:////nonexistent/dir/mlflow.db")


def test_stage_refuses_to_start_when_tracking_is_unreachable(repo_root, tmp_path):
    env = {
        "MLFLOW_TRACKING_URI": "http://127.0.0.1:9",
        "PATH": "/usr/bin:/bin",
        "DVC_ROOT": str(repo_root),
    }
    res = subprocess.run(
        [sys.executable, "-m", "nnrg", "dynamics"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2
    assert "unreachable" in res.stderr


def test_explicit_pipeline_id_wins(monkeypatch):
    monkeypatch.setenv("NNRG_PIPELINE_ID", "abc")
    assert tracking.pipeline_key() == "abc"


def test_file_digest_of_directory_depends_on_content(tmp_path):
    (tmp_path / "a").write_text("1")
    first = tracking.file_digest(tmp_path)
    (tmp_path / "a").write_text("2")
    assert tracking.file_digest(tmp_path) != first


# ---- preflight asks MLflow itself -----------------------------------------------------------


def _serve(handler_body: bytes | None):
    """A loopback server on a free port: answers every GET with ``handler_body`` (HTML, not
    MLflow), or, with None, accepts connections and never answers."""
    import socket
    import threading

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    conns = []

    def loop():
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            conns.append(conn)
            if handler_body is not None:
                conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
                    + str(len(handler_body)).encode()
                    + b"\r\n\r\n"
                    + handler_body
                )
                conn.close()

    threading.Thread(target=loop, daemon=True).start()
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_a_port_that_answers_but_is_not_mlflow_fails_the_preflight():
    sock, uri = _serve(b"<html>not mlflow</html>")
    try:
        with pytest.raises(tracking.TrackingUnavailable, match="not as an MLflow"):
            tracking.preflight(uri, timeout_s=2.0)
    finally:
        sock.close()


def test_a_silent_port_fails_the_preflight_within_its_timeout():
    sock, uri = _serve(None)
    start = time.perf_counter()
    try:
        with pytest.raises(tracking.TrackingUnavailable, match="unreachable"):
            tracking.preflight(uri, timeout_s=1.0)
    finally:
        sock.close()
    assert time.perf_counter() - start < 5


def test_dvc_root_locates_only_the_store(tmp_path, monkeypatch, repo_root):
    from nnrg.core.io import repo_root as working_copy

    monkeypatch.setenv("DVC_ROOT", str(tmp_path))
    monkeypatch.chdir(repo_root / "src")
    assert working_copy() == repo_root
    assert tracking.store_root(repo_root) == tmp_path.resolve()


# ---- run lifecycle ----------------------------------------------------------------------------


def _runs(store):
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{store}/mlflow.db")
    out = []
    for exp in client.search_experiments():
        out += client.search_runs([exp.experiment_id])
    return out


def _log(store, stage, status="FINISHED", key="lifecycle"):
    import os

    os.environ["NNRG_PIPELINE_ID"] = key
    record = tracking.StageRecord(
        stage,
        {"p": 1},
        {"m": 1.0},
        status=status,
        start_ms=int(time.time() * 1000) - 60_000,
        end_ms=int(time.time() * 1000),
    )
    return tracking.log_stage(record, store, "test")


def test_parent_is_closed_after_every_stage_and_carries_the_worst_status(tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("DVC_ROOT", raising=False)
    _log(tmp_path, "a")
    runs = {r.info.run_name: r for r in _runs(tmp_path)}
    parent = next(r for name, r in runs.items() if name.startswith("pipeline"))
    assert parent.info.status == "FINISHED" and runs["a"].info.status == "FINISHED"
    assert runs["a"].info.end_time - runs["a"].info.start_time >= 59_000  # the real duration
    _log(tmp_path, "b", status="FAILED")
    runs = _runs(tmp_path)
    parents = [r for r in runs if r.info.run_name.startswith("pipeline")]
    assert len(parents) == 1 and parents[0].info.status == "FAILED"
    assert not [r for r in runs if r.info.status == "RUNNING"]


def _log_in_subprocess(store: str, stage: str) -> None:
    from pathlib import Path

    _log(Path(store), stage, key="concurrent")


def test_concurrent_stages_of_one_pipeline_create_one_parent(tmp_path, monkeypatch):
    import multiprocessing

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("DVC_ROOT", raising=False)
    _log(tmp_path, "setup", key="other")  # create the store once, as the first stage would
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_log_in_subprocess, args=(str(tmp_path), f"s{k}")) for k in range(4)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    runs = _runs(tmp_path)
    parents = [r for r in runs if r.data.tags.get(tracking.PIPELINE_KEY_TAG) == "concurrent"]
    assert len(parents) == 1 and parents[0].info.status == "FINISHED"
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == parents[0].info.run_id]
    assert sorted(r.info.run_name for r in children) == ["s0", "s1", "s2", "s3"]


def test_pipeline_fields_land_on_the_parent_run_in_batches(tmp_path, monkeypatch):
    """The report stage's verdicts go on the parent run: 250 claims need several batches of
    MLflow's at most 100 tags per call; a failed stage puts nothing there."""
    from mlflow.tracking import MlflowClient

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("DVC_ROOT", raising=False)
    monkeypatch.setenv("NNRG_PIPELINE_ID", "verdicts")
    table = tmp_path / "claims.md"
    table.write_text("| id | status |\n")
    record = tracking.StageRecord(
        "report", {}, {"m": 1.0},
        pipeline_metrics={f"claim.c{k}.status_code": k % 7 for k in range(250)},
        pipeline_tags={f"claim.c{k}.status": "reproduced" for k in range(250)},
        pipeline_artifacts=[(table, "claims")],
    )  # fmt: skip
    tracking.log_stage(record, tmp_path, "test")
    parent = next(r for r in _runs(tmp_path) if r.info.run_name.startswith("pipeline"))
    assert parent.data.tags["claim.c249.status"] == "reproduced"
    assert parent.data.metrics["claim.c13.status_code"] == 6
    assert len([k for k in parent.data.tags if k.startswith("claim.")]) == 250
    client = MlflowClient(tracking_uri=f"sqlite:///{tmp_path}/mlflow.db")
    assert [a.path for a in client.list_artifacts(parent.info.run_id, "claims")] == [
        "claims/claims.md"
    ]
    failed = tracking.StageRecord("report", {}, {}, status="FAILED",
                                  pipeline_tags={"claim.x.status": "reproduced"})  # fmt: skip
    monkeypatch.setenv("NNRG_PIPELINE_ID", "failed")
    tracking.log_stage(failed, tmp_path, "test")
    parents = [r for r in _runs(tmp_path) if r.data.tags.get(tracking.PIPELINE_KEY_TAG) == "failed"]
    assert "claim.x.status" not in parents[0].data.tags
