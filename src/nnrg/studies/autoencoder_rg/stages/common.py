"""Shared by the study-001 stages: lattices as tensors, the wide-beta set, the beta regressor as
every stage that reads beta builds it."""

from __future__ import annotations

import numpy as np
import torch

from nnrg.core.io import read_npz
from nnrg.core.stage import Stage
from nnrg.studies.autoencoder_rg import paths
from nnrg.studies.autoencoder_rg.autoencoder import BetaRegressor, SpinFlipSymmetrised

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


def lattice_schema(L: int, *labels: str) -> dict:
    """What a lattice set must hold: ``spins (n, L, L)`` and one value per lattice for each
    of ``labels`` (e.g. ``beta``)."""
    return {"spins": (None, L, L), **{name: (None,) for name in labels}}


def read_wide_beta(stage: Stage, name: str) -> dict[str, np.ndarray]:
    """One split ('train' or 'test') of the wide-beta set, checked before any compute."""
    return read_npz(
        stage.path(f"{paths.ISING_WIDE}/{name}.npz"),
        require=lattice_schema(stage.params.ising_wide.L, "beta"),
    )


def load_wide_beta(
    stage: Stage, n_train: int, seed: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The wide-beta set: a seeded subset of ``n_train`` training lattices, and the test set."""
    train = read_wide_beta(stage, "train")
    keep = subset(len(train["beta"]), n_train, seed)
    return {k: v[keep] for k, v in train.items()}, read_wide_beta(stage, "test")


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
