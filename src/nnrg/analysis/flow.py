"""Reading a beta-flow: polynomial fits, their crossing with beta' = beta, and thermometers."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from nnrg.physics.exact import kaufman_energy_and_heat


@dataclass(frozen=True)
class Crossing:
    """Where a fitted flow beta'(beta) meets beta' = beta, and its slope there."""

    beta: float
    slope: float
    degree: int

    @property
    def attractive(self) -> bool:
        """|d beta'/d beta| < 1 at the fixed point: iterating the map converges to it."""
        return abs(self.slope) < 1.0

    def as_dict(self) -> dict[str, float]:
        """Plain dict for JSON metrics."""
        return {**asdict(self), "attractive": self.attractive}


def fit_crossing(
    beta: np.ndarray, beta_prime: np.ndarray, degree: int, window: tuple[float, float] | None
) -> Crossing | None:
    """Fit beta' = poly(beta) of ``degree``; the crossing with beta' = beta inside ``window``.

    Returns the crossing closest to the window's centre (with ``window=None``: any real
    crossing, the one closest to the fitted data's centre), or None if the fit does not cross.
    """
    coef = np.polyfit(beta, beta_prime, degree)
    diff = coef.copy()
    diff[-2] -= 1.0
    roots = np.roots(diff)
    real = roots[np.abs(roots.imag) < 1e-9].real
    if window is None:
        inside, centre = real, 0.5 * (float(np.min(beta)) + float(np.max(beta)))
    else:
        inside = real[(real >= window[0]) & (real <= window[1])]
        centre = 0.5 * (window[0] + window[1])
    if len(inside) == 0:
        return None
    root = float(inside[np.argmin(np.abs(inside - centre))])
    return Crossing(root, float(np.polyval(np.polyder(coef), root)), degree)


def data_crossings(beta: np.ndarray, beta_prime: np.ndarray) -> list[Crossing]:
    """Every sign change of beta' - beta in the measured curve, linearly interpolated, with the
    local slope of the curve there (degree 0 marks "no fit")."""
    d = beta_prime - beta
    out = []
    for k in np.nonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0)[0]:
        t = d[k] / (d[k] - d[k + 1])
        root = beta[k] + t * (beta[k + 1] - beta[k])
        slope = (beta_prime[k + 1] - beta_prime[k]) / (beta[k + 1] - beta[k])
        out.append(Crossing(float(root), float(slope), 0))
    return out


class EnergyThermometer:
    """beta read off the exact energy per spin of the L x L torus (Kaufman), by interpolation.

    <E>/N(beta) is strictly decreasing, so each energy maps to one beta on the grid
    [beta_min, beta_max]; energies outside the range are clipped to its ends.
    """

    def __init__(
        self, size: int, beta_min: float = 0.005, beta_max: float = 1.2, n_grid: int = 400
    ) -> None:
        self.betas = np.linspace(beta_min, beta_max, n_grid)
        self.energies = np.array([kaufman_energy_and_heat(size, b)[0] for b in self.betas])

    def __call__(self, energy: np.ndarray) -> np.ndarray:
        """beta for each energy per spin (the energy grid is decreasing, hence the reversal)."""
        return np.interp(energy, self.energies[::-1], self.betas[::-1])


@dataclass(frozen=True)
class FlowCrossings:
    """Every reading of where flows beta'(beta) meet beta' = beta (study 001, sec. IV D).

    ``fits[name]["deg<d>"]``: a degree-d fit over ``fit_range``, its crossing inside
    ``window`` (``{"beta": None}`` if none); ``measured[name]``: crossings of the data points
    themselves; ``unwindowed[name]``: the main-degree fit's crossing anywhere (a line that
    misses the window still crosses somewhere, and how far outside is part of the verdict);
    ``main``: the main-degree crossing of ``main_series`` inside the window.
    """

    fits: dict[str, dict[str, dict]]
    measured: dict[str, list[dict]]
    unwindowed: dict[str, dict]
    main: Crossing | None


def flow_crossings(
    betas: np.ndarray,
    flows: dict[str, np.ndarray],
    degrees: list[int],
    fit_degree: int,
    fit_range: tuple[float, float],
    window: tuple[float, float],
    main_series: str,
) -> FlowCrossings:
    """Fit each flow in ``flows`` over ``fit_range`` (inclusive) with each degree and read
    the crossings (see :class:`FlowCrossings`)."""
    in_range = (betas >= fit_range[0]) & (betas <= fit_range[1])
    x = betas[in_range]

    def crossing(name: str, degree: int, win: tuple[float, float] | None) -> dict:
        c = fit_crossing(x, flows[name][in_range], degree, win)
        return c.as_dict() if c else {"beta": None}

    fits = {n: {f"deg{d}": crossing(n, d, window) for d in degrees} for n in flows}
    measured = {n: [c.as_dict() for c in data_crossings(betas, flows[n])] for n in flows}
    unwindowed = {n: crossing(n, fit_degree, None) for n in flows}
    main = fit_crossing(x, flows[main_series][in_range], fit_degree, window)
    return FlowCrossings(fits, measured, unwindowed, main)
