"""Shared by the study-000 stages: problems from params, seeded models, IMP with progress and
checkpoints, reference trajectories and the solver-accuracy read-out."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import torch

from nnrg.core.io import read_npz
from nnrg.core.stage import Stage
from nnrg.studies.imp_hnn import paths
from nnrg.studies.imp_hnn.hnn import BatchedHNN, solution
from nnrg.studies.imp_hnn.imp import ImpResult, PruneGroup
from nnrg.studies.imp_hnn.params import DynamicsParams, HnnTrainingParams
from nnrg.studies.imp_hnn.resumable import imp_binned, imp_run
from nnrg.studies.imp_hnn.systems import get_system
from nnrg.studies.imp_hnn.training import HnnProblem, HnnTraining

# The one fact of the training method that no param selects: the loss is the thesis's
# (eqs. 45 / 49, see ``models.hnn.residual_loss``). Optimizer betas, time noise and the network
# kept are params (``HnnTrainingParams``).
METHOD = {"residual_reduction": "sum_over_components"}


def problem(dynamics: DynamicsParams, name: str, device: torch.device | str = "cpu") -> HnnProblem:
    """The initial-value problem of system ``name`` as set in the ``dynamics`` section, with
    its initial state on ``device``."""
    system = get_system(name)
    cfg = getattr(dynamics, name)
    z0 = torch.tensor(cfg.z0, dtype=torch.float32, device=device)
    return HnnProblem(system.field, system.energy, z0, cfg.t_max_pi * np.pi)


def training(stage: Stage, cfg: HnnTrainingParams, seed: int) -> HnnTraining:
    """The library's training recipe from a params section, with the stage's seed and the
    pipeline's compile setting (``stage.compiled``)."""
    return HnnTraining(cfg, seed, compiled=stage.compiled)


def new_model(n_replicas: int, prob: HnnProblem, hidden: int, seed: int) -> BatchedHNN:
    """``n_replicas`` freshly initialised HNNs for ``prob``, from ``seed``: drawn on the CPU
    (the same weights on every device), then moved to the device of ``prob``'s z0."""
    gen = torch.Generator().manual_seed(seed)
    return BatchedHNN(n_replicas, len(prob.z0), hidden=hidden, generator=gen).to(prob.z0.device)


def checkpoint_path(stage: Stage, unit: str) -> Path:
    """Where ``stage`` checkpoints its IMP run ``unit``: ``checkpoints/<stage>/<unit>`` under
    the repository or result set (git-ignored, and not a DVC out: ``dvc repro`` removes a
    stage's outs before it runs, which would lose the checkpoint a resumed run needs)."""
    return stage.path(f"{paths.CHECKPOINTS}/{stage.name}/{unit}")


def clear_checkpoints(stage: Stage) -> None:
    """Remove ``stage``'s checkpoints once its outs are written (the run is complete)."""
    shutil.rmtree(stage.path(f"{paths.CHECKPOINTS}/{stage.name}"), ignore_errors=True)


def run_imp(
    stage: Stage,
    model: BatchedHNN,
    prob: HnnProblem,
    tr: HnnTraining,
    groups: list[PruneGroup],
    n_iterations: int,
    label: str,
    retrain: bool = True,
    unit: str | None = None,
) -> ImpResult:
    """IMP of every replica group, checkpointed after every iteration as ``unit``
    (:func:`checkpoint_path`; None: no checkpoint) and resumed from there when the stage runs
    again. Serially, all groups in one batched model with a progress bar over iterations. On
    Ray (``stage.fans_out``), the groups are split into bins of about equal cost
    (``imp.group_bins``), one per worker, each bin one batched unit of its groups' replicas,
    and the results are put back in replica order. Replicas never interact and random scores
    are drawn as in the whole batch, so both give the same bytes."""
    checkpoint = None if unit is None else checkpoint_path(stage, unit)
    if not stage.fans_out:
        bar = stage.progress(total=n_iterations + 1, desc=label)
        result = imp_run(model, prob, tr, groups, n_iterations, retrain, checkpoint,
                         progress=lambda _: bar.update())  # fmt: skip
        bar.close()
        return result
    n_units = stage.unit_count(len(groups))
    desc = f"{label} ({n_units} units)"
    return imp_binned(model, prob, tr, groups, n_iterations, n_units,
                      lambda fn, units: stage.run_units(fn, units, desc), retrain,
                      checkpoint)  # fmt: skip


def reference(stage: Stage, name: str) -> dict[str, np.ndarray]:
    """The dynamics stage's reference trajectory ``{t, z, energy}`` of system ``name``."""
    dim = len(getattr(stage.params.dynamics, name).z0)
    return read_npz(
        stage.path(f"{paths.DYNAMICS}/{name}.npz"),
        require={"t": (None,), "z": (None, dim), "energy": (None,)},
    )


def trajectory_errors(
    model: BatchedHNN, prob: HnnProblem, ref: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Per replica: max |position error|, max |momentum error| and max |H(t) - H(0)| on the
    reference grid, plus the predicted states ``(R, T, dim)``."""
    t = torch.tensor(ref["t"], dtype=torch.float32, device=model.device)
    with torch.no_grad():
        z_t, _ = solution(model, t, prob.z0)
    z = z_t.double().cpu().numpy()
    half = z.shape[-1] // 2
    err = np.abs(z - ref["z"][None])
    energy = prob.energy(z)
    return {
        "max_position_error": err[..., :half].max(axis=(1, 2)),
        "max_momentum_error": err[..., half:].max(axis=(1, 2)),
        "max_energy_drift": np.abs(energy - float(ref["energy"][0])).max(axis=1),
        "z": z,
    }
