"""What every stage shares: params, paths, progress bars, metrics JSON and MLflow logging."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tqdm import tqdm

from nnrg.core import tracking
from nnrg.core.declare import StageSpec
from nnrg.core.headline import headline
from nnrg.core.io import SIGNIFICANT_DIGITS, load_params, read_json, repo_root, write_json
from nnrg.core.params import PipelineParams, flatten, to_dict

if TYPE_CHECKING:
    import torch

INPUT_DIRS = ("data", "models")
COMPILE_ENV = "NNRG_COMPILE"
_UNSET = object()
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

        STAGE = StageSpec("ising_chain", IsingChainParams, outs=(...), headline=(...))

        def main() -> None:
            stage = Stage(STAGE)
            ...compute, stage.path(...), stage.add_artifact(...)...
            stage.finish(metrics)

    ``stage.params`` holds the sections the declaration names (its own, ``uses``, ``reads``)
    and ``pipeline``, loaded and validated from ``params.yaml``; ``stage.section`` is its own.
    """

    def __init__(self, spec: StageSpec) -> None:
        global _ACTIVE
        self.spec = spec
        self.name = spec.name
        self.root = repo_root()
        sections = {"pipeline": PipelineParams, **spec.sections, **spec.reads}
        self.params: Any = load_params(sections, self.root)
        self.section = getattr(self.params, self.name)
        self.uses = tuple(spec.uses)
        self.started = time.perf_counter()
        self.started_ms = int(time.time() * 1000)
        self.artifacts: list[tuple[Path, str]] = []
        # logged on the pipeline's parent run too, when the stage finishes (log_to_pipeline)
        self.pipeline_metrics: dict[str, float] = {}
        self.pipeline_tags: dict[str, str] = {}
        self.pipeline_artifacts: list[tuple[Path, str]] = []
        self.logged = False
        self._device: torch.device | None = None
        self._compiled = False
        if tracking.enabled():
            tracking.preflight(tracking.tracking_uri(tracking.store_root(self.root)))
        _ACTIVE = self  # from here on, a failure or an interrupt is logged (see abort)

    @property
    def device(self) -> torch.device:
        """Where this stage's torch models compute (``pipeline.device``, ``$NNRG_DEVICE``;
        see :mod:`nnrg.core.devices`); a stage that ran elsewhere than on the CPU records the
        device under ``ran_with``, and every run tags it in MLflow."""
        if self._device is None:
            from nnrg.core.devices import resolve_device  # torch only for the stages that use it

            self._device = resolve_device(self.params.pipeline.device)
        return self._device

    @property
    def compiled(self) -> bool:
        """Whether the HNN epoch runs compiled (``pipeline.compile``, ``$NNRG_COMPILE``); a
        stage that asks and gets True records it under ``ran_with``."""
        env = os.environ.get(COMPILE_ENV)
        value = self.params.pipeline.compile if env is None else env.strip() not in ("", "0")
        self._compiled = self._compiled or value
        return value

    @property
    def fans_out(self) -> bool:
        """Whether :meth:`run_units` sends units to Ray (``pipeline.parallel``, the device)."""
        from nnrg.core import fanout

        return fanout.fans_out(self.params.pipeline.parallel, self.device.type == "cuda")

    def unit_count(self, most: int) -> int:
        """How many units to split work into (at most ``most``): the local workers, or for a
        cluster (``$RAY_ADDRESS``) ``pipeline.workers`` (0: ``most``, the finest split)."""
        from nnrg.core import fanout

        return fanout.unit_count(self.params.pipeline.workers, most)

    def run_units(self, fn, units, desc: str = "", shared=_UNSET) -> list:  # noqa: ANN001
        """``fn`` over independent ``units`` on the pipeline's backend (``nnrg.core.fanout``), with
        a progress bar over units; ``shared``: inputs every unit reads, sent once."""
        from nnrg.core import fanout

        pipe = self.params.pipeline
        bar = self.progress(total=len(units), desc=desc)
        extra = {} if shared is _UNSET else {"shared": shared}
        gpu = self.device.type == "cuda"
        out = fanout.run_units(fn, units, pipe.parallel, pipe.workers, gpu, bar.update, **extra)
        bar.close()
        return out

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
        # the CPU is the reference: only a run on another device says so (CPU outputs stay
        # byte-identical to the code before the device setting existed)
        off_cpu = self._device is not None and self._device.type != "cpu"
        used: dict[str, Any] = (
            {"device": cast("torch.device", self._device).type} if off_cpu else {}
        )
        used.update({"compiled": True} if self._compiled else {})
        facts = {f"{self.name}.method.{k}": v for k, v in {**used, **(method or {})}.items()}
        return {**self._logged_params(), **facts}

    def _input_tags(self) -> dict[str, str]:
        """The md5 of each data or model input the stage declares (``StageSpec.deps``)."""
        tags = {}
        for dep in self.spec.deps:
            dep_path = self.root / dep
            if dep.split("/")[0] in INPUT_DIRS and dep_path.exists():
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
            {
                "nnrg_profile": self.params.pipeline.profile,
                **self._input_tags(),
                **({} if self._device is None else {"device": str(self._device)}),
                **(tags or {}),
            },  # fmt: skip
            status=status,
            start_ms=self.started_ms,
            end_ms=int(time.time() * 1000),
            pipeline_metrics=self.pipeline_metrics,
            pipeline_tags=self.pipeline_tags,
            pipeline_artifacts=self.pipeline_artifacts,
        )

    def log_to_pipeline(
        self,
        metrics: dict[str, float] | None = None,
        tags: dict[str, str] | None = None,
        artifacts: list[tuple[Path, str]] | None = None,
    ) -> None:
        """Also log these on the pipeline's parent run when the stage finishes (the claims'
        verdicts: the run a user opens first in the MLflow UI)."""
        self.pipeline_metrics.update(metrics or {})
        self.pipeline_tags.update(tags or {})
        self.pipeline_artifacts.extend(artifacts or [])

    def finish(self, metrics: dict[str, Any], method: dict[str, Any] | None = None) -> Path:
        """Write the stage's record ``reports/records/<stage>.json`` (every result, with the
        run's conditions under ``ran_with``, see :meth:`ran_with`) and its headline scalars
        ``reports/metrics/<stage>.json`` (``StageSpec.headline``), both with floats rounded to
        :data:`~nnrg.core.io.SIGNIFICANT_DIGITS`, and log params, the record's numbers and
        the artifacts to MLflow. Returns the record's path."""
        ran_with = self.ran_with(method)
        record_path = write_json(
            self.path(self.spec.record),
            {**metrics, "ran_with": ran_with},
            digits=SIGNIFICANT_DIGITS,
        )
        record = {k: v for k, v in read_json(record_path).items() if k != "ran_with"}
        metrics_path = write_json(
            self.path(self.spec.metrics), headline(self.spec.headline, record)
        )
        self.add_artifact(record_path, "records")
        self.add_artifact(metrics_path, "metrics")
        self.log(f"done in {time.perf_counter() - self.started:.1f} s")
        if tracking.enabled():
            self._log(self._record(ran_with, numeric_leaves(record), "FINISHED"))
        else:
            self.logged = True
        return record_path

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
