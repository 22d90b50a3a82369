"""Tracking: store location, fail-fast preflight, pipeline key."""

import subprocess
import sys
import time

import pytest

from nnrg import tracking


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
    env = {"MLFLOW_TRACKING_URI": "http://127.0.0.1:9", "PATH": "/usr/bin:/bin",
           "DVC_ROOT": str(repo_root)}
    res = subprocess.run([sys.executable, "-m", "nnrg", "dynamics"], env=env,
                         capture_output=True, text=True, timeout=60)
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
