"""IMP runs that survive interruption: a checkpoint after every iteration, and the units of a
run split over workers.

A long IMP run (hours at the thesis's 1 % rate) must not start over after a crash, a SIGINT or a
cluster's time limit. After every completed iteration :func:`imp_unit` writes the run's
:class:`~nnrg.studies.imp_hnn.imp.ImpProgress` to its checkpoint file (atomically: an interrupt
leaves the last complete one); started again, it goes on from there. Each iteration trains from
the rewound weights with the recipe's own seed and the control generator's state is saved, so
the resumed run gives the bytes of an uninterrupted one.

A checkpoint is used only by the run that wrote it: its key hashes the initial network, the
problem, the recipe and seed, the prune groups, the number of iterations and the source of the
modules that compute the run. Anything else (a changed param, other code, another split over
workers) starts afresh and says so.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnrg.core.io import InputError, read_npz, write_npz
from nnrg.studies.imp_hnn import hnn, imp, masks, training
from nnrg.studies.imp_hnn.hnn import LAYERS, BatchedHNN, from_state_arrays, state_arrays
from nnrg.studies.imp_hnn.imp import (
    ImpProgress,
    ImpResult,
    PruneGroup,
    bin_plan,
    scatter_results,
)
from nnrg.studies.imp_hnn.training import HnnProblem, HnnTraining

CODE = (imp, training, hnn, masks)
"""The modules whose source decides a run's bytes (part of every checkpoint's key)."""

QUANTITIES = ("density", "loss", "layer_density", "layer_magnitude")


def run_key(
    arrays: dict[str, np.ndarray],
    problem: HnnProblem,
    tr: HnnTraining,
    groups: list[PruneGroup],
    n_iterations: int,
    retrain: bool,
) -> str:
    """A hash of everything that decides an IMP run's bytes (see the module docstring)."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        h.update(name.encode())
        h.update(np.ascontiguousarray(arrays[name]).tobytes())
    facts = (problem.z0.cpu().tolist(), problem.t_max, problem.field.__qualname__, tr.recipe,
             tr.seed, tr.compiled, groups, n_iterations, retrain)  # fmt: skip
    h.update(repr(facts).encode())
    for module in CODE:
        h.update(Path(module.__file__ or "").read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class ImpCheckpoint:
    """One run's checkpoint file and the key (:func:`run_key`) it must carry to be used."""

    path: Path
    key: str

    def load(self) -> ImpProgress | None:
        """The saved progress of this run, or None (no file, another run's file, unreadable:
        the last two are reported on stderr and the run starts afresh)."""
        if not self.path.exists():
            return None
        try:
            arrays = read_npz(self.path)
            if str(arrays["key"]) != self.key:
                raise InputError(f"{self.path}: written by another run (params, code or split)")
            history = ImpResult(
                arrays["density"],
                arrays["loss"],
                arrays["layer_density"],
                arrays["layer_magnitude"],
                {n: arrays[f"history_mask_{n}"] for n in LAYERS},
            )
            current = {n: arrays[f"mask_{n}"] for n in LAYERS}
            return ImpProgress(int(arrays["iteration"]), history, current, arrays["generator"])
        except (InputError, KeyError) as err:
            print(f"checkpoint not used, starting afresh: {err}", file=sys.stderr, flush=True)
            return None

    def save(self, progress: ImpProgress) -> None:
        """Write ``progress`` (atomically: an interrupt leaves the previous file whole)."""
        h = progress.history
        arrays = {q: getattr(h, q) for q in QUANTITIES}
        arrays.update({f"history_mask_{n}": h.masks[n] for n in LAYERS})
        arrays.update({f"mask_{n}": progress.masks[n] for n in LAYERS})
        arrays.update(key=np.array(self.key), iteration=np.array(progress.iteration),
                      generator=progress.generator_state)  # fmt: skip
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_npz(self.path, **arrays)


def imp_unit(
    arrays: dict[str, np.ndarray],
    problem: HnnProblem,
    tr: HnnTraining,
    groups: list[PruneGroup],
    n_iterations: int,
    retrain: bool,
    checkpoint: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImpResult:
    """IMP of ``groups`` on one batched model built from its state ``arrays`` (on the device of
    ``problem``'s z0), resumed from and saved to ``checkpoint`` when one is given: the unit of
    a run, whole or one bin of :func:`imp_binned` (e.g. a Ray task)."""
    model = from_state_arrays(arrays).to(problem.z0.device)
    if checkpoint is None:
        return imp.imp(model, problem, tr, groups, n_iterations, retrain, progress)
    ck = ImpCheckpoint(checkpoint, run_key(arrays, problem, tr, groups, n_iterations, retrain))
    resume = ck.load()
    if resume is not None and progress is not None:
        for it in range(resume.iteration + 1):
            progress(it)
    return imp.imp(model, problem, tr, groups, n_iterations, retrain, progress,
                   resume=resume, save=ck.save)  # fmt: skip


def imp_run(
    model: BatchedHNN,
    problem: HnnProblem,
    tr: HnnTraining,
    groups: list[PruneGroup],
    n_iterations: int,
    retrain: bool = True,
    checkpoint: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImpResult:
    """IMP of every group of ``model`` in one unit (:func:`imp_unit`)."""
    return imp_unit(state_arrays(model), problem, tr, groups, n_iterations, retrain,
                    checkpoint, progress)  # fmt: skip


def imp_binned(
    model: BatchedHNN,
    problem: HnnProblem,
    tr: HnnTraining,
    groups: list[PruneGroup],
    n_iterations: int,
    n_bins: int,
    run: Callable[[Callable, list[tuple]], list],
    retrain: bool = True,
    checkpoint: Path | None = None,
) -> ImpResult:
    """IMP split into ``n_bins`` independent units (:func:`~nnrg.studies.imp_hnn.imp.bin_plan`),
    which ``run`` (``run(fn, units) -> [fn(*u) for u in units]``, on any backend) computes;
    joined back in replica order. Replicas never interact and random scores are drawn as in
    the whole batch, so the result is one unit's, byte for byte (``tests/core/test_fanout.py``).
    Bin k of n checkpoints to ``<checkpoint>-bin<k>of<n>.npz`` (a shared file system on a
    cluster)."""
    arrays = state_arrays(model)
    plan = bin_plan(groups, n_bins, n_iterations)

    def bin_file(k: int) -> Path | None:
        if checkpoint is None:
            return None
        return checkpoint.with_name(f"{checkpoint.name}-bin{k}of{len(plan)}.npz")

    units = [({name: v[b.rows] for name, v in arrays.items()}, problem, tr, b.groups,
              n_iterations, retrain, bin_file(k)) for k, b in enumerate(plan)]  # fmt: skip
    return scatter_results(run(imp_unit, units), [b.rows for b in plan], model.n_replicas)
