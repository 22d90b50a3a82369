"""Per-chain counter-free random streams for numba kernels (SplitMix64).

Every chain owns one uint64 state word, seeded from ``numpy.random.SeedSequence.spawn`` so the
numbers a chain sees depend only on its own seed, never on thread count or scheduling.
SplitMix64: Steele, Lea & Flood, "Fast splittable pseudorandom number generators" (2014).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV_2_53 = 1.0 / 9007199254740992.0


@njit(inline="always", cache=True)
def next_u64(states: np.ndarray, k: int) -> np.uint64:
    """Advance stream ``k`` of ``states`` (uint64 array) and return 64 random bits."""
    z = states[k] + _GAMMA
    states[k] = z
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@njit(inline="always", cache=True)
def next_uniform(states: np.ndarray, k: int) -> float:
    """Uniform double in [0, 1) from stream ``k`` (53 random bits)."""
    return float(next_u64(states, k) >> _S11) * _INV_2_53


@njit(inline="always", cache=True)
def next_below(states: np.ndarray, k: int, n: int) -> int:
    """Integer in [0, n) from stream ``k`` (multiply-shift; bias below 2**-53 for n < 2**20)."""
    return int(next_uniform(states, k) * n)


def spawn_states(seed: np.random.SeedSequence, n_streams: int) -> np.ndarray:
    """One independent uint64 state word per stream, from ``seed.spawn(n_streams)``.

    >>> spawn_states(np.random.SeedSequence(1), 3).dtype
    dtype('uint64')
    """
    children = seed.spawn(n_streams)
    return np.array([c.generate_state(1, np.uint64)[0] for c in children], dtype=np.uint64)
