"""Stage beta_regressor: study 001's inverse-temperature regressor on the wide-beta set.

Paper (sec. IV D): the regressor "was trained on Ising lattices for beta in [0.1, 0.6) until
the mean square err (MSE) came down to 0.0035, then a new set of 10,000 lattices were used to
check the test-losses". Next to the test MSE over our whole range we report it on the paper's
range [0.1, 0.6), its standard error over test lattices, and the MSE of a physical instrument on
the same single lattices: beta read off each lattice's energy per spin through Kaufman's exact
<E>/N(beta) (``EnergyThermometer``) - what a single lattice can tell about beta at all."""

from __future__ import annotations

import numpy as np
import torch

from nnrg.core.declare import Plot, StageSpec
from nnrg.core.io import write_csv, write_figure
from nnrg.core.stage import Stage
from nnrg.ising.lattice import BETA_C, energy_per_spin
from nnrg.numerics.stats import mean_of_replicas
from nnrg.studies.autoencoder_rg import paths
from nnrg.studies.autoencoder_rg import plots as plots_ae
from nnrg.studies.autoencoder_rg.analysis.flow import EnergyThermometer
from nnrg.studies.autoencoder_rg.augment import IsingSymmetries
from nnrg.studies.autoencoder_rg.params import BetaRegressorParams, IsingWideParams
from nnrg.studies.autoencoder_rg.stages.common import (
    as_tensor,
    build_regressor,
    load_wide_beta,
    predict,
)
from nnrg.training.loop import evaluate
from nnrg.training.runs import fit, save_curves, save_model, validation_loss_plot

FIGURE_BETA_REGRESSOR_PARITY = "reports/figures/beta_regressor_parity.png"
CURVES_BETA_REGRESSOR_BIAS = "reports/plots/beta_regressor_bias.csv"
CURVES_BETA_REGRESSOR_LOSS = "reports/plots/beta_regressor_loss.csv"


STAGE = StageSpec(
    "beta_regressor",
    BetaRegressorParams,
    uses={"ising_wide": IsingWideParams},
    tracks=("pipeline.device",),
    deps=(paths.ISING_WIDE,),
    outs=(
        paths.BETA_REGRESSOR_MODEL,
        FIGURE_BETA_REGRESSOR_PARITY,
        "reports/figures/beta_regressor_training.png",
        CURVES_BETA_REGRESSOR_LOSS,
        CURVES_BETA_REGRESSOR_BIAS,
    ),
    headline=(
        "test_mse",
        "bias_near_beta_c",
    ),
    smoke={"training": {"epochs": 1}},
    plots={
        "beta_regressor_bias": Plot(
            "nnrg_lines",
            "Study 001: beta regressor bias (predicted - true) on the test set",
            "beta",
            {CURVES_BETA_REGRESSOR_BIAS: "bias"},
            "true beta",
            "mean predicted - true beta",
        ),
        "training_validation_loss": validation_loss_plot(CURVES_BETA_REGRESSOR_LOSS),
    },
)


PAPER_RANGE = (0.1, 0.6)  # sec. IV D: "trained on Ising lattices for beta in [0.1, 0.6)"


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    torch.manual_seed(p.training.seed)  # model initialisation is part of the seeded run
    train, test = load_wide_beta(stage, p.n_train, p.training.seed)
    x, y = as_tensor(train["spins"]), torch.as_tensor(train["beta"], dtype=torch.float32)
    net, model = build_regressor(stage)
    augment = IsingSymmetries(stage.params.ising_wide.L) if p.augment else None
    history = fit(stage, "regressor", model, x, y, p.training, "mse", augment=augment)
    x_test = as_tensor(test["spins"])
    y_test = torch.as_tensor(test["beta"], dtype=torch.float32)
    test_mse = evaluate(model, x_test, y_test, "mse")
    predicted = predict(model, test["spins"])
    save_model(stage, paths.BETA_REGRESSOR_MODEL, net)
    save_curves(stage, "beta_regressor", {"regressor": history})
    write_bias_curve(stage, test, predicted)
    fig = plots_ae.parity(test["beta"], predicted, f"test MSE {test_mse:.4g} (paper: 0.0035)")
    stage.add_artifact(write_figure(stage.path(FIGURE_BETA_REGRESSOR_PARITY), fig), "figures")
    metrics = test_metrics(test, predicted)
    metrics.update(
        test_mse=test_mse, train_mse=history.train[history.kept],
        validation_mse=history.validation[history.kept], kept_epoch=history.kept + 1,
        epochs_run=len(history.train), n_train=len(x), n_test=len(y_test),
        flip_asymmetry=flip_asymmetry(net, x_test),
    )  # fmt: skip
    kept = "best_validation_epoch" if p.training.patience else "last_epoch"
    stage.finish(metrics, method={"kept_model": kept, "spin_flip_symmetrised": p.symmetrise})


def flip_asymmetry(net: torch.nn.Module, x: torch.Tensor) -> float:
    """Mean |f(x) - f(-x)| of the unsymmetrised network on the test lattices: how far training
    alone made it spin-flip symmetric."""
    with torch.no_grad():
        return float((net(x) - net(-x)).abs().mean())


def write_bias_curve(stage: Stage, test: dict, predicted: np.ndarray) -> None:
    """Mean predicted minus true beta at every test beta, with its standard error, for
    ``dvc plots`` (``reports/plots/beta_regressor_bias.csv``)."""
    rows = []
    for b in np.unique(test["beta"]):
        est = mean_of_replicas(predicted[test["beta"] == b] - b)
        rows.append((b, est.mean, est.error))
    path = stage.path(CURVES_BETA_REGRESSOR_BIAS)
    table = write_csv(
        path,
        ["beta", "bias", "bias_error"],
        rows,
        dict.fromkeys(("beta", "bias", "bias_error"), ".6g"),
    )
    stage.add_artifact(table, "plots")


def test_metrics(test: dict[str, np.ndarray], predicted: np.ndarray) -> dict:
    """Test MSE with its standard error (all betas and the paper's range), the same for the
    exact energy thermometer on the same single lattices, and the bias per beta."""
    beta = test["beta"]
    betas = np.unique(beta)
    bias = [float(np.mean(predicted[beta == b] - b)) for b in betas]
    squared = (predicted.reshape(-1) - beta) ** 2
    paper_range = (beta >= PAPER_RANGE[0]) & (beta < PAPER_RANGE[1])
    energy_read = EnergyThermometer(test["spins"].shape[-1])(energy_per_spin(test["spins"]))
    energy_squared = (energy_read - beta) ** 2
    return {
        "test_mse_estimate": mean_of_replicas(squared).as_dict(),
        "test_mse_paper_range": mean_of_replicas(squared[paper_range]).as_dict(),
        "energy_thermometer_mse": mean_of_replicas(energy_squared).as_dict(),
        "energy_thermometer_mse_paper_range": mean_of_replicas(
            energy_squared[paper_range]
        ).as_dict(),
        "max_abs_bias": float(np.max(np.abs(bias))),
        "bias_near_beta_c": float(bias[int(np.argmin(np.abs(betas - BETA_C)))]),
    }
