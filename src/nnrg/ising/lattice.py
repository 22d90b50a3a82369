"""2D Ising model on periodic L x L lattices: checkerboard Metropolis and observables.

Conventions: spins ``(B, L, L) int8`` in {-1, +1}, J = 1, k_B = 1,
H = -sum_<ij> s_i s_j over the 2 L^2 nearest-neighbour bonds of the torus.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from nnrg.numerics.rng import next_uniform

BETA_C = float(np.log1p(np.sqrt(2.0)) / 2.0)
"""Exact critical coupling of the square-lattice Ising model (Onsager): ln(1 + sqrt 2) / 2."""


def metropolis_acceptance(beta: float) -> np.ndarray:
    """Metropolis acceptance min(1, exp(-beta dE)) indexed by k = s_i * sum(neighbours).

    Returns a ``(5,) float64`` table for k in (-4, -2, 0, 2, 4); a flip costs dE = 2 k.
    beta = inf (T = 0) accepts only moves with dE <= 0.

    >>> metropolis_acceptance(0.0).tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0]
    """
    k = np.arange(-4, 5, 2, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        d_energy = 2.0 * k
        acc = np.where(d_energy <= 0, 1.0, np.exp(-beta * np.clip(d_energy, 0, None)))
    return np.nan_to_num(acc, nan=0.0)


@njit(parallel=True, cache=True)
def metropolis_sweeps(
    spins: np.ndarray, accept: np.ndarray, n_sweeps: int, states: np.ndarray
) -> np.ndarray:
    """Run ``n_sweeps`` checkerboard Metropolis sweeps on every lattice in place.

    Each lattice b uses only its own random stream ``states[b]``, so results do not depend
    on the number of threads. A sweep visits the even sublattice, then the odd one.
    Returns the number of accepted flips per lattice, ``(B,) int64``.
    """
    n_lat, size, _ = spins.shape
    accepted = np.zeros(n_lat, dtype=np.int64)
    for b in prange(n_lat):
        s = spins[b]
        rng = states[b : b + 1].copy()  # thread-local copy: no false sharing on ``states``
        n_acc = 0
        for _ in range(n_sweeps):
            for color in range(2):
                for i in range(size):
                    ip = i + 1 if i + 1 < size else 0
                    im = i - 1 if i > 0 else size - 1
                    for j in range((i + color) & 1, size, 2):
                        jp = j + 1 if j + 1 < size else 0
                        jm = j - 1 if j > 0 else size - 1
                        k = s[i, j] * (s[ip, j] + s[im, j] + s[i, jp] + s[i, jm])
                        p = accept[(k + 4) >> 1]
                        if p >= 1.0 or next_uniform(rng, 0) < p:
                            s[i, j] = -s[i, j]
                            n_acc += 1
        accepted[b] = n_acc
        states[b] = rng[0]
    return accepted


def energy_per_spin(spins: np.ndarray) -> np.ndarray:
    """Energy per spin E/N = -(1/N) sum_<ij> s_i s_j for ``(B, L, L)`` lattices -> ``(B,)``."""
    s = spins.astype(np.int32)
    bonds = s * np.roll(s, 1, axis=-1) + s * np.roll(s, 1, axis=-2)
    return -bonds.sum(axis=(-1, -2)) / float(s.shape[-1] * s.shape[-2])


def magnetisation_per_spin(spins: np.ndarray) -> np.ndarray:
    """Magnetisation per spin m = (1/N) sum_i s_i for ``(B, L, L)`` lattices -> ``(B,)``."""
    return spins.astype(np.int32).sum(axis=(-1, -2)) / float(spins.shape[-1] * spins.shape[-2])


def ordered_lattices(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` fully aligned lattices, each with an independent random sign (T = 0 states)."""
    signs = rng.choice(np.array([-1, 1], dtype=np.int8), size=n)
    return np.ones((n, size, size), dtype=np.int8) * signs[:, None, None]


def random_lattices(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` lattices of independent +-1 spins (T = infinity states)."""
    return rng.choice(np.array([-1, 1], dtype=np.int8), size=(n, size, size))


def zero_magnetisation_lattices(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniformly random lattices with exactly m = 0 (the T = inf, m = 0 set of study 002)."""
    if (size * size) % 2:
        raise ValueError(f"m = 0 needs an even number of sites, got {size}x{size}")
    half = np.repeat(np.array([-1, 1], dtype=np.int8), size * size // 2)
    return np.stack([rng.permutation(half) for _ in range(n)]).reshape(n, size, size)
