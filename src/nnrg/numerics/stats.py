"""Typed estimates with error bars, from independent replicas or binned series."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Estimate:
    """A mean (or median) with its standard error and the number of independent values behind
    it (replicas, seeds or bins; ``error`` is NaN when ``n`` is 1). Records are written from it
    directly (``nnrg.core.io.write_json`` writes its fields ``mean``, ``error``, ``n``).

    >>> print(Estimate(0.123456, 0.0123, 8))
    0.123 +- 0.012 (n = 8)
    """

    mean: float
    error: float
    n: int

    def __str__(self) -> str:
        """``mean +- error (n = n)``, the mean to the error's second significant digit."""
        if not np.isfinite(self.error) or self.error <= 0:
            return f"{self.mean:.6g} +- {self.error:.2g} (n = {self.n})"
        decimals = max(0, 1 - int(np.floor(np.log10(self.error))))
        return f"{self.mean:.{decimals}f} +- {self.error:.2g} (n = {self.n})"

    def z_score(self, exact: float) -> float:
        """(mean - exact) / error; infinite if the error is zero and the mean differs."""
        if self.error > 0:
            return (self.mean - exact) / self.error
        return 0.0 if self.mean == exact else float("inf")

    def as_dict(self) -> dict[str, float]:
        """Plain dict for JSON metrics."""
        return asdict(self)


def mean_of_replicas(values: np.ndarray) -> Estimate:
    """Mean and standard error over independent replicas (axis 0): s / sqrt(n)."""
    v = np.asarray(values, dtype=np.float64)
    n = v.shape[0]
    err = float(v.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return Estimate(float(v.mean()), err, int(n))


def binned_estimate(series: np.ndarray, n_bins: int = 32) -> Estimate:
    """Mean and error of a correlated series from ``n_bins`` equal consecutive bins."""
    x = np.asarray(series, dtype=np.float64)
    usable = (len(x) // n_bins) * n_bins
    bins = x[:usable].reshape(n_bins, -1).mean(axis=1)
    return mean_of_replicas(bins)


def median_of_replicas(values: np.ndarray) -> Estimate:
    """Median over independent replicas with a robust standard error, for samples where one
    stalled replica would dominate s / sqrt(n): sigma from the median absolute deviation
    (1.4826 MAD, consistent for normal data) and the median's asymptotic efficiency
    (s.e. = 1.2533 sigma / sqrt(n))."""
    v = np.asarray(values, dtype=np.float64)
    n = v.shape[0]
    med = float(np.median(v))
    sigma = 1.4826 * float(np.median(np.abs(v - med)))
    return Estimate(med, 1.2533 * sigma / np.sqrt(n) if n > 1 else float("nan"), int(n))


def outliers(values: np.ndarray, threshold: float = 3.5) -> int:
    """How many values lie more than ``threshold`` robust sigmas (1.4826 MAD) from the median
    (Iglewicz and Hoaglin's modified z-score rule)."""
    v = np.asarray(values, dtype=np.float64)
    med = np.median(v)
    sigma = 1.4826 * np.median(np.abs(v - med))
    if sigma == 0:
        return int(np.sum(v != med))
    return int(np.sum(np.abs(v - med) > threshold * sigma))


def difference(a: Estimate, b: Estimate) -> dict[str, float]:
    """a - b of two independent estimates, its standard error (in quadrature) and the smaller n.

    >>> difference(Estimate(1.0, 0.3, 10), Estimate(0.5, 0.4, 8))
    {'value': 0.5, 'error': 0.5, 'n': 8}
    """
    return {
        "value": a.mean - b.mean,
        "error": float(np.hypot(a.error, b.error)),
        "n": min(a.n, b.n),
    }


def seed_summary(values: list[float] | np.ndarray) -> dict[str, float]:
    """Over independent seeds: mean, its standard error (``error``, with ``n``), the spread
    (sample standard deviation; 0 for one seed) and ``n_seeds``.

    >>> seed_summary([1.0, 3.0])["spread"] == 2 ** 0.5
    True
    """
    v = np.asarray(values, dtype=np.float64)
    return {
        **mean_of_replicas(v).as_dict(),
        "spread": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
        "n_seeds": len(v),
    }
