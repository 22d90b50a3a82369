"""Independent units of a stage's work, run in the stage's process or as Ray tasks.

A stage hands :func:`run_units` a module-level function and a list of argument tuples; each
unit is a pure computation (no file I/O, no MLflow: logging stays in the stage process) and the
results come back in the order of the units, so the stage assembles exactly what the serial
loop would have. Units never share a random stream, so the bytes do not depend on the backend
or on how many workers run them (``tests/core/test_fanout.py`` compares them).

Backends (``pipeline.parallel``, overridden by ``$NNRG_PARALLEL``):

- ``serial``: a plain loop in this process.
- ``ray``: Ray tasks, one CPU each (``OMP_NUM_THREADS=1``). With ``$RAY_ADDRESS`` unset, a
  local Ray instance with ``pipeline.workers`` workers (0: one per core) is started for the
  call and shut down after it; with ``$RAY_ADDRESS`` set (``ray start --head`` on a cluster),
  tasks go to that cluster, whose workers must have this package installed.

On both, each unit runs with one torch thread (see ``_single_threaded``).

When the stage computes on a GPU, a local run stays serial: one GPU already batches every
replica, and Ray would hide it from CPU-only tasks.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from nnrg.core.params import PARALLEL_BACKENDS as BACKENDS
from nnrg.core.params import overridden

PARALLEL_ENV = "NNRG_PARALLEL"
RAY_ADDRESS_ENV = "RAY_ADDRESS"
_WORKER_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
               "NUMBA_NUM_THREADS": "1"}  # fmt: skip


def backend(setting: str) -> str:
    """The backend that ``setting`` (or ``$NNRG_PARALLEL``, which wins) names."""
    value, source = overridden(setting, PARALLEL_ENV, "pipeline.parallel")
    if value not in BACKENDS:
        raise ValueError(f"{source}: {value!r} is not a backend; use one of {list(BACKENDS)}")
    return value


def local_workers(setting: int) -> int:
    """Workers of a local Ray instance: ``setting``, or one per core for 0."""
    return setting if setting > 0 else max(1, os.cpu_count() or 1)


_NOTHING = object()


def _single_threaded(fn: Callable[..., Any], shared: tuple, args: tuple) -> Any:
    """Run one unit with one torch thread, restoring the caller's count after; ``shared`` is
    ``()`` or ``(value,)``. Every unit runs so on every backend: a float reduction split over
    threads rounds differently (an RBM's CD gradient on 784 x 49 weights does), so one thread
    is what makes a unit's bytes independent of the backend and of the machine's cores."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return fn(*shared, *args)
    finally:
        torch.set_num_threads(threads)


def unit_count(workers: int, most: int) -> int:
    """Units to split work into, at most ``most``: ``workers`` (0: one per local core) on
    this machine; on a cluster ``workers``, or ``most`` (the finest split) for 0."""
    if os.environ.get(RAY_ADDRESS_ENV):
        return min(most, workers) if workers > 0 else most
    return min(most, local_workers(workers))


def fans_out(parallel: str, gpu: bool = False) -> bool:
    """Whether units would go to Ray (else a stage may batch them in one call instead)."""
    return backend(parallel) == "ray" and (not gpu or bool(os.environ.get(RAY_ADDRESS_ENV)))


def source_root() -> Path:
    """The directory that holds the ``nnrg`` package this process runs (``src/``), which local
    Ray workers put first on their ``PYTHONPATH`` so they import this very source tree."""
    return Path(__file__).resolve().parents[2]  # src/nnrg/core/fanout.py -> src/


def quiet_ray_environment() -> None:
    """Environment for a Ray instance started here: no usage statistics sent, no metrics
    agent to reach, GPUs left visible to every task (Ray's future default), and Ray's C++
    processes logging only fatal errors to the terminal (their full logs stay under
    ``/tmp/ray/session_*/logs``): without a dashboard there is no metrics agent, and Ray 2.52's
    core workers print "Failed to establish connection to the metrics exporter agent" into
    every run otherwise. A failing task still raises in the stage. Each is a default: a value
    set in the environment wins."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ.setdefault("RAY_enable_metrics_collection", "0")
    os.environ.setdefault("RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO", "0")
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")


def run_units(
    fn: Callable[..., Any],
    units: Sequence[tuple],
    parallel: str = "serial",
    workers: int = 0,
    gpu: bool = False,
    done: Callable[[], None] | None = None,
    shared: Any = _NOTHING,
) -> list[Any]:
    """``[fn(*u) for u in units]`` on the chosen backend, in the units' order; with
    ``shared`` (inputs every unit reads: data sets, classifiers), ``fn(shared, *u)``, and
    ``shared`` is sent to the workers once. ``done()`` after each finished unit (a progress
    bar)."""
    cluster = os.environ.get(RAY_ADDRESS_ENV)
    given = () if shared is _NOTHING else (shared,)
    if not fans_out(parallel, gpu) or len(units) <= 1:
        out = []
        for u in units:
            out.append(_single_threaded(fn, given, tuple(u)))
            if done is not None:
                done()
        return out
    import ray

    quiet_ray_environment()
    started = not ray.is_initialized()
    if started:
        runtime_env = {"env_vars": dict(_WORKER_ENV)}
        if not cluster:  # local workers import this very source tree
            src = str(source_root())
            path = os.environ.get("PYTHONPATH")
            runtime_env["env_vars"]["PYTHONPATH"] = src if not path else f"{src}{os.pathsep}{path}"
        if cluster:
            ray.init(address=cluster, runtime_env=runtime_env, log_to_driver=False)
        else:
            ray.init(num_cpus=local_workers(workers), include_dashboard=False,
                     log_to_driver=False, runtime_env=runtime_env,
                     logging_level="WARNING")  # fmt: skip
    try:
        task = ray.remote(num_cpus=1, num_gpus=1 if gpu else 0)(_single_threaded)
        fn_ref, shared_ref = ray.put(fn), ray.put(given)
        refs = [task.remote(fn_ref, shared_ref, tuple(u)) for u in units]
        pending = list(refs)
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            if done is not None:
                done()
        return ray.get(refs)
    finally:
        if started:
            ray.shutdown()
