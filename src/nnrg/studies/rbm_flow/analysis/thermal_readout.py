"""The thesis's temperature of a collection: the nearest thermal curve (study 002, sec. 4.2).

Thesis, sec. 4.2: "when we state 'The temperature of the final distribution is T' what we mean
is 'The temperature distribution of the final collection of spin configurations is
sufficiently close to the temperature distribution of a thermal distribution with temperature
T'". The "temperature distribution" of a collection is the temperature classifier's output
averaged over it. So the read-out compares the collection's averaged output with the *thermal
curves* - the averaged output on thermal sets of the same size at every temperature - and
returns the temperature of the closest curve. The thesis names no distance: L1 is the main
line, L2 and KL(collection || curve) are the listed choices, and the read-out says whether they
agree. A bootstrap over the collection's configurations gives an interval.
"""

from __future__ import annotations

import numpy as np
import torch

from nnrg.studies.rbm_flow.analysis.thermometry import collection_distribution

DISTANCES = ("l1", "l2", "kl")
_EPS = 1e-12  # floor on probabilities inside the KL divergence


def thermal_curves(model: torch.nn.Module, sets: list[np.ndarray]) -> np.ndarray:
    """Averaged classifier output on each thermal set (one per temperature) -> ``(n_T, C)``."""
    return np.stack([collection_distribution(model, s) for s in sets])


def distances(distribution: np.ndarray, curves: np.ndarray, kind: str) -> np.ndarray:
    """Distance of one averaged output ``(C,)`` to every curve ``(n_T, C)``."""
    p = np.asarray(distribution, dtype=np.float64)[None, :]
    q = np.asarray(curves, dtype=np.float64)
    if kind == "l1":
        return np.abs(p - q).sum(axis=1)
    if kind == "l2":
        return np.sqrt(((p - q) ** 2).sum(axis=1))
    if kind == "kl":
        pp, qq = np.maximum(p, _EPS), np.maximum(q, _EPS)
        return (pp * np.log(pp / qq)).sum(axis=1)
    raise ValueError(f"distance must be one of {list(DISTANCES)}, got {kind!r}")


def nearest_temperature(
    distribution: np.ndarray, curves: np.ndarray, temps: np.ndarray, kind: str = "l1"
) -> tuple[float, float]:
    """The temperature of the thermal curve closest to ``distribution``, and that distance."""
    d = distances(distribution, curves, kind)
    k = int(np.argmin(d))
    return float(temps[k]), float(d[k])


BOOTSTRAP_SEED = 4202  # fixed: the interval is part of a metric


def read_collection(
    probs: np.ndarray,
    curves: np.ndarray,
    temps: np.ndarray,
    n_boot: int = 200,
    level: float = 0.68,
) -> dict:
    """The nearest-curve temperature of a collection from its configurations' softmax
    ``probs`` ``(n, C)``: under each distance, the L1 distance to the curve, whether the three
    distances pick one temperature, and a bootstrap interval of the L1 read-out (the
    collection's configurations resampled with replacement)."""
    mean = probs.mean(axis=0)
    nearest = {kind: nearest_temperature(mean, curves, temps, kind) for kind in DISTANCES}
    by = {kind: t for kind, (t, _) in nearest.items()}
    t, dist = nearest["l1"]
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    idx = rng.integers(0, len(probs), size=(n_boot, len(probs)))
    boot = np.array([nearest_temperature(probs[i].mean(axis=0), curves, temps)[0] for i in idx])
    tail = 50 * (1 - level)
    low, high = np.percentile(boot, [tail, 100 - tail])
    return {
        "t": t,
        "distance": dist,
        "by_distance": by,
        "distances_agree": len(set(by.values())) == 1,
        "interval": [float(low), float(high)],
    }


def calibration(
    read_out, sets: list[np.ndarray], temps: np.ndarray
) -> dict[str, float | list[float]]:
    """A read-out applied to thermal sets at every temperature: the temperatures it reads,
    their largest and RMS deviation from the true ones. ``read_out(states) -> T``."""
    read = np.array([float(read_out(s)) for s in sets])
    dev = read - np.asarray(temps, dtype=np.float64)
    return {
        "read": read.tolist(),
        "max_abs_deviation": float(np.abs(dev).max()),
        "rms_deviation": float(np.sqrt(np.mean(dev**2))),
    }


def direction_changes(curve: np.ndarray) -> int:
    """How often a curve over ordered classes turns (rise to fall or fall to rise): 0 for a
    monotone curve, 1 for a single peak, 2 or more for a zig-zag. Flat steps are skipped."""
    signs = np.sign(np.diff(np.asarray(curve, dtype=np.float64)))
    signs = signs[signs != 0]
    return int(np.count_nonzero(signs[1:] != signs[:-1]))
