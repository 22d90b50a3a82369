"""Stage imp_global: whole-model IMP (one global |theta| threshold) for both systems, next to
the controls that test the RG reading (study 000 figs. 4-5, sigma table); the read-outs are
stage imp_analysis's, so changing them never retrains.

Methods, all on the same R initial networks per system:
  imp               IMP as in the thesis (train, prune smallest |theta|, rewind, retrain);
  random            remove weights uniformly at random at the same rate, retrain;
  layer_normalised  rank |theta| / (std of the layer's initial weights), retrain;
  no_retraining     rank the *initial* |theta| and never train: initialisation scale alone.
The first three run batched in one model; the last needs no training. Every run checkpoints
after each iteration (``checkpoints/imp_global/``) and goes on from there when the stage is
started again after a crash, an interrupt or a time limit (the same bytes as one pass).
"""

from __future__ import annotations

from nnrg.core.declare import StageSpec
from nnrg.core.io import replace_dir
from nnrg.core.stage import Stage
from nnrg.studies.imp_hnn import paths
from nnrg.studies.imp_hnn.archive import ImpArchive
from nnrg.studies.imp_hnn.hnn import LAYERS, state_arrays, tiled
from nnrg.studies.imp_hnn.imp import ImpResult, PruneGroup
from nnrg.studies.imp_hnn.params import DynamicsParams, ImpGlobalParams
from nnrg.studies.imp_hnn.stages.common import (
    METHOD,
    clear_checkpoints,
    new_model,
    problem,
    run_imp,
    training,
)
from nnrg.studies.imp_hnn.systems import SYSTEMS

STAGE = StageSpec(
    "imp_global",
    ImpGlobalParams,
    uses={"dynamics": DynamicsParams},
    tracks=(
        "dynamics",
        "pipeline.device",
    ),
    outs=(paths.IMP_GLOBAL,),
    headline=("fraction", "iterations"),
    smoke={
        "iterations": 3,
        "training": {"oscillator": {"epochs": 5}, "henon_heiles": {"epochs": 5}},
    },
)

TRAINED = ("imp", "random", "layer_normalised")


def train_methods(stage: Stage, name: str, k_system: int) -> ImpArchive:
    """IMP and its controls on the same R initial networks of one system, and those weights."""
    p = stage.section
    prob = problem(stage.params.dynamics, name, stage.device)
    seed = p.seed + 100 * k_system
    base = new_model(p.n_replicas, prob, p.hidden, seed)
    r = p.n_replicas
    methods = TRAINED if p.controls else TRAINED[:1]
    groups = [
        PruneGroup(k * r, (k + 1) * r, LAYERS, "magnitude" if m == "imp" else m, p.fraction)
        for k, m in enumerate(methods)
    ]
    tr = training(stage, getattr(p.training, name), seed)
    label = f"{name} whole-model IMP" + (" + controls" if p.controls else "")
    batched = run_imp(stage, tiled(base, len(methods)), prob, tr, groups, p.iterations, label,
                      unit=f"{name}-retrained")  # fmt: skip
    results: dict[str, ImpResult] = {
        m: batched.replicas(k * r, (k + 1) * r) for k, m in enumerate(methods)
    }
    if p.controls:
        group = [PruneGroup(0, r, LAYERS, fraction=p.fraction)]
        label = f"{name} no-retraining control"
        unit = f"{name}-no-retraining"
        results["no_retraining"] = run_imp(stage, tiled(base, 1), prob, tr, group, p.iterations,
                                           label, retrain=False, unit=unit)  # fmt: skip
    return ImpArchive(state_arrays(base), results)


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    archives = {name: train_methods(stage, name, k) for k, name in enumerate(SYSTEMS)}

    def build(tmp):
        for name, archive in archives.items():
            archive.save(tmp / f"{name}.npz")

    replace_dir(stage.path(paths.IMP_GLOBAL), build)
    stage.add_artifact(stage.path(paths.IMP_GLOBAL), "masks")
    clear_checkpoints(stage)
    metrics = {
        name: {"methods": list(archive.results), "iterations_run": p.iterations}
        for name, archive in archives.items()
    }
    metrics.update(fraction=p.fraction, iterations=p.iterations, n_replicas=p.n_replicas)
    stage.finish(metrics, method=METHOD)
