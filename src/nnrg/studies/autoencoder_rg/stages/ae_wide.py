"""Stage ae_wide: AE-WR, Model-1's architecture retrained on the wide-beta set (study 001)."""

from __future__ import annotations

import torch

from nnrg.core.declare import StageSpec
from nnrg.core.stage import Stage
from nnrg.studies.autoencoder_rg import paths
from nnrg.studies.autoencoder_rg.autoencoder import LinearChain, ae_sizes
from nnrg.studies.autoencoder_rg.params import AeWideParams, IsingWideParams
from nnrg.studies.autoencoder_rg.stages.common import AE_METHOD, as_tensor, load_wide_beta
from nnrg.training.loop import evaluate, keras_loss
from nnrg.training.runs import fit, save_curves, save_model, validation_loss_plot

CURVES_AE_WIDE_LOSS = "reports/plots/ae_wide_loss.csv"


STAGE = StageSpec(
    "ae_wide",
    AeWideParams,
    reads={"ising_wide": IsingWideParams},
    tracks=("pipeline.device",),
    deps=(paths.ISING_WIDE,),
    outs=(
        paths.AE_WIDE_MODEL,
        "reports/figures/ae_wide_training.png",
        CURVES_AE_WIDE_LOSS,
    ),
    headline=("test_loss",),
    smoke={"training": {"epochs": 1}},
    plots={
        "training_validation_loss": validation_loss_plot(CURVES_AE_WIDE_LOSS),
    },
)


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    torch.manual_seed(p.training.seed)  # model initialisation is part of the seeded run
    train, test = load_wide_beta(stage, p.n_train, p.training.seed)
    x = as_tensor(train["spins"])
    model = LinearChain(ae_sizes(x.shape[1]))
    history = fit(stage, "ae_wide", model, x, x, p.training, "hinge")
    x_test = as_tensor(test["spins"])
    save_model(stage, paths.AE_WIDE_MODEL, model)
    save_curves(stage, "ae_wide", {"ae_wide": history})
    test_loss, k, l1 = evaluate(model, x_test, x_test, "hinge"), history.kept, p.training.l1
    stage.finish(
        {
            "train_loss": history.train[k],
            "validation_loss": history.validation[k],
            "test_loss": test_loss,
            "train_loss_with_l1": history.train_total[k],
            "validation_loss_with_l1": history.validation_total[k],
            "test_loss_with_l1": keras_loss(model, test_loss, l1),
            "l1": l1,
            "kept_epoch": k + 1,
            "epochs_run": len(history.train),
            "n_train": len(x),
        },
        method=AE_METHOD,
    )
