"""Read-outs of per-layer IMP curves that study 000's fig. 1 text and Table 1 state in words:
how the loss moves over the first pruning steps, how closely a layer's curve follows its
power law, and the order of the layers' exponents."""

from __future__ import annotations

import numpy as np

from nnrg.numerics.stats import mean_of_replicas


def log10_ratio_at(density: np.ndarray, loss: np.ndarray, at: float) -> dict[str, float]:
    """log10(loss / dense loss) per replica at the iteration whose mean density is nearest
    ``at``: mean +- s.e. over replicas (< 0: pruning to ``at`` lowered the loss), and the
    density actually read. ``density``, ``loss``: ``(n_iter, R)``."""
    mean_density = np.asarray(density, dtype=np.float64).mean(axis=1)
    k = int(np.argmin(np.abs(mean_density - at)))
    ratio = np.log10(loss[k]) - np.log10(loss[0])
    return {**mean_of_replicas(ratio).as_dict(), "density": float(mean_density[k])}


def line_rms(density: np.ndarray, loss: np.ndarray, d_min: float, d_max: float) -> float:
    """Root-mean-square residual of the mean log10 loss about its least-squares line in
    log10 density over ``d_min <= d < d_max`` (NaN with fewer than 3 points): how closely a
    curve "adheres to the linear regression line" (sec. 8.2)."""
    d = np.asarray(density, dtype=np.float64).mean(axis=1)
    y = np.log10(np.asarray(loss, dtype=np.float64)).mean(axis=1)
    window = (d >= d_min) & (d < d_max)
    if window.sum() < 3:
        return float("nan")
    x = np.log10(d[window])
    coef = np.polyfit(x, y[window], 1)
    return float(np.sqrt(np.mean((y[window] - np.polyval(coef, x)) ** 2)))
