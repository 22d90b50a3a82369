"""The mini-batch training recipe (``TrainingParams``), a sub-section of every study-001 and
study-002 training stage's params."""

from __future__ import annotations

from dataclasses import dataclass

from nnrg.core.params import param

OPTIMIZERS = ("adam", "sgd")  # sgd: plain mini-batch gradient descent (no momentum)


@dataclass(frozen=True)
class TrainingParams:
    """Adam mini-batch training (study 001 paper: 4000 epochs, batch 10, 20% validation)."""

    epochs: int = param(20, 1, 10**5)
    batch_size: int = param(64, 1, 10**6)
    lr: float = param(1e-3, 0.0, 1.0, lo_open=True)
    l1: float = param(1e-6, 0.0, 1.0)
    validation_fraction: float = param(0.2, 0.0, 0.9)
    seed: int = param(0, 0, 2**32 - 1)
    # early stopping: epochs without a better validation loss before stopping (the best
    # epoch's weights are kept); null trains every epoch and keeps the last
    patience: int | None = param(None, 1, 10**5)
    optimizer: str = param("adam", choices=OPTIMIZERS)
