"""Dataset bookkeeping shared by the data stages: grids, splits and chi-square checks."""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2


def temperature_grid(t_max: float, t_step: float) -> np.ndarray:
    """Temperatures {0, t_step, ..., t_max} (study 002: 0, 0.25, ..., 6 -> 25 values)."""
    n = int(round(t_max / t_step)) + 1
    return np.round(np.arange(n) * t_step, 12)


def inverse_temperatures(temperatures: np.ndarray) -> np.ndarray:
    """beta = 1/T, with T = 0 mapped to beta = inf."""
    with np.errstate(divide="ignore"):
        return np.where(temperatures > 0, 1.0 / np.maximum(temperatures, 1e-300), np.inf)


def split_counts(total: int, parts: int) -> np.ndarray:
    """``total`` items spread over ``parts`` as evenly as possible (the first get the extra)."""
    base, extra = divmod(total, parts)
    return np.array([base + (k < extra) for k in range(parts)], dtype=np.int64)


def train_test_indices(
    n: int, test_fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A random permutation of ``range(n)`` cut into (train, test), test ~ test_fraction * n."""
    perm = rng.permutation(n)
    n_test = min(max(1, int(round(test_fraction * n))), n - 1)
    return np.sort(perm[n_test:]), np.sort(perm[:n_test])


def chi_square_pvalue(
    observed: np.ndarray, expected_prob: np.ndarray, min_expected: float = 5.0
) -> tuple[float, float, int]:
    """Pearson chi-square test of counts against probabilities, pooling sparse bins.

    Bins with expected count below ``min_expected`` are merged into one. Returns
    (statistic, p-value, degrees of freedom); a single bin gives p = 1.
    """
    observed = np.asarray(observed, dtype=np.float64)
    expected = np.asarray(expected_prob, dtype=np.float64) * observed.sum()
    keep = expected >= min_expected
    obs = list(observed[keep])
    exp = list(expected[keep])
    if (~keep).any() and expected[~keep].sum() > 0:
        obs.append(observed[~keep].sum())
        exp.append(expected[~keep].sum())
    dof = len(obs) - 1
    if dof < 1:
        return 0.0, 1.0, 0
    stat = float(np.sum((np.array(obs) - np.array(exp)) ** 2 / np.array(exp)))
    return stat, float(chi2.sf(stat, dof)), dof


def mixtures(a: np.ndarray, b: np.ndarray, per_alpha: int, rng: np.random.Generator) -> np.ndarray:
    """(1 - alpha) a_i + alpha b_j for alpha = 0.1 ... 0.9, ``per_alpha`` random pairs each
    (study 002 sec. 4.4: linear mixtures bridging two digits)."""
    out = []
    for alpha in np.round(np.arange(1, 10) / 10, 1):
        i = rng.integers(0, len(a), per_alpha)
        j = rng.integers(0, len(b), per_alpha)
        out.append((1 - alpha) * a[i] + alpha * b[j])
    return np.concatenate(out) if out else np.empty((0, a.shape[1]))


def noisy(
    x: np.ndarray, levels: list[float], rng: np.random.Generator, values: tuple = (-1, 1)
) -> np.ndarray:
    """Each level's share of ``x`` mixed with noise: n' = (1 - a) n + a eta, eta drawn
    uniformly from ``values`` per pixel (study 002 eq. 4.4.2: eta in {-1, 1}, the default;
    (0, 1) is the reading that stays inside the images' [0, 1] range). ``x`` is split evenly
    over the levels, as the thesis's 450 samples per alpha per digit (2700 per digit)."""
    parts = np.array_split(rng.permutation(len(x)), len(levels))
    lo, hi = values
    out = [
        (1 - a) * x[idx] + a * np.where(rng.integers(0, 2, size=x[idx].shape) == 1, hi, lo)
        for a, idx in zip(levels, parts, strict=True)
    ]
    return np.concatenate(out)
