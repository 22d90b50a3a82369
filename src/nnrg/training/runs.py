"""Shared by the training stages of studies 001 and 002: fitting with progress, saving and
loading weights, loss curves."""

from __future__ import annotations

from collections.abc import Callable

import torch

from nnrg.core.declare import Plot
from nnrg.core.io import write_csv, write_figure, write_npz
from nnrg.core.stage import Stage
from nnrg.training import plots as plots_training
from nnrg.training.loop import History, state_arrays, train, validation_split
from nnrg.training.params import TrainingParams


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
    from nnrg.training.weights import load_weights

    return load_weights(model, stage.path(path))


def validation_loss_plot(csv: str) -> Plot:
    """The ``dvc plots`` entry every training stage adds its loss curves ``csv`` to."""
    return Plot(
        "nnrg_curve_by_model",
        "Every trained model's validation loss per epoch",
        "epoch",
        {csv: "validation"},
        "epoch",
        "validation loss",
    )
