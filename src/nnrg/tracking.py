"""The one module that talks to MLflow.

Store: ``MLFLOW_TRACKING_URI`` if set, else ``sqlite:///<root>/mlflow.db`` with artifacts under
``<root>/mlartifacts``, where root is ``DVC_ROOT`` (queued DVC experiments run in a temporary
copy) or the repository root. Each stage logs at its end in one batch (importing mlflow costs
about 2 s, so it is done once, after the compute), as a child run of one parent run per
pipeline execution. The parent is found by a pipeline key: ``NNRG_PIPELINE_ID`` if set, else the
``dvc`` process that launched the stage, so all stages of one ``dvc repro`` share a parent.
Set ``NNRG_TRACKING=off`` to skip logging entirely.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

PIPELINE_KEY_TAG = "nnrg_pipeline_key"


class TrackingUnavailable(RuntimeError):
    """The tracking store cannot be reached or written; raised before any compute."""


@dataclass
class StageRecord:
    """Everything one stage hands to MLflow at its end."""

    stage: str
    params: dict[str, object]
    metrics: dict[str, float]
    artifacts: list[tuple[Path, str]] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


def enabled() -> bool:
    """False when ``NNRG_TRACKING`` is set to off/0/false."""
    return os.environ.get("NNRG_TRACKING", "on").lower() not in {"off", "0", "false", "no"}


def tracking_uri(root: Path) -> str:
    """``MLFLOW_TRACKING_URI`` or ``sqlite:///<root>/mlflow.db``."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{Path(root).resolve()}/mlflow.db"


def artifact_location(root: Path) -> str:
    """Artifact root for a newly created experiment: ``<root>/mlartifacts`` as a file URI."""
    return (Path(root).resolve() / "mlartifacts").as_uri()


def preflight(uri: str, timeout_s: float = 3.0) -> None:
    """Fail fast, before any compute, if the tracking store is unreachable or unwritable."""
    parsed = urlparse(uri)
    if parsed.scheme.startswith("sqlite"):
        db = Path(uri.split(":///", 1)[1]) if ":///" in uri else None
        if db is None or not db.parent.is_dir() or not os.access(db.parent, os.W_OK):
            raise TrackingUnavailable(f"MLflow store {uri!r}: directory is missing or read-only")
        return
    if parsed.scheme in {"http", "https"}:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            with socket.create_connection((parsed.hostname, port), timeout=timeout_s):
                return
        except OSError as err:
            raise TrackingUnavailable(
                f"MLflow tracking server {uri!r} is unreachable ({err}); start it, fix "
                "MLFLOW_TRACKING_URI, or set NNRG_TRACKING=off"
            ) from None
    if parsed.scheme in {"", "file"}:
        path = Path(parsed.path or uri)
        target = path if path.exists() else path.parent
        if not os.access(target, os.W_OK):
            raise TrackingUnavailable(f"MLflow store {uri!r} is not writable")


def git_commit(root: Path) -> str:
    """HEAD commit of the repository at ``root`` (with ``-dirty`` if the tree has changes)."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True, check=True).stdout
        return head + ("-dirty" if dirty.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def pipeline_key() -> str:
    """Identity of the current pipeline execution (see module docstring)."""
    explicit = os.environ.get("NNRG_PIPELINE_ID")
    if explicit:
        return explicit
    try:
        import psutil

        proc = psutil.Process().parent()
        while proc is not None:
            if any(Path(arg).name == "dvc" for arg in proc.cmdline()[:3]):
                return f"dvc-{proc.pid}-{int(proc.create_time())}"
            proc = proc.parent()
    except Exception:  # noqa: BLE001 - any psutil failure means "no dvc ancestor"
        pass
    return f"standalone-{os.getpid()}-{int(time.time())}"


def file_digest(path: Path) -> str:
    """md5 of a file, or of the sorted (relative path, md5) list of a directory's files."""
    path = Path(path)
    if path.is_file():
        return hashlib.md5(path.read_bytes()).hexdigest()
    h = hashlib.md5()
    for sub in sorted(p for p in path.rglob("*") if p.is_file()):
        h.update(f"{sub.relative_to(path)}:{file_digest(sub)}\n".encode())
    return h.hexdigest()


def _get_experiment_id(client, name: str, location: str | None) -> str:
    exp = client.get_experiment_by_name(name)
    if exp is not None:
        return exp.experiment_id
    return client.create_experiment(name, artifact_location=location)


def _parent_run(client, exp_id: str, key: str, tags: dict[str, str]) -> str:
    found = client.search_runs([exp_id], filter_string=f"tags.{PIPELINE_KEY_TAG} = '{key}'",
                               max_results=1)
    if found:
        return found[0].info.run_id
    name = f"pipeline {tags.get('nnrg_profile', '')} {tags.get('git_commit', '')[:10]}".strip()
    run = client.create_run(exp_id, tags={**tags, PIPELINE_KEY_TAG: key}, run_name=name)
    return run.info.run_id


def log_stage(record: StageRecord, root: Path, experiment: str, finish_parent: bool = False) -> str:
    """Log one stage as a child run of this execution's parent run; returns the child run id."""
    import mlflow
    from mlflow.entities import Metric, Param
    from mlflow.tracking import MlflowClient

    # decide before set_tracking_uri, which itself sets MLFLOW_TRACKING_URI in os.environ
    location = None if os.environ.get("MLFLOW_TRACKING_URI") else artifact_location(root)
    mlflow.set_tracking_uri(tracking_uri(root))
    client = MlflowClient()
    exp_id = _get_experiment_id(client, experiment, location)
    common = {"git_commit": git_commit(root), "dvc_exp_name": os.environ.get("DVC_EXP_NAME", ""),
              **{k: v for k, v in record.tags.items() if k == "nnrg_profile"}}
    parent_id = _parent_run(client, exp_id, pipeline_key(), common)
    tags = {**common, **record.tags, "stage": record.stage, "mlflow.parentRunId": parent_id}
    run = client.create_run(exp_id, tags=tags, run_name=record.stage)
    run_id = run.info.run_id
    now = int(time.time() * 1000)
    params = [Param(k, str(v)[:6000]) for k, v in sorted(record.params.items())]
    metrics = [Metric(k, float(v), now, 0) for k, v in sorted(record.metrics.items())]
    for start in range(0, max(len(params), len(metrics)), 100):
        client.log_batch(run_id, metrics=metrics[start:start + 100],
                         params=params[start:start + 100], tags=[])
    for path, artifact_dir in record.artifacts:
        if Path(path).is_dir():
            client.log_artifacts(run_id, str(path), artifact_dir or None)
        else:
            client.log_artifact(run_id, str(path), artifact_dir or None)
    client.set_terminated(run_id, status="FINISHED")
    if finish_parent:
        client.set_terminated(parent_id, status="FINISHED")
    return run_id
