"""Mapping IMP masks between the oscillator (output 2) and Henon-Heiles (output 4) HNNs.

Input and hidden layers have the same shapes in both nets; only the output layer differs.
Output columns are (x, p) for the oscillator and (x, y, px, py) for Henon-Heiles, so a
2 -> 4 map duplicates each column onto its coordinate pair, [x, x, p, p]; 4 -> 2 keeps
columns x and px ("truncate": the thesis drops rows 2 and 4), or merges each pair with OR
("union") or AND ("intersection"). Duplicating then truncating returns the original mask.
"""

from __future__ import annotations

import numpy as np

STRATEGIES = ("truncate", "union", "intersection")


def map_output_mask(mask: np.ndarray, dim_target: int, strategy: str = "truncate") -> np.ndarray:
    """Output-layer mask ``(..., hidden, dim_source)`` mapped to ``(..., hidden, dim_target)``."""
    dim_source = mask.shape[-1]
    if dim_source == dim_target:
        return mask.copy()
    if (dim_source, dim_target) == (2, 4):
        return np.repeat(mask, 2, axis=-1)
    if (dim_source, dim_target) == (4, 2):
        pairs = mask.reshape(*mask.shape[:-1], 2, 2)  # (x, y), (px, py)
        if strategy == "truncate":
            return pairs[..., 0].copy()
        if strategy == "union":
            return np.asarray(pairs.any(axis=-1))
        if strategy == "intersection":
            return np.asarray(pairs.all(axis=-1))
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    raise ValueError(f"no output-mask map from {dim_source} to {dim_target} columns")


def random_like(mask: np.ndarray, rng: np.random.Generator, batch_dims: int = 1) -> np.ndarray:
    """A random mask with exactly as many kept weights as ``mask`` in each leading batch entry
    (one replica's layer), placed uniformly at random: the control for a transferred mask."""
    lead = mask.shape[:batch_dims]
    flat = mask.reshape(int(np.prod(lead)), -1)
    out = np.zeros_like(flat)
    for k, row in enumerate(flat):
        out[k, rng.permutation(row.size)[: int(row.sum())]] = True
    return out.reshape(mask.shape)
