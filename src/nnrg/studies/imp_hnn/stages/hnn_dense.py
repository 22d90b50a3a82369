"""Stage hnn_dense: dense HNN solvers for both systems, checked against the reference
trajectories (study 000; Mattheakis et al. 2022). The residual loss alone does not show that
the solver works, so the trajectory and energy errors are measured and logged."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from tqdm import tqdm

from nnrg.core.declare import StageSpec
from nnrg.core.io import write_figure, write_npz
from nnrg.core.stage import Stage
from nnrg.numerics.stats import mean_of_replicas, median_of_replicas, outliers
from nnrg.studies.imp_hnn import paths
from nnrg.studies.imp_hnn import plots as plots_hnn
from nnrg.studies.imp_hnn.hnn import state_arrays
from nnrg.studies.imp_hnn.params import DynamicsParams, HnnDenseParams
from nnrg.studies.imp_hnn.stages.common import (
    METHOD,
    new_model,
    problem,
    reference,
    trajectory_errors,
)
from nnrg.studies.imp_hnn.stages.common import training as training_recipe
from nnrg.studies.imp_hnn.systems import SYSTEMS, get_system
from nnrg.studies.imp_hnn.training import train_hnn

STAGE = StageSpec(
    "hnn_dense",
    HnnDenseParams,
    uses={"dynamics": DynamicsParams},
    tracks=(
        "dynamics",
        "pipeline.device",
    ),
    deps=(paths.DYNAMICS,),
    outs=(
        "models/hnn_dense",
        "reports/figures/hnn_dense_oscillator.png",
        "reports/figures/hnn_dense_henon_heiles.png",
    ),
    headline=(
        "oscillator.log10_residual_loss.mean",
        "henon_heiles.log10_residual_loss.mean",
    ),
    smoke={"training": {"oscillator": {"epochs": 20}, "henon_heiles": {"epochs": 20}}},
)


OUT = "models/hnn_dense"


def epoch_ticks(bar: tqdm) -> Callable[[int], None]:
    """``train_hnn``'s progress callback: one step of ``bar`` per epoch."""

    def tick(_: int) -> None:
        bar.update()

    return tick


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    metrics: dict = {}
    refs = {name: reference(stage, name) for name in SYSTEMS}  # inputs checked before compute
    for k, name in enumerate(SYSTEMS):
        prob = problem(stage.params.dynamics, name, stage.device)
        cfg = getattr(p.training, name)
        model = new_model(p.n_replicas, prob, p.hidden, p.seed + k)
        bar = stage.progress(total=cfg.epochs, desc=f"{name} x{p.n_replicas} replicas")
        loss = train_hnn(
            model,
            prob,
            training_recipe(stage, cfg, p.seed + k),
            progress=epoch_ticks(bar),
        )
        bar.close()
        errors = trajectory_errors(model, prob, refs[name])
        write_npz(stage.path(f"{OUT}/{name}.npz"), **state_arrays(model))
        metrics[name] = solver_metrics(loss, errors, cfg.epochs)
        title = f"{name}: {p.n_replicas} dense HNNs after {cfg.epochs} epochs vs reference"
        fig = plots_hnn.solver_vs_reference(
            refs[name]["t"], refs[name]["z"], errors["z"], get_system(name).labels, title
        )
        path = stage.path(f"reports/figures/hnn_dense_{name}.png")
        stage.add_artifact(write_figure(path, fig), "figures")
    stage.add_artifact(stage.path(OUT), "models")
    stage.finish(metrics, method=METHOD)


def solver_metrics(loss: np.ndarray, errors: dict[str, np.ndarray], epochs: int) -> dict:
    """Residual loss and trajectory / energy errors over replicas, with robust summaries."""
    return {
        "residual_loss": mean_of_replicas(loss).as_dict(),
        "log10_residual_loss": mean_of_replicas(np.log10(loss)).as_dict(),
        # one stalled replica dominates s / sqrt(n): the median and the outlier count say so
        "log10_residual_loss_median": median_of_replicas(np.log10(loss)).as_dict(),
        "log10_residual_loss_outliers": outliers(np.log10(loss)),
        "log10_residual_loss_replicas": [float(v) for v in np.log10(loss)],
        "epochs": epochs,
        **{
            key: mean_of_replicas(errors[key]).as_dict()
            for key in ("max_position_error", "max_momentum_error", "max_energy_drift")
        },
        "worst_replica_position_error": float(errors["max_position_error"].max()),
        # per replica, so a stalled one is seen rather than averaged in
        "max_position_error_replicas": [float(v) for v in errors["max_position_error"]],
        "stalled_replicas": outliers(np.log10(loss)),
        "max_position_error_median": median_of_replicas(errors["max_position_error"]).as_dict(),
    }
