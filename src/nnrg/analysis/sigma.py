"""Layer exponents sigma of the IMP "RG" reading (study 000, eqs. 35-37).

M_i(n) = sum |m theta| over layer i / sum over all layers, lambda_i = M_i(n+1) / M_i(n),
sigma_i = log_c(lambda_i) with c = 1 / (1 - x) for pruning fraction x. Two estimators:
the mean of the per-step log ratios (the thesis's average of lambda), and one least-squares fit
of log M_i(n) against n; they differ when M_i(n) is noisy.
"""

from __future__ import annotations

import numpy as np

from nnrg.numerics.stats import Estimate, mean_of_replicas


def magnitude_shares(layer_magnitudes: np.ndarray) -> np.ndarray:
    """M_i(n) from summed |m theta| per layer, ``(..., n_iter, n_layers)`` -> same shape."""
    m = np.asarray(layer_magnitudes, dtype=np.float64)
    return m / m.sum(axis=-1, keepdims=True)


def sigma_from_ratios(shares: np.ndarray, fraction: float) -> np.ndarray:
    """Mean over steps of log_c(M(n+1)/M(n)) per replica and layer, ``(R, n_iter, L)`` -> (R, L)."""
    logs = np.diff(np.log(shares), axis=-2)
    return logs.mean(axis=-2) / np.log(1.0 / (1.0 - fraction))


def sigma_from_fit(shares: np.ndarray, fraction: float) -> np.ndarray:
    """Slope of log M_i(n) vs n divided by log c, per replica and layer, -> (R, L)."""
    log_m = np.log(shares)
    n = np.arange(log_m.shape[-2], dtype=np.float64)
    nc = n - n.mean()
    slope = np.einsum("n,...nl->...l", nc, log_m - log_m.mean(axis=-2, keepdims=True))
    return slope / (nc @ nc) / np.log(1.0 / (1.0 - fraction))


def layer_sigmas(shares: np.ndarray, fraction: float) -> dict[str, list[Estimate]]:
    """Both estimators, each averaged over replicas with standard errors, one per layer."""
    out = {}
    for name, fn in (("ratio", sigma_from_ratios), ("fit", sigma_from_fit)):
        values = fn(shares, fraction)
        out[name] = [mean_of_replicas(values[:, k]) for k in range(values.shape[-1])]
    return out
