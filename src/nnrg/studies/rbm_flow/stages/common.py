"""Shared by the study-002 stages: Ising sets as flat +-1 arrays, the read-out classifiers,
and the MNIST split."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import torch

from nnrg.core.io import read_json, read_npz
from nnrg.core.stage import Stage
from nnrg.studies.rbm_flow import paths
from nnrg.studies.rbm_flow.classifier import mlp
from nnrg.studies.rbm_flow.params import RbmClassifiersParams, RbmTrainingParams
from nnrg.studies.rbm_flow.rbm import RbmTraining
from nnrg.training.weights import load_weights

ISING = {"chain": paths.ISING_CHAIN, "lattice": paths.ISING_TEMPERATURES}
# the temperature classifiers: Adam (the main read-out) and the thesis's plain gradient descent
CLASSIFIER_VARIANTS = {"adam": "", "gd": "_gd"}  # variant -> file-name suffix
MNIST_SIZES = [784, 196, 49, 20, 10]


def ising_set(stage: Stage, system: str, name: str) -> dict[str, np.ndarray]:
    """``{spins (n, d) float64, label, temperature}`` of one set ('train', 'test', 'heldout')."""
    data = read_npz(
        stage.path(f"{ISING[system]}/{name}.npz"),
        require={"spins": None, "label": (None,), "temperature": (None,)},
    )
    data["spins"] = data["spins"].reshape(len(data["spins"]), -1).astype(np.float64)
    return data


def temperatures(stage: Stage, system: str) -> np.ndarray:
    """The temperature grid of ``system``'s data (class k <-> temperatures[k])."""
    return np.asarray(read_json(stage.path(f"{ISING[system]}/meta.json"))["temperatures"])


def classifier_sizes(
    p: RbmClassifiersParams, system: str, n_inputs: int, n_classes: int
) -> list[int]:
    """Layer sizes of a read-out classifier: temperature MLPs or the MNIST digit MLP."""
    if system == "mnist":
        return MNIST_SIZES
    hidden = p.chain_hidden if system == "chain" else p.lattice_hidden
    return [n_inputs, hidden, n_classes]


def classifier_path(system: str, variant: str = "adam") -> str:
    """Where a read-out classifier is stored: ``models/classifiers/<system><suffix>.npz``."""
    return f"{paths.CLASSIFIERS}/{system}{CLASSIFIER_VARIANTS[variant]}.npz"


def load_classifier(
    stage: Stage, system: str, n_inputs: int, n_classes: int, variant: str = "adam"
) -> torch.nn.Module:
    """A trained read-out classifier (``variant``: see ``CLASSIFIER_VARIANTS``)."""
    model = mlp(
        classifier_sizes(stage.params.rbm_classifiers, system, n_inputs, n_classes),
        "relu" if system == "mnist" else "tanh",
    )
    return load_weights(model, stage.path(classifier_path(system, variant)))


def mnist_split(
    n: int, test_fraction: float, heldout_fraction: float, seed: int
) -> dict[str, np.ndarray]:
    """Seeded disjoint index sets train / test / heldout."""
    perm = np.random.default_rng(seed).permutation(n)
    n_test, n_held = int(round(test_fraction * n)), int(round(heldout_fraction * n))
    return {
        "test": np.sort(perm[:n_test]),
        "heldout": np.sort(perm[n_test : n_test + n_held]),
        "train": np.sort(perm[n_test + n_held :]),
    }


def epochs_for(t: RbmTrainingParams, n_train: int) -> int:
    """``t.epochs``, raised so that small training sets still get ``t.min_updates`` updates."""
    per_epoch = max(1, -(-n_train // t.batch_size))
    return max(t.epochs, -(-t.min_updates // per_epoch))


def rbm_training(t: RbmTrainingParams, n_train: int, seed: int, **overrides: Any) -> RbmTraining:
    """A CD run from a params section: epochs raised for small sets (:func:`epochs_for`), the
    given seed, and any recipe field overridden (a sweep's epochs, lr or CD mode)."""
    recipe = replace(t, **{"epochs": epochs_for(t, n_train), **overrides})
    return RbmTraining(recipe, seed)
