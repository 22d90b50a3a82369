"""Read-outs of transferred-ticket curves that study 000's figs. 6 and 7 state in words: where
the transferred and direct curves cross, how far above the dense loss they sit, and how much
worse than direct IMP they are below a density. Curves are geometric means over replicas at
the source's IMP densities; ``loss`` and ``direct`` are ``(n_densities, R)``."""

from __future__ import annotations

import numpy as np


def _log_mean(loss: np.ndarray) -> np.ndarray:
    return np.log10(np.asarray(loss, dtype=np.float64)).mean(axis=1)


def crossings(density: np.ndarray, loss: np.ndarray, direct: np.ndarray) -> list[float]:
    """Densities where the transferred curve crosses the direct one (sign changes of the mean
    log10 ratio, linearly interpolated in density)."""
    d = _log_mean(loss) - _log_mean(direct)
    out = []
    for k in np.nonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0)[0]:
        t = d[k] / (d[k] - d[k + 1])
        out.append(float(density[k] + t * (density[k + 1] - density[k])))
    return out


def nearest_crossing(density, loss, direct, near: float) -> float | None:
    """The crossing nearest ``near`` (None if the curves never cross)."""
    found = crossings(density, loss, direct)
    return min(found, key=lambda c: abs(c - near)) if found else None


def min_ratio_to_dense(density, loss, dense: float, below: float) -> float | None:
    """Smallest geometric-mean loss / dense loss over densities < ``below`` (None if none)."""
    keep = np.asarray(density) < below
    if not keep.any():
        return None
    return float(10 ** (_log_mean(loss)[keep] - np.log10(dense)).min())


def ratio_to_direct(density, loss, direct, low: float, high: float) -> dict[str, float | None]:
    """Geometric-mean loss / direct-IMP loss over densities in [low, high): its smallest,
    largest and mean (in log10, back-transformed) values."""
    d = np.asarray(density)
    keep = (d >= low) & (d < high)
    if not keep.any():
        return {"min": None, "max": None, "mean": None, "n": 0}
    r = (_log_mean(loss) - _log_mean(direct))[keep]
    return {"min": float(10 ** r.min()), "max": float(10 ** r.max()),
            "mean": float(10 ** r.mean()), "n": int(keep.sum())}  # fmt: skip


def figure_readouts(density, loss, direct, dense: float) -> dict:
    """Figs. 6-7 in numbers: the crossing nearest 0.65, the smallest ratio to the dense loss
    below 0.7, and the ratio to direct IMP at and above 0.65 and below it."""
    return {
        "crossings": crossings(density, loss, direct),
        "crossing_near_0p65": nearest_crossing(density, loss, direct, 0.65),
        "min_ratio_to_dense_below_0p7": min_ratio_to_dense(density, loss, dense, 0.7),
        "ratio_to_direct_above_0p65": ratio_to_direct(density, loss, direct, 0.65, 1.01),
        "ratio_to_direct_below_0p65": ratio_to_direct(density, loss, direct, 0.0, 0.65),
    }
