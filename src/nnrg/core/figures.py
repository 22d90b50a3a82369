"""The shared plotting setup: the Agg backend and a hidden-axes panel grid. Figures live in one
module per study (``plots_ising``, ``plots_hnn``, ``plots_ae``, ``plots_nnqft``, ``plots_rbm``,
``plots_training``), so a figure change reruns only the stages that draw it. Figures are
matplotlib objects (the stages save them); deterministic, no timestamps."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def panel_grid(n_panels: int, ncols: int, width: float, height: float):
    """A figure with enough axes for ``n_panels`` in ``ncols`` columns, all axes hidden."""
    nrows = int(np.ceil(n_panels / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    return fig, axes.ravel()
