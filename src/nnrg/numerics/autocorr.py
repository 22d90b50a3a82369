"""Integrated autocorrelation time with automatic windowing (Sokal 1997; Madras & Sokal 1988).

Convention: tau_int = 1 + 2 sum_{t>=1} rho(t), the statistical inefficiency, so that a series of
n correlated samples carries n / tau_int effectively independent ones (an uncorrelated series
has tau_int = 1).
"""

from __future__ import annotations

import numpy as np


def autocorrelation(series: np.ndarray) -> np.ndarray:
    """Normalised autocorrelation rho(t) of ``(n,)`` or ``(chains, n)`` series, chain-averaged.

    Uses FFT with zero padding; each chain is centred on its own mean. A constant series
    (zero variance) has rho = [1, 0, 0, ...].
    """
    x = np.atleast_2d(np.asarray(series, dtype=np.float64))
    n = x.shape[1]
    x = x - x.mean(axis=1, keepdims=True)
    n_fft = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(x, n=n_fft, axis=1)
    acov = np.fft.irfft(f * np.conj(f), n=n_fft, axis=1)[:, :n].mean(axis=0)
    if acov[0] <= 0.0:
        rho = np.zeros(n)
        rho[0] = 1.0
        return rho
    return acov / acov[0]


def auto_window(taus: np.ndarray, c: float) -> int:
    """Smallest window M with M >= c * tau(M) (Sokal's rule); the last index if none."""
    m = np.arange(len(taus)) < c * taus
    if np.any(~m):
        return int(np.argmin(m))
    return len(taus) - 1


def integrated_time(series: np.ndarray, c: float = 6.0) -> float:
    """Integrated autocorrelation time of ``(n,)`` or ``(chains, n)`` series, in steps.

    >>> rng = np.random.default_rng(0)
    >>> round(integrated_time(rng.normal(size=20000)), 1)
    1.0
    """
    rho = autocorrelation(series)
    taus = 2.0 * np.cumsum(rho) - 1.0
    return float(max(taus[auto_window(taus, c)], 1.0))


def ar1_integrated_time(phi: float) -> float:
    """Exact tau_int = (1 + phi) / (1 - phi) of an AR(1) process x_t = phi x_{t-1} + noise."""
    return (1.0 + phi) / (1.0 - phi)
