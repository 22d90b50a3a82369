"""Stage rbm_classifiers: the read-outs of study 002 — temperature classifiers for the N = 8
chain and the 10 x 10 lattice (figs. 4.1, 4.5) and the MNIST digit classifier (sec. 4.4).

A single configuration says little about T; a collection does: the softmax averaged over a
collection gives a distribution over T whose mean and argmax are the collection's read-out.
"""

from __future__ import annotations

import numpy as np
import torch

from nnrg.core.declare import StageSpec
from nnrg.core.io import write_dataset, write_figure
from nnrg.core.stage import Stage
from nnrg.studies.rbm_flow import paths
from nnrg.studies.rbm_flow import plots as plots_rbm
from nnrg.studies.rbm_flow.analysis.thermometry import collection_distribution, read
from nnrg.studies.rbm_flow.classifier import mlp
from nnrg.studies.rbm_flow.mnist import load_mnist
from nnrg.studies.rbm_flow.params import RbmClassifiersParams
from nnrg.studies.rbm_flow.stages.common import (
    CLASSIFIER_VARIANTS,
    classifier_path,
    classifier_sizes,
    ising_set,
    mnist_split,
    temperatures,
)
from nnrg.training.loop import History
from nnrg.training.runs import fit, save_curves, save_model, validation_loss_plot

FIGURE_RBM_CLASSIFIER_MNIST = "reports/figures/rbm_classifier_mnist.png"
CURVES_RBM_CLASSIFIERS_LOSS = "reports/plots/rbm_classifiers_loss.csv"


STAGE = StageSpec(
    "rbm_classifiers",
    RbmClassifiersParams,
    tracks=("pipeline.device",),
    deps=(
        paths.ISING_CHAIN,
        paths.ISING_TEMPERATURES,
    ),
    outs=(
        paths.CLASSIFIERS,
        paths.MNIST,
        "reports/figures/rbm_classifier_chain.png",
        "reports/figures/rbm_classifier_lattice.png",
        "reports/figures/rbm_classifier_chain_gd.png",
        "reports/figures/rbm_classifier_lattice_gd.png",
        FIGURE_RBM_CLASSIFIER_MNIST,
        "reports/figures/rbm_classifiers_training.png",
        CURVES_RBM_CLASSIFIERS_LOSS,
    ),
    headline=(
        "chain.single_accuracy",
        "lattice.single_accuracy",
        "mnist.test_accuracy",
    ),
    smoke={"training": {"epochs": 1}, "mnist_training": {"epochs": 1}},
    plots={
        "training_validation_loss": validation_loss_plot(CURVES_RBM_CLASSIFIERS_LOSS),
    },
)


def accuracy(model: torch.nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    """Fraction of single inputs classified correctly."""
    with torch.no_grad():
        pred = model(torch.as_tensor(x, dtype=torch.float32)).argmax(dim=1).numpy()
    return float((pred == y).mean())


def per_class_curves(
    model: torch.nn.Module, x: np.ndarray, y: np.ndarray, n_classes: int
) -> np.ndarray:
    """Row k: the softmax averaged over the inputs of class k, ``(n_classes, n_classes)``."""
    return np.stack([collection_distribution(model, x[y == k]) for k in range(n_classes)])


def train_classifier(
    stage: Stage, system: str, x: np.ndarray, y: np.ndarray, n_classes: int, tp, label: str = ""
) -> tuple[torch.nn.Module, History]:
    """Seeded MLP fitted with cross-entropy on (x, y); returns the model and its history
    (``label``: the progress bar's name, ``system``'s by default)."""
    torch.manual_seed(tp.seed)
    model = mlp(
        classifier_sizes(stage.params.rbm_classifiers, system, x.shape[1], n_classes),
        "relu" if system == "mnist" else "tanh",
    )
    history = fit(
        stage,
        f"{label or system} classifier",
        model,
        torch.as_tensor(x, dtype=torch.float32),
        torch.as_tensor(y),
        tp,
        "cross_entropy",
    )
    return model, history


def ising_classifier(stage: Stage, system: str, variant: str, tp) -> tuple[dict, History]:
    """Train one temperature classifier (``variant``'s optimiser settings ``tp``); its held-out
    read-outs and figure (figs. 4.1, 4.5)."""
    temps = temperatures(stage, system)
    train, held = ising_set(stage, system, "train"), ising_set(stage, system, "heldout")
    model, history = train_classifier(
        stage, system, train["spins"], train["label"], len(temps), tp, f"{system} ({variant})"
    )
    save_model(stage, classifier_path(system, variant), model)
    curves = per_class_curves(model, held["spins"], held["label"], len(temps))
    readouts = [read(c, temps) for c in curves]
    metrics = {
        "single_accuracy": accuracy(model, held["spins"], held["label"]),
        "chance": 1.0 / len(temps),
        "collection_argmax_accuracy": float(
            np.mean([r.argmax == t for r, t in zip(readouts, temps, strict=True)])
        ),
        "collection_mean_abs_error": float(
            np.mean([abs(r.expected - t) for r, t in zip(readouts, temps, strict=True)])
        ),
    }
    title = f"{system} ({variant}): softmax averaged over held-out configurations at each T"
    fig = plots_rbm.probability_curves(temps, curves, temps, "T (class)", title)
    suffix = CLASSIFIER_VARIANTS[variant]
    path = stage.path(f"reports/figures/rbm_classifier_{system}{suffix}.png")
    stage.add_artifact(write_figure(path, fig), "figures")
    return metrics, history


def mnist_classifier(stage: Stage) -> tuple[dict, History]:
    """Split MNIST (written for rbm_mnist), train the digit classifier, read its test set."""
    p = stage.section
    images, labels, source = load_mnist(p.mnist_path)
    split = mnist_split(len(labels), p.mnist_test_fraction, p.mnist_heldout_fraction, p.seed)
    train = split["train"]
    model, history = train_classifier(
        stage, "mnist", images[train], labels[train], 10, p.mnist_training
    )
    save_model(stage, classifier_path("mnist"), model)
    test = split["test"]
    curves = per_class_curves(model, images[test], labels[test], 10)
    metrics = {
        "test_accuracy": accuracy(model, images[test], labels[test]),
        "chance": 0.1,
        "source": source,
        "per_digit_train": np.bincount(labels[train], minlength=10).tolist(),
        "collection_argmax_accuracy": float(np.mean(curves.argmax(axis=1) == np.arange(10))),
    }
    title = "MNIST: softmax averaged over test digits of each class"
    fig = plots_rbm.probability_curves(np.arange(10), curves, np.arange(10), "digit (class)", title)
    path = stage.path(FIGURE_RBM_CLASSIFIER_MNIST)
    stage.add_artifact(write_figure(path, fig), "figures")
    files = {name: {"images": images[idx], "labels": labels[idx]} for name, idx in split.items()}
    meta = {"source": source, "sizes": {k: len(v) for k, v in split.items()}}
    write_dataset(stage.path(paths.MNIST), files, meta)
    return metrics, history


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    metrics, histories = {}, {}
    settings = {"adam": p.training, "gd": p.gd_training}
    for system in ("chain", "lattice"):
        for variant, tp in settings.items():
            key = system if variant == "adam" else f"{system}_{variant}"
            metrics[key], histories[key] = ising_classifier(stage, system, variant, tp)
    metrics["mnist"], histories["mnist"] = mnist_classifier(stage)
    for name, h in histories.items():  # early stopping: the epoch kept, of how many run
        metrics[name].update(kept_epoch=h.kept + 1, epochs_run=len(h.train),
                             validation_loss=h.validation[h.kept])  # fmt: skip
    save_curves(stage, "rbm_classifiers", histories)
    stage.finish(metrics, method={"kept_model": "best_validation_epoch"})
