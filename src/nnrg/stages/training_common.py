"""Shared by the training stages: tensors from lattices, fitting with progress, loss curves."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from nnrg import plots_training
from nnrg.models.autoencoder import BetaRegressor, SpinFlipSymmetrised
from nnrg.models.training import History, state_arrays, train, validation_split
from nnrg.params import TrainingParams
from nnrg.stages import paths
from nnrg.stages.base import Stage
from nnrg.stages.io import write_csv, write_figure, write_npz

# What our autoencoder losses are, for the claims engine: Keras's reported loss and val_loss
# include the L1 penalty (study 001 trains with Keras), and so do our ``*_with_l1`` metrics
# (penalty over every weight matrix, frozen ones included); the plain ones are the data loss.
AE_METHOD = {"reported_loss": "data_loss_plus_l1"}


def as_tensor(lattices: np.ndarray) -> torch.Tensor:
    """Lattices ``(n, ...)`` flattened to ``(n, d) float32`` (the paper's linearisation)."""
    return torch.as_tensor(lattices.reshape(len(lattices), -1), dtype=torch.float32)


def subset(n_total: int, n_keep: int, seed: int) -> np.ndarray:
    """A seeded subset of ``min(n_keep, n_total)`` indices, sorted."""
    keep = min(n_keep, n_total)
    return np.sort(np.random.default_rng(seed).permutation(n_total)[:keep])


def load_wide_beta(
    stage: Stage, n_train: int, seed: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The wide-beta set: a seeded subset of ``n_train`` training lattices, and the test set."""
    train = read_wide_beta(stage, "train")
    keep = subset(len(train["beta"]), n_train, seed)
    return {k: v[keep] for k, v in train.items()}, read_wide_beta(stage, "test")


def fit(
    stage: Stage,
    name: str,
    model: torch.nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    tp: TrainingParams,
    loss: str,
    augment: Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None = None,
) -> History:
    """Train ``model`` on (x, y) with ``tp`` and a seeded validation split, with a progress bar
    (``augment``: a per-batch transformation, see ``models.training.train``)."""
    torch.manual_seed(tp.seed)
    tr, va = validation_split(len(x), tp.validation_fraction, tp.seed)
    bar = stage.progress(total=tp.epochs, desc=name)

    def report(epoch: int, train_loss: float, val_loss: float) -> None:
        bar.update(1)
        bar.set_postfix(train=f"{train_loss:.4f}", val=f"{val_loss:.4f}")

    model.to(stage.device)  # trained where the stage computes, read back on the CPU
    history = train(
        model,
        x[tr],
        y[tr],
        x[va],
        y[va],
        loss=loss,
        epochs=tp.epochs,
        batch_size=tp.batch_size,
        lr=tp.lr,
        l1=tp.l1,
        seed=tp.seed,
        progress=report,
        patience=tp.patience,
        augment=augment,
        optimizer=tp.optimizer,
    )
    model.to("cpu")
    bar.close()
    return history


def save_model(stage: Stage, path: str, model: torch.nn.Module) -> None:
    """Write the state dict as a deterministic npz and register it as an MLflow artifact."""
    stage.add_artifact(write_npz(stage.path(path), **state_arrays(model)), "models")


def save_curves(stage: Stage, name: str, histories: dict[str, History]) -> None:
    """Loss curves: ``reports/plots/<name>_loss.csv`` for dvc plots and a PNG figure."""
    rows = [
        (model, epoch + 1, a, b, c, d)
        for model, h in histories.items()
        for epoch, (a, b, c, d) in enumerate(
            zip(h.train, h.validation, h.train_total, h.validation_total, strict=True)
        )
    ]
    table = write_csv(
        stage.path(f"reports/plots/{name}_loss.csv"),
        ["model", "epoch", "train", "validation", "train_with_l1", "validation_with_l1"],
        rows,
        dict.fromkeys(["train", "validation", "train_with_l1", "validation_with_l1"], ".6g"),
    )
    stage.add_artifact(table, "plots")
    fig = plots_training.training_curves({k: (h.train, h.validation) for k, h in histories.items()})
    stage.add_artifact(
        write_figure(stage.path(f"reports/figures/{name}_training.png"), fig), "figures"
    )


def load_model(stage: Stage, path: str, model: torch.nn.Module) -> torch.nn.Module:
    """Load a state dict saved by ``save_model`` into ``model`` (evaluation mode)."""
    from nnrg.stages.weights import load_weights

    return load_weights(model, stage.path(path))


def lattice_schema(L: int, *labels: str) -> dict:
    """What a lattice set must hold: ``spins (n, L, L)`` and one value per lattice for each
    of ``labels`` (e.g. ``beta``)."""
    return {"spins": (None, L, L), **{name: (None,) for name in labels}}


def read_wide_beta(stage: Stage, name: str) -> dict[str, np.ndarray]:
    """One split ('train' or 'test') of the wide-beta set, checked before any compute."""
    from nnrg.stages.io import read_npz

    return read_npz(
        stage.path(f"{paths.ISING_WIDE}/{name}.npz"),
        require=lattice_schema(stage.params.ising_wide.L, "beta"),
    )


def predict(model: torch.nn.Module, x: np.ndarray) -> np.ndarray:
    """Model outputs for lattices ``x`` (flattened), as numpy, without gradients."""
    with torch.no_grad():
        return model(as_tensor(x)).numpy()


def build_regressor(stage: Stage) -> tuple[BetaRegressor, torch.nn.Module]:
    """The regressor to train and the model that predicts with it (spin-flip symmetrised when
    ``beta_regressor.symmetrise``; used the same way by every stage that reads beta)."""
    p, L = stage.params.beta_regressor, stage.params.ising_wide.L
    net = BetaRegressor(L * L, p.hidden)
    return net, (SpinFlipSymmetrised(net) if p.symmetrise else net)
