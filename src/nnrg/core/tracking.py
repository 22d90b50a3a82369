"""The one module that talks to MLflow.

Store: ``MLFLOW_TRACKING_URI`` if set, else ``sqlite:///<root>/mlflow.db`` with artifacts under
``<root>/mlartifacts``, where root is ``DVC_ROOT`` (the parent repository, when DVC runs a
queued experiment in a temporary copy) or the working copy. Each stage logs at its end in one
batch (importing mlflow costs about 2 s, so it is done once, after the compute), as a child run
of one parent run per pipeline execution, with the stage's real start and end time. The parent
is found by a pipeline key: ``NNRG_PIPELINE_ID`` if set, else the ``dvc`` process that launched
the stage, so all stages of one ``dvc repro`` share a parent; a file lock makes concurrent
stages find one parent. Lifecycle: a child ends FINISHED, FAILED (its stage raised) or KILLED
(SIGINT / SIGTERM); a parent is reopened while a stage logs into it and closed again right
after (FAILED or KILLED if any child ended so), so no run is left RUNNING once no stage is
running, whichever subset of stages ran. Set ``NNRG_TRACKING=off`` to skip logging entirely.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

PIPELINE_KEY_TAG = "nnrg_pipeline_key"
LOCK_FILE = ".mlflow.lock"
STATUSES = ("FINISHED", "FAILED", "KILLED")


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
    status: str = "FINISHED"  # FINISHED | FAILED | KILLED
    start_ms: int | None = None  # the stage's real start and end, ms since the epoch
    end_ms: int | None = None
    # logged on the pipeline's parent run too (the report stage's verdicts, see
    # :func:`_log_to_parent`), so the run users open first shows them
    pipeline_metrics: dict[str, float] = field(default_factory=dict)
    pipeline_tags: dict[str, str] = field(default_factory=dict)
    pipeline_artifacts: list[tuple[Path, str]] = field(default_factory=list)


def enabled() -> bool:
    """False when ``NNRG_TRACKING`` is set to off/0/false."""
    return os.environ.get("NNRG_TRACKING", "on").lower() not in {"off", "0", "false", "no"}


def store_root(root: Path) -> Path:
    """Where the MLflow store lives: ``DVC_ROOT`` (the parent repository, when DVC runs a
    queued experiment in a temporary copy) if set, else the DVC repository holding ``root``
    (the nearest ancestor with a ``.dvc`` directory: a result set in ``results/<name>/``
    logs to the repository's one store), else ``root`` itself."""
    env = os.environ.get("DVC_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(root).resolve()
    for candidate in (here, *here.parents):
        if (candidate / ".dvc").is_dir():
            return candidate
    return here


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
        _ask_server(uri, timeout_s)
        return
    if parsed.scheme in {"", "file"}:
        path = Path(parsed.path or uri)
        target = path if path.exists() else path.parent
        if not os.access(target, os.W_OK):
            raise TrackingUnavailable(f"MLflow store {uri!r} is not writable")


def _ask_server(uri: str, timeout_s: float) -> None:
    """One real MLflow API call (GET experiments/get-by-name) with a short timeout: a closed
    port, a silent one, or a server that does not answer as MLflow all fail here."""
    url = f"{uri.rstrip('/')}/api/2.0/mlflow/experiments/get-by-name?experiment_name=Default"
    hint = "start it, fix MLFLOW_TRACKING_URI, or set NNRG_TRACKING=off"
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as resp:
            body = resp.read(1 << 16)
    except urllib.error.HTTPError as err:
        body = err.read(1 << 16)  # MLflow answers a missing experiment with a JSON error
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise TrackingUnavailable(
            f"MLflow tracking server {uri!r} is unreachable ({reason}); {hint}"
        ) from None
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not ({"experiment", "error_code"} & set(answer)):
        raise TrackingUnavailable(
            f"{uri!r} answers, but not as an MLflow tracking server "
            f"(GET {url} gave no MLflow JSON); {hint}"
        )


def git_commit(root: Path) -> str:
    """HEAD commit of the repository at ``root`` (with ``-dirty`` if the tree has changes)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
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


@contextmanager
def store_lock(store: Path) -> Iterator[None]:
    """An exclusive lock on the store's parent-run bookkeeping (``<store>/.mlflow.lock``), so
    concurrent stages of one pipeline find or create exactly one parent run."""
    store.mkdir(parents=True, exist_ok=True)
    with open(store / LOCK_FILE, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _open_parent(
    client, exp_id: str, key: str, tags: dict[str, str], start_ms: int | None = None
) -> str:
    """The pipeline's parent run, created on first use, (re)marked RUNNING while a stage logs."""
    found = client.search_runs(
        [exp_id], filter_string=f"tags.{PIPELINE_KEY_TAG} = '{key}'", max_results=1
    )
    if found:
        run_id = found[0].info.run_id
        client.update_run(run_id, status="RUNNING")
        return run_id
    name = f"pipeline {tags.get('nnrg_profile', '')} {tags.get('git_commit', '')[:10]}".strip()
    run = client.create_run(
        exp_id, start_time=start_ms, tags={**tags, PIPELINE_KEY_TAG: key}, run_name=name
    )
    return run.info.run_id


def _close_parent(client, exp_id: str, parent_id: str) -> str:
    """End the parent unless another of its stages is logging right now: FAILED or KILLED if
    any child ended so, else FINISHED. A parent is never left RUNNING between stages."""
    children = client.search_runs(
        [exp_id], filter_string=f"tags.`mlflow.parentRunId` = '{parent_id}'", max_results=1000
    )
    states = {c.info.status for c in children}
    if "RUNNING" in states:
        return "RUNNING"
    status = next((s for s in ("FAILED", "KILLED") if s in states), "FINISHED")
    client.set_terminated(parent_id, status=status, end_time=int(time.time() * 1000))
    return status


def _log_artifacts(client, run_id: str, artifacts: list[tuple[Path, str]]) -> None:
    for path, artifact_dir in artifacts:
        if Path(path).is_dir():
            client.log_artifacts(run_id, str(path), artifact_dir or None)
        elif Path(path).exists():
            client.log_artifact(run_id, str(path), artifact_dir or None)


def _log_to_parent(client, parent_id: str, record: StageRecord, now: int) -> None:
    """The record's ``pipeline_*`` metrics, tags and artifacts on the parent run, in batches
    within MLflow's per-call limits (100 tags, 1000 entries)."""
    from mlflow.entities import Metric, RunTag

    metrics = [Metric(k, float(v), now, 0) for k, v in sorted(record.pipeline_metrics.items())]
    tags = [RunTag(k, str(v)[:5000]) for k, v in sorted(record.pipeline_tags.items())]
    for start in range(0, max(len(metrics), len(tags)), 100):
        client.log_batch(parent_id, metrics=metrics[start : start + 100],
                         params=[], tags=tags[start : start + 100])  # fmt: skip
    _log_artifacts(client, parent_id, record.pipeline_artifacts)


def log_stage(record: StageRecord, root: Path, experiment: str) -> str:
    """Log one stage as a child run of this execution's parent run; returns the child run id.

    The child carries the stage's real start and end time and its status (``record.status``:
    FINISHED, FAILED or KILLED); if logging itself fails, the child ends FAILED. The parent is
    closed again before this returns (see :func:`_close_parent`).
    """
    import mlflow
    from mlflow.entities import Metric, Param
    from mlflow.tracking import MlflowClient

    store = store_root(root)
    # decide before set_tracking_uri, which itself sets MLFLOW_TRACKING_URI in os.environ
    location = None if os.environ.get("MLFLOW_TRACKING_URI") else artifact_location(store)
    mlflow.set_tracking_uri(tracking_uri(store))
    client = MlflowClient()
    exp_id = _get_experiment_id(client, experiment, location)
    common = {
        "git_commit": git_commit(root),
        "dvc_exp_name": os.environ.get("DVC_EXP_NAME", ""),
        **{k: v for k, v in record.tags.items() if k == "nnrg_profile"},
    }
    with store_lock(store):
        parent_id = _open_parent(client, exp_id, pipeline_key(), common, record.start_ms)
        tags = {**common, **record.tags, "stage": record.stage, "mlflow.parentRunId": parent_id}
        run_id = client.create_run(
            exp_id, start_time=record.start_ms, tags=tags, run_name=record.stage
        ).info.run_id
    status = "FAILED"
    try:
        now = record.end_ms or int(time.time() * 1000)
        params = [Param(k, str(v)[:6000]) for k, v in sorted(record.params.items())]
        metrics = [Metric(k, float(v), now, 0) for k, v in sorted(record.metrics.items())]
        for start in range(0, max(len(params), len(metrics)), 100):
            client.log_batch(
                run_id,
                metrics=metrics[start : start + 100],
                params=params[start : start + 100],
                tags=[],
            )
        _log_artifacts(client, run_id, record.artifacts)
        if record.status == "FINISHED":
            _log_to_parent(client, parent_id, record, now)
        status = record.status
    finally:
        client.set_terminated(run_id, status=status, end_time=record.end_ms or None)
        with store_lock(store):
            _close_parent(client, exp_id, parent_id)
    return run_id
