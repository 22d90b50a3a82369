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
        self.name = name
        self.root = repo_root()
        self.params: Params = load_params(self.root)
        self.section = getattr(self.params, name)
        self.uses = uses
        self.started = time.perf_counter()
        self.artifacts: list[tuple[Path, str]] = []
        if tracking.enabled():
            tracking.preflight(tracking.tracking_uri(self.root))

    def path(self, relative: str) -> Path:
        """Absolute path of a repository-relative out."""
        return self.root / relative

    def add_artifact(self, path: Path, artifact_dir: str = "") -> Path:
        """Register a written file or directory for MLflow logging at ``finish``."""
        self.artifacts.append((Path(path), artifact_dir))
        return Path(path)

    def progress(self, iterable: Iterable | None = None, total: int | None = None,
                 desc: str = "") -> tqdm:
        """A tqdm bar labelled with the stage, silent in CI / quiet mode."""
        return tqdm(iterable, total=total, desc=f"[{self.name}] {desc}".strip(),
                    disable=quiet(), file=sys.stderr, dynamic_ncols=True, leave=False)

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

    def finish(self, metrics: dict[str, Any], finish_parent: bool = False,
               method: dict[str, Any] | None = None) -> Path:
        """Write ``reports/metrics/<stage>.json`` (with the run's conditions under
        ``ran_with``, see :meth:`ran_with`) and log params, metrics, artifacts to MLflow."""
        metrics_path = write_json(self.path(f"reports/metrics/{self.name}.json"),
                                  {**metrics, "ran_with": self.ran_with(method)})
        self.add_artifact(metrics_path, "metrics")
        elapsed = time.perf_counter() - self.started
        self.log(f"done in {elapsed:.1f} s")
        if tracking.enabled():
            numeric = numeric_leaves(metrics)
            numeric["wall_time_s"] = elapsed
            tags = {"nnrg_profile": self.params.pipeline.profile, **self._input_tags()}
            record = tracking.StageRecord(self.name, self.ran_with(method), numeric,
                                          self.artifacts, tags)
            tracking.log_stage(record, self.root, self.params.pipeline.experiment,
                               finish_parent=finish_parent)
        return metrics_path
