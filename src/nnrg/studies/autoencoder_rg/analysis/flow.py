"""Reading a beta-flow: polynomial fits, their crossing with beta' = beta, and thermometers."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from nnrg.ising.exact import kaufman_energy_and_heat


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


def _parallel(slope: float | np.ndarray) -> np.ndarray:
    """True where a line of this slope is parallel to beta' = beta (no crossing)."""
    return np.isclose(slope, 1.0, rtol=0.0, atol=1e-12)


def line_crossing(beta: np.ndarray, beta_prime: np.ndarray) -> Crossing | None:
    """The least-squares line beta' = a beta + b and where it meets beta' = beta,
    beta* = b / (1 - a), with its slope a (None when the line is parallel to the diagonal).

    >>> c = line_crossing(np.array([0.1, 0.3, 0.5]), np.array([0.25, 0.35, 0.45]))
    >>> round(c.beta, 12), round(c.slope, 12)
    (0.4, 0.5)
    """
    a, b = np.polyfit(beta, beta_prime, 1)
    if _parallel(a):
        return None
    return Crossing(float(b / (1.0 - a)), float(a), 1)


BOOTSTRAP_SEED = 1601  # fixed: the interval is part of a metric


def _resampled_lines(
    betas: np.ndarray, per_lattice: list[np.ndarray], fit_range: tuple[float, float], n_boot: int
) -> tuple[Crossing | None, np.ndarray, np.ndarray]:
    """The line's point crossing and the (slope, intercept) of every bootstrap resample. The
    draws depend only on the lattice counts, so two read-outs of the same lattices are
    resampled identically (paired)."""
    keep = [k for k, b in enumerate(betas) if fit_range[0] <= b <= fit_range[1]]
    x = np.asarray(betas, dtype=np.float64)[keep]
    point = line_crossing(x, np.array([np.mean(per_lattice[k]) for k in keep]))
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    resampled = np.empty((n_boot, len(keep)))
    for j, k in enumerate(keep):
        values = np.asarray(per_lattice[k], dtype=np.float64)
        resampled[:, j] = values[rng.integers(0, len(values), (n_boot, len(values)))].mean(1)
    a, b = np.polyfit(x, resampled.T, 1)
    return point, a, b


def _interval(draws: np.ndarray, level: float) -> list[float]:
    tail = 50 * (1 - level)
    return [float(v) for v in np.percentile(draws, [tail, 100 - tail])]


def bootstrap_line_crossing(
    betas: np.ndarray,
    per_lattice: list[np.ndarray],
    fit_range: tuple[float, float],
    n_boot: int = 2000,
    level: float = 0.68,
) -> dict:
    """Study 001's fig. 16 reading: the line fitted to the mean read-out per beta, its crossing
    with beta' = beta and slope there, and a bootstrap interval over lattices.

    ``per_lattice[k]``: the read-out of every lattice at ``betas[k]``. Each resample redraws
    the lattices at every beta with replacement, recomputes the means and refits the line over
    ``fit_range`` (inclusive). Returns the point estimate, the central ``level`` percentile
    intervals of crossing and slope with their bootstrap standard errors, and how many
    resamples gave no crossing.
    """
    point, a, b = _resampled_lines(betas, per_lattice, fit_range, n_boot)
    ok = ~_parallel(a)
    out: dict = {
        "beta": None if point is None else point.beta,
        "slope": None if point is None else point.slope,
        "attractive": None if point is None else point.attractive,
        "n_boot": n_boot,
        "n_no_crossing": int((~ok).sum()),
        "level": level,
        "slope_interval": _interval(a, level),
        "slope_error": float(np.std(a, ddof=1)),
    }
    if ok.any():
        cross = b[ok] / (1.0 - a[ok])
        out["beta_interval"] = _interval(cross, level)
        out["beta_error"] = float(np.std(cross, ddof=1))
    return out


def paired_crossing_difference(
    betas: np.ndarray,
    first: list[np.ndarray],
    second: list[np.ndarray],
    fit_range: tuple[float, float],
    n_boot: int = 2000,
) -> dict:
    """Crossing of ``first`` minus crossing of ``second`` (two read-outs of the same lattices),
    with the standard error of the paired bootstrap (None where either line has no crossing)."""
    p1, a1, b1 = _resampled_lines(betas, first, fit_range, n_boot)
    p2, a2, b2 = _resampled_lines(betas, second, fit_range, n_boot)
    if p1 is None or p2 is None:
        return {"mean": None, "error": None}
    ok = ~(_parallel(a1) | _parallel(a2))
    diff = b1[ok] / (1 - a1[ok]) - b2[ok] / (1 - a2[ok])
    return {"mean": p1.beta - p2.beta, "error": float(np.std(diff, ddof=1))}
