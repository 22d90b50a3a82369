"""Power-law fits y = A x^p by weighted least squares in log-log space."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class PowerLawFit:
    """Fitted exponent and amplitude with standard errors; n points used; reduced chi^2."""

    exponent: float
    exponent_error: float
    amplitude: float
    log_amplitude_error: float
    n_points: int
    chi2_dof: float

    def as_dict(self) -> dict[str, float]:
        """Plain dict for JSON metrics."""
        return asdict(self)


def fit_power_law(x: np.ndarray, y: np.ndarray, y_err: np.ndarray | None = None) -> PowerLawFit:
    """Fit log|y| = log A + p log x; errors sigma_log = y_err / |y| (unweighted if None).

    Parameter errors are scaled by sqrt(reduced chi^2) when that exceeds 1 (scatter beyond the
    stated errors widens the error bar, never narrows it). Needs at least two points, all
    y != 0; otherwise every field is NaN.

    >>> fit = fit_power_law(np.array([1.0, 2.0, 4.0]), np.array([3.0, 1.5, 0.75]))
    >>> round(fit.exponent, 6)
    -1.0
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.abs(np.asarray(y, dtype=np.float64))
    if len(x) < 2 or not np.all(y > 0):
        nan = float("nan")
        return PowerLawFit(nan, nan, nan, nan, len(x), nan)
    lx, ly = np.log(x), np.log(y)
    sigma = np.ones_like(ly) if y_err is None else np.asarray(y_err, dtype=np.float64) / y
    sigma = np.where(sigma > 0, sigma, np.min(sigma[sigma > 0], initial=1.0))
    w = 1.0 / sigma**2
    design = np.stack([np.ones_like(lx), lx], axis=1)
    cov = np.linalg.inv(design.T @ (design * w[:, None]))
    coef = cov @ design.T @ (w * ly)
    resid = ly - design @ coef
    dof = len(x) - 2
    chi2 = float(np.sum(w * resid**2) / dof) if dof > 0 else float("nan")
    if dof > 0 and (y_err is None or chi2 > 1):
        cov = cov * chi2
    return PowerLawFit(
        float(coef[1]),
        float(np.sqrt(cov[1, 1])),
        float(np.exp(coef[0])),
        float(np.sqrt(cov[0, 0])),
        len(x),
        chi2,
    )
