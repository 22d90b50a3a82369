"""Exact sampling of the periodic 1D Ising chain by enumeration of all 2**N states."""

from __future__ import annotations

import numpy as np

from nnrg.ising.exact import all_states, boltzmann_weights, chain_energies


def sample_chain(n_spins: int, beta: float, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """``n_samples`` i.i.d. configurations ``(n, n_spins) int8`` drawn exactly from exp(-beta H).

    H = -sum_i s_i s_{i+1} (periodic). beta = inf samples the two ground states uniformly.
    """
    states = all_states(n_spins)
    p = boltzmann_weights(chain_energies(states), beta)
    idx = rng.choice(len(states), size=n_samples, p=p)
    return states[idx]
