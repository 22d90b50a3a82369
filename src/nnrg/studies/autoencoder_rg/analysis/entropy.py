"""Mean local Shannon entropy of binary lattices in a 3 x 3 neighbourhood (study 001, sec. III C).

For a {0, 1} image the rank-filter entropy of a window with k ones out of 9 is the binary
entropy H2(k/9) in bits, which equals scikit-image's ``filters.rank.entropy`` with a 3 x 3
footprint on interior pixels; here windows wrap around (periodic lattices), vectorised over a
batch.
"""

from __future__ import annotations

from math import comb

import numpy as np


def binary_entropy(p: np.ndarray) -> np.ndarray:
    """H2(p) = -p log2 p - (1 - p) log2(1 - p), with H2(0) = H2(1) = 0."""
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(p * np.log2(p) + (1 - p) * np.log2(1 - p))
    return np.nan_to_num(h, nan=0.0)


def local_entropy(lattices: np.ndarray) -> np.ndarray:
    """Mean local entropy per site [bits] of ``(n, H, W)`` lattices; sites > 0 count as ones."""
    ones = (np.asarray(lattices) > 0).astype(np.int32)
    k = np.zeros_like(ones)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            k += np.roll(ones, (di, dj), axis=(-2, -1))
    return binary_entropy(k / 9.0).mean(axis=(-2, -1))


def random_lattice_entropy() -> float:
    """Expected local entropy of independent fair +-1 spins: sum_k C(9,k)/512 H2(k/9)."""
    return float(sum(comb(9, k) / 512 * binary_entropy(np.array(k / 9)) for k in range(10)))
