"""Real-space RG maps on square lattices: the decimation of study 001 and a majority block rule.

Decimation (study 001, Fig. 2 and eqs. 7-8) keeps the sites with (row + col) even, i.e. one
checkerboard sublattice: a 32 x 32 lattice becomes 32 x 16 (row r keeps columns r mod 2, r mod 2
+ 2, ...), and a second step keeps the even rows of that, giving the 16 x 16 lattice of sites with
even row and even column. Both match numpy's row-major linearisation used by the paper's
hard-coded weight matrices.
"""

from __future__ import annotations

import numpy as np


def decimate_checkerboard(spins: np.ndarray) -> np.ndarray:
    """First decimation step ``(n, L, L)`` -> ``(n, L, L // 2)``: keep sites with row + col even."""
    n, rows, cols = spins.shape
    if rows % 2 or cols % 2:
        raise ValueError(f"decimation needs even lattice sides, got {rows} x {cols}")
    out = np.empty((n, rows, cols // 2), dtype=spins.dtype)
    out[:, 0::2] = spins[:, 0::2, 0::2]
    out[:, 1::2] = spins[:, 1::2, 1::2]
    return out


def decimate_rows(spins: np.ndarray) -> np.ndarray:
    """Second decimation step, ``(n, L, L // 2)`` -> ``(n, L // 2, L // 2)``: keep even rows."""
    return spins[:, 0::2].copy()


def majority_block(spins: np.ndarray, block: int = 2) -> np.ndarray:
    """Block-spin map: sign of each ``block x block`` sum, ties broken by the top-left spin."""
    n, rows, cols = spins.shape
    if rows % block or cols % block:
        raise ValueError(f"lattice {rows} x {cols} is not divisible by block {block}")
    tiles = spins.reshape(n, rows // block, block, cols // block, block).astype(np.int32)
    total = tiles.sum(axis=(2, 4))
    tie = tiles[:, :, 0, :, 0]
    return np.where(total != 0, np.sign(total), tie).astype(spins.dtype)


def decimation_matrices(size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """The hard-coded decimation weights of study 001 (eqs. 7-8) for row-major linearisation.

    W1 ``(L^2, L^2/2)``: column j copies the j-th kept site (row + col even) of the L x L lattice;
    W2 ``(L^2/2, L^2/4)``: column j copies the j-th site of an even row of the L x L/2 lattice.
    ``x @ W1`` equals ``decimate_checkerboard(x.reshape(L, L)).ravel()``.
    """
    idx = np.arange(size * size).reshape(1, size, size)
    kept1 = decimate_checkerboard(idx).ravel()
    w1 = np.zeros((size * size, len(kept1)))
    w1[kept1, np.arange(len(kept1))] = 1.0
    half = np.arange(size * size // 2).reshape(1, size, size // 2)
    kept2 = decimate_rows(half).ravel()
    w2 = np.zeros((size * size // 2, len(kept2)))
    w2[kept2, np.arange(len(kept2))] = 1.0
    return w1, w2


def chain_decimation(coupling: np.ndarray | float) -> np.ndarray:
    """One exact decimation step of the zero-field 1D Ising chain (every other spin summed
    out): tanh K' = tanh^2 K (study 002, fig. 3.1). K = 0 (T = inf) is its only finite fixed
    point and attracts every finite K; K = inf (T = 0) is the repulsive one.

    >>> float(chain_decimation(np.arctanh(0.5)).round(12)) == float(np.arctanh(0.25).round(12))
    True
    """
    return np.arctanh(np.tanh(np.asarray(coupling, dtype=np.float64)) ** 2)


def chain_decimation_flow(coupling: np.ndarray, steps: int) -> np.ndarray:
    """The couplings after 0 ... ``steps`` decimation steps, ``(steps + 1, *coupling.shape)``,
    iterated on t = tanh K (t -> t^2), which stays exact where K itself would round to inf."""
    t = [np.tanh(np.asarray(coupling, dtype=np.float64))]
    for _ in range(steps):
        t.append(t[-1] ** 2)
    with np.errstate(divide="ignore"):
        return np.arctanh(np.stack(t))
