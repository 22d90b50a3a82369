"""Weight-structure measures of study 001 sec. III B (figs. 11-12, B.1-B.4).

The paper reads the weight matrices by eye: the RG-trained encoder weights are "very sparse",
the autoencoder's "more homogenous", and W W^T shows "large valued near-diagonal elements
(j = i +- 32, 16)" for RG. Here those readings are numbers, computed on ``(in, out)``
matrices (the paper's W convention, W1: 1024 x 512):

- ``top_mass``: per output unit, the fraction of its column's |W| mass in its k largest
  entries (k = 5: one site and its 4 nearest neighbours), median over units; 1 for the
  hard-coded decimation, k / n_in for perfectly homogeneous weights.
- ``neighbourhood_mass``: per output unit j, the fraction of |W| mass on the site that
  decimation keeps for j and its 4 nearest neighbours on the torus (``kept[j]``: the input
  site of unit j), median over units; it asks whether a net learned decimation itself.
- ``band_ratios``: mean |(W W^T)[i, i + k]| over i, relative to the mean |diagonal|, for each
  offset k (j = i + k; W W^T is symmetric, so +-k agree).
"""

from __future__ import annotations

import numpy as np


def top_mass(w: np.ndarray, k: int = 5) -> float:
    """Median over output units (columns) of the share of |W| mass in the k largest entries."""
    a = np.abs(np.asarray(w, dtype=np.float64))
    total = a.sum(axis=0)
    top = np.sort(a, axis=0)[-k:].sum(axis=0)
    ok = total > 0
    return float(np.median(top[ok] / total[ok]))


def neighbourhood_mass(w: np.ndarray, kept: np.ndarray, rows: int, cols: int) -> float:
    """Median over output units j of the share of column j's |W| mass on input site kept[j]
    and its 4 nearest neighbours on the ``rows x cols`` torus (row-major sites)."""
    a = np.abs(np.asarray(w, dtype=np.float64))
    r, c = np.divmod(np.asarray(kept), cols)
    sites = np.stack(
        [r * cols + c, ((r + 1) % rows) * cols + c, ((r - 1) % rows) * cols + c,
         r * cols + (c + 1) % cols, r * cols + (c - 1) % cols]
    )  # fmt: skip
    units = np.arange(a.shape[1])
    share = a[sites, units].sum(axis=0) / a.sum(axis=0)
    return float(np.median(share))


def band_ratios(w: np.ndarray, offsets: tuple[int, ...] = (1, 16, 32)) -> dict[str, float]:
    """Mean |(W W^T)[i, i + k]| / mean |diag(W W^T)| for each offset k.

    >>> band_ratios(np.eye(4), (1,))
    {'k1': 0.0}
    """
    w = np.asarray(w, dtype=np.float64)
    g = np.abs(w @ w.T)
    diag = float(np.mean(np.diag(g)))
    return {f"k{k}": float(np.mean(np.diagonal(g, offset=k)) / diag) for k in offsets}


def kept_sites(w_hard: np.ndarray) -> np.ndarray:
    """For a hard-coded decimation matrix (one 1 per column), the input site of each unit."""
    return np.argmax(np.abs(np.asarray(w_hard)), axis=0)


def structure(w: np.ndarray, kept: np.ndarray, rows: int, cols: int) -> dict:
    """All three measures of one ``(in, out)`` matrix whose inputs are a ``rows x cols``
    lattice."""
    return {
        "top5_mass": top_mass(w, 5),
        "neighbourhood_mass": neighbourhood_mass(w, kept, rows, cols),
        "band_ratios": band_ratios(w),
    }
