"""Stage ae_wide: AE-WR, Model-1's architecture retrained on the wide-beta set (study 001)."""

from __future__ import annotations

import torch

from nnrg.models.autoencoder import LinearChain, ae_sizes
from nnrg.models.training import evaluate, keras_loss
from nnrg.stages import paths
from nnrg.stages.base import Stage
from nnrg.stages.training_common import (
    AE_METHOD,
    as_tensor,
    fit,
    load_wide_beta,
    save_curves,
    save_model,
)


def main() -> None:
    stage = Stage("ae_wide")
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
