"""Stage beta_regressor: study 001's inverse-temperature regressor on the wide-beta set."""

from __future__ import annotations

import numpy as np
import torch

from nnrg import plots
from nnrg.models.autoencoder import BetaRegressor
from nnrg.models.training import evaluate
from nnrg.stages.base import Stage
from nnrg.stages.io import write_figure
from nnrg.stages.training_common import as_tensor, fit, load_wide_beta, save_curves, save_model

MODEL = "models/beta_regressor.npz"


def main() -> None:
    stage = Stage("beta_regressor")
    p = stage.section
    torch.manual_seed(p.training.seed)  # model initialisation is part of the seeded run
    train, test = load_wide_beta(stage, p.n_train, p.training.seed)
    x, y = as_tensor(train["spins"]), torch.as_tensor(train["beta"], dtype=torch.float32)
    model = BetaRegressor(x.shape[1], p.hidden)
    history = fit(stage, "regressor", model, x, y, p.training, "mse")
    x_test = as_tensor(test["spins"])
    y_test = torch.as_tensor(test["beta"], dtype=torch.float32)
    test_mse = evaluate(model, x_test, y_test, "mse")
    with torch.no_grad():
        predicted = model(x_test).numpy()
    save_model(stage, MODEL, model)
    save_curves(stage, "beta_regressor", {"regressor": history})
    fig = plots.parity(test["beta"], predicted, f"test MSE {test_mse:.4g} (paper: 0.0035)")
    stage.add_artifact(write_figure(stage.path("reports/figures/beta_regressor_parity.png"),
                                    fig), "figures")
    betas = np.unique(test["beta"])
    bias = [float(np.mean(predicted[test["beta"] == b] - b)) for b in betas]
    stage.finish({"test_mse": test_mse, "train_mse": history.train[-1],
                  "validation_mse": history.validation[-1], "n_train": len(x),
                  "n_test": len(y_test), "max_abs_bias": float(np.max(np.abs(bias))),
                  "bias_near_beta_c": float(bias[int(np.argmin(np.abs(betas - 0.4407)))])})
