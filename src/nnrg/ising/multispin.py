"""Multispin-coded checkerboard Metropolis: 64 independent lattices in the bits of a uint64.

Bit b of word ``w[g, i, j]`` is the spin of lattice 64 g + b at site (i, j) (1 = down). For a
site with c anti-aligned neighbours, a flip costs dE = 8 - 4c: c >= 2 always flips, c = 1 and
c = 0 flip with probabilities accept[3] and accept[4] of ``metropolis_acceptance``. Those
decisions are drawn bit-parallel: every lane compares its own uniform fraction (one bit of each
random word) with its own p one binary digit at a time, most significant first, until every
lane that needs a decision has one (about log2(lanes) + 2 words), so each lane gets an
independent decision exact to 2**-53. The first ``rounds`` digits are compared without asking
whether lanes are left (a fixed, branch-free run of words; a lane decided early ignores the
later ones), then the loop goes on digit by digit until none is left: the same acceptance law
for every ``rounds``, a different random stream (``rounds = 0``: the early-exit loop alone).
Each group of 64 lattices draws from its own SplitMix64 stream (``states[g]``).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from nnrg.numerics.rng import next_u64

_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
_ZERO = np.uint64(0)
_ONE = np.uint64(1)
LANES = 64


def probability_digits(p: float) -> np.ndarray:
    """The first 53 binary digits of p in [0, 1] as ``(53,) uint8`` (p = 1 gives all ones)."""
    if p >= 1.0:
        return np.ones(53, dtype=np.uint8)
    digits = np.zeros(53, dtype=np.uint8)
    x = float(p)
    for k in range(53):
        x *= 2.0
        if x >= 1.0:
            digits[k] = 1
            x -= 1.0
    return digits


FIXED_ROUNDS = 8  # branch-free digits per decision: the fastest of 0, 4, 6, 8, 12 (ising_bench.py)


@njit(inline="always", cache=True)
def _accept_mask(
    eq1: np.uint64,
    eq0: np.uint64,
    digits1: np.ndarray,
    digits0: np.ndarray,
    states: np.ndarray,
    g: int,
    rounds: int,
) -> np.uint64:
    """Lanes of ``eq1`` accepted with probability 0.digits1, lanes of ``eq0`` with 0.digits0.

    Each lane compares its own uniform bits (one bit of each random word) with its own p, most
    significant digit first: ``rounds`` digits unconditionally, then only while lanes are
    still undecided.
    """
    undecided = eq1 | eq0
    if undecided == _ZERO:
        return _ZERO
    result = _ZERO
    n = digits1.shape[0]
    for k in range(min(rounds, n)):  # no data-dependent exit: the loop pipelines
        r = next_u64(states, g)
        pk = (eq1 & (_ZERO - np.uint64(digits1[k]))) | (eq0 & (_ZERO - np.uint64(digits0[k])))
        result |= undecided & pk & ~r
        undecided &= ~(r ^ pk)
    for k in range(min(rounds, n), n):
        if undecided == _ZERO:
            break
        r = next_u64(states, g)
        pk = _ZERO
        if digits1[k]:
            pk |= eq1
        if digits0[k]:
            pk |= eq0
        result |= undecided & pk & ~r
        undecided &= ~(r ^ pk)
    return result


@njit(parallel=True, cache=True)
def multispin_sweeps(
    words: np.ndarray,
    digits1: np.ndarray,
    digits0: np.ndarray,
    n_sweeps: int,
    states: np.ndarray,
    rounds: int = FIXED_ROUNDS,
) -> None:
    """``n_sweeps`` checkerboard sweeps of ``(G, L, L) uint64`` packed lattices, in place.

    ``digits1`` / ``digits0``: binary digits of the acceptance of c = 1 / c = 0 moves;
    ``rounds``: branch-free digits per decision (see the module docstring).
    """
    n_groups, size, _ = words.shape
    for g in prange(n_groups):
        w = words[g]
        rng = states[g : g + 1].copy()  # thread-local copy: no false sharing on ``states``
        for _ in range(n_sweeps):
            for color in range(2):
                for i in range(size):
                    ip = i + 1 if i + 1 < size else 0
                    im = i - 1 if i > 0 else size - 1
                    for j in range((i + color) & 1, size, 2):
                        jp = j + 1 if j + 1 < size else 0
                        jm = j - 1 if j > 0 else size - 1
                        s = w[i, j]
                        a1 = s ^ w[ip, j]
                        a2 = s ^ w[im, j]
                        a3 = s ^ w[i, jp]
                        a4 = s ^ w[i, jm]
                        s12 = a1 ^ a2
                        s34 = a3 ^ a4
                        ge2 = (a1 & a2) | (a3 & a4) | (s12 & s34)
                        eq0 = ~(a1 | a2 | a3 | a4)
                        eq1 = ~(ge2 | eq0)
                        flip = ge2 | _accept_mask(eq1, eq0, digits1, digits0, rng, 0, rounds)
                        w[i, j] = s ^ flip
        states[g] = rng[0]


def pack(spins: np.ndarray) -> np.ndarray:
    """``(B, L, L) int8`` +-1 lattices -> ``(ceil(B/64), L, L) uint64`` (missing lanes are up)."""
    n, rows, cols = spins.shape
    groups = -(-n // LANES)
    bits = np.zeros((groups * LANES, rows, cols), dtype=np.uint64)
    bits[:n] = (spins < 0).astype(np.uint64)
    bits = bits.reshape(groups, LANES, rows, cols)
    shifts = np.arange(LANES, dtype=np.uint64)[None, :, None, None]
    return np.bitwise_or.reduce(bits << shifts, axis=1)


def unpack(words: np.ndarray, n: int) -> np.ndarray:
    """Inverse of ``pack``: the first ``n`` lattices as ``(n, L, L) int8``."""
    groups, rows, cols = words.shape
    shifts = np.arange(LANES, dtype=np.uint64)[None, :, None, None]
    bits = (words[:, None] >> shifts) & _ONE
    return (1 - 2 * bits.astype(np.int8)).reshape(groups * LANES, rows, cols)[:n]
