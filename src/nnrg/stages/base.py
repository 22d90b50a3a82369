"""What every stage shares: params, paths, progress bars, metrics JSON and MLflow logging."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tqdm import tqdm

from nnrg import tracking
from nnrg.params import Params, flatten, to_dict
from nnrg.stages.io import load_params, load_yaml, repo_root, write_json

INPUT_DIRS = ("data", "models")
PIPE_INTERVAL_S = 10.0  # progress-bar refresh when stderr is not a terminal


def quiet() -> bool:
    """True in CI or with ``NNRG_QUIET=1``: no progress bars."""
    return bool(os.environ.get("NNRG_QUIET") or os.environ.get("CI"))


def numeric_leaves(tree: Any, prefix: str = "") -> dict[str, float]:
    """Flatten nested metrics to dotted keys, keeping finite numbers (bools as 0/1), no lists."""
    out: dict[str, float] = {}
    if isinstance(tree, dict):
        for key, value in tree.items():
            out.update(numeric_leaves(value, f"{prefix}{key}."))
    elif isinstance(tree, bool | int | float) and tree == tree and abs(float(tree)) != float("inf"):
        out[prefix.rstrip(".")] = float(tree)
    return out


class Stage:
    """One stage execution: load and validate params, check tracking, then collect outputs.

    Usage in a stage module::

        stage = Stage("ising_chain")
        ...compute, stage.path(...), stage.add_artifact(...)...
        stage.finish(metrics)
    """

    def __init__(self, name: str, uses: tuple[str, ...] = ()) -> None:
        global _ACTIVE
        self.name = name
        self.root = repo_root()
        self.params: Params = load_params(self.root)
        self.section = getattr(self.params, name)
        self.uses = uses
        self.started = time.perf_counter()
        self.started_ms = int(time.time() * 1000)
        self.artifacts: list[tuple[Path, str]] = []
        self.logged = False
        if tracking.enabled():
            tracking.preflight(tracking.tracking_uri(tracking.store_root(self.root)))
        _ACTIVE = self  # from here on, a failure or an interrupt is logged (see abort)

    def path(self, relative: str) -> Path:
        """Absolute path of a repository-relative out."""
        return self.root / relative

    def add_artifact(self, path: Path, artifact_dir: str = "") -> Path:
        """Register a written file or directory for MLflow logging at ``finish``."""
        self.artifacts.append((Path(path), artifact_dir))
        return Path(path)

    def progress(
        self, iterable: Iterable | None = None, total: int | None = None, desc: str = ""
    ) -> tqdm:
        """A tqdm bar labelled with the stage, silent in CI / quiet mode."""
        # to a file or a pipe (a `make repro` log), one update every PIPE_INTERVAL_S at most
        tty = sys.stderr.isatty()
        return tqdm(
            iterable,
            total=total,
            desc=f"[{self.name}] {desc}".strip(),
            disable=quiet(),
            file=sys.stderr,
            dynamic_ncols=tty,
            leave=not tty,
            mininterval=0.1 if tty else PIPE_INTERVAL_S,
            maxinterval=10.0 if tty else 10 * PIPE_INTERVAL_S,
        )

    def log(self, message: str) -> None:
        """One progress line on stderr (not in quiet mode)."""
        if not quiet():
            print(f"[{self.name}] {message}", file=sys.stderr, flush=True)

    def _logged_params(self) -> dict[str, object]:
        tree = to_dict(self.params)
        sections = {self.name: tree[self.name], **{u: tree[u] for u in self.uses}}
        return flatten(sections)

    def ran_with(self, method: dict[str, Any] | None = None) -> dict[str, Any]:
        """The conditions this run had, for the claims engine: every param the stage read, as
        ``section.dotted.key``, plus fixed facts of the method that no param selects (a
        read-out, a loss normalisation) as ``<stage>.method.<name>``."""
        facts = {f"{self.name}.method.{k}": v for k, v in (method or {}).items()}
        return {**self._logged_params(), **facts}

    def _input_tags(self) -> dict[str, str]:
        dvc_yaml = self.root / "dvc.yaml"
        if not dvc_yaml.exists():
            return {}
        spec = (load_yaml(dvc_yaml) or {}).get("stages", {}).get(self.name, {})
        tags = {}
        for dep in spec.get("deps", []):
            dep_path = self.root / str(dep)
            if str(dep).split("/")[0] in INPUT_DIRS and dep_path.exists():
                tags[f"input_md5.{dep}"] = tracking.file_digest(dep_path)
        return tags

    def _log(self, record: tracking.StageRecord) -> None:
        self.logged = True
        tracking.log_stage(record, self.root, self.params.pipeline.experiment)

    def _record(
        self,
        params: dict[str, Any],
        metrics: dict[str, float],
        status: str,
        tags: dict[str, str] | None = None,
    ) -> tracking.StageRecord:
        elapsed = time.perf_counter() - self.started
        return tracking.StageRecord(
            self.name,
            params,
            {**metrics, "wall_time_s": elapsed},
            self.artifacts,
            {"nnrg_profile": self.params.pipeline.profile, **self._input_tags(), **(tags or {})},
            status=status,
            start_ms=self.started_ms,
            end_ms=int(time.time() * 1000),
        )

    def finish(self, metrics: dict[str, Any], method: dict[str, Any] | None = None) -> Path:
        """Write ``reports/metrics/<stage>.json`` (with the run's conditions under
        ``ran_with``, see :meth:`ran_with`) and log params, metrics, artifacts to MLflow."""
        ran_with = self.ran_with(method)
        metrics_path = write_json(
            self.path(f"reports/metrics/{self.name}.json"), {**metrics, "ran_with": ran_with}
        )
        self.add_artifact(metrics_path, "metrics")
        self.log(f"done in {time.perf_counter() - self.started:.1f} s")
        if tracking.enabled():
            self._log(self._record(ran_with, numeric_leaves(metrics), "FINISHED"))
        else:
            self.logged = True
        return metrics_path

    def abort(self, status: str, error: str) -> None:
        """Log this stage as FAILED or KILLED (its params, real start and end, and the error)
        if it has not been logged yet; never raises, so the original error is what the user
        sees."""
        if self.logged or not tracking.enabled():
            return
        self.artifacts = []  # outs of a failed stage are not results
        try:
            self._log(self._record(self.ran_with(), {}, status, {"error": error[:500]}))
        except Exception as exc:  # noqa: BLE001 - report, but keep the stage's own error
            print(f"[{self.name}] could not log the {status} run: {exc}", file=sys.stderr)


_ACTIVE: Stage | None = None


def abort_active(status: str, error: str) -> None:
    """Log the stage that is running in this process (if any) as FAILED or KILLED."""
    if _ACTIVE is not None:
        _ACTIVE.abort(status, error)
