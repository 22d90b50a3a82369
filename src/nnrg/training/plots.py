"""Training and validation loss curves, shared by the stages that train with ``fit``."""

from __future__ import annotations

import numpy as np

from nnrg.core.figures import plt


def training_curves(curves: dict[str, tuple[list[float], list[float]]]):
    """Train (solid) and validation (dashed) loss per epoch for each named model."""
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for k, (name, (train, val)) in enumerate(curves.items()):
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, train, "-", color=f"C{k}", label=f"{name} train")
        ax.plot(epochs, val, "--", color=f"C{k}", label=f"{name} validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_yscale("log")
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    return fig
