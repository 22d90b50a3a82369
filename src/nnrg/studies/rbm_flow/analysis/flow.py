"""Running an RBM flow on many starting sets at once and reading it out after every step.

All starting sets are concatenated into one batch, flowed together, and split again for the
read-outs: the classifier's collection distribution (expected value, argmax) and, where a
physical observable is given, its thermometer reading.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from nnrg.studies.rbm_flow.analysis.thermometry import collection_distribution, read
from nnrg.studies.rbm_flow.rbm import RBM, rbm_flow


@dataclass
class FlowReadout:
    """Per starting set (rows) and step (columns): classifier expected value and argmax,
    thermometer value (NaN if none); the read-out distributions at the last step; the final
    states of all sets."""

    expected: np.ndarray
    argmax: np.ndarray
    thermometer: np.ndarray
    final_distribution: np.ndarray
    final_states: list[np.ndarray]
    distributions: np.ndarray | None = None  # (steps + 1, n_sets, n_classes): every step's


def read_flow(
    rbm: RBM,
    starts: list[np.ndarray],
    steps: int,
    mode: str,
    seed: int,
    classifier: torch.nn.Module,
    class_values: np.ndarray,
    thermometer: Callable[[np.ndarray], float] | None = None,
) -> FlowReadout:
    """Flow every starting set ``starts[k]`` ``(n_k, d)`` for ``steps`` steps in ``mode``."""
    sizes = [len(s) for s in starts]
    bounds = np.cumsum([0, *sizes])
    v0 = torch.as_tensor(np.concatenate(starts), dtype=torch.float64)
    states = rbm_flow(rbm, v0, steps, mode, seed)
    n_sets, n_steps = len(starts), steps + 1
    expected = np.empty((n_sets, n_steps))
    argmax = np.empty((n_sets, n_steps))
    thermo = np.full((n_sets, n_steps), np.nan)
    every = []
    for j, state in enumerate(states):
        dists = [
            collection_distribution(classifier, state[a:b])
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        ]
        every.append(np.stack(dists))
        for k, d in enumerate(dists):
            r = read(d, class_values)
            expected[k, j], argmax[k, j] = r.expected, r.argmax
            if thermometer is not None:
                thermo[k, j] = thermometer(state[bounds[k] : bounds[k + 1]].cpu().numpy())
    final = np.stack(dists)  # the last step's distributions
    last = states[-1].cpu().numpy()
    return FlowReadout(
        expected,
        argmax,
        thermo,
        final,
        [last[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)],
        np.stack(every),
    )


def distinct_endpoints(final_distribution: np.ndarray, class_values: np.ndarray) -> int:
    """Number of distinct argmax classes among the starting sets' final distributions."""
    return len(np.unique(class_values[np.argmax(final_distribution, axis=1)]))


WINDOW = 10  # steps averaged by the convergence criterion and by the endpoint it reads


def convergence_step(distributions: np.ndarray, tol: float, window: int = WINDOW) -> int | None:
    """The first step t >= 2 ``window`` - 1 at which no starting set's averaged read-out moved:
    the L1 distance between its mean over steps (t - window, t] and its mean over the window
    before is at most ``tol`` for every set. Averaging over a window keeps the sampling noise
    of a finite collection (which never stops moving step to step) below ``tol``. None if it
    never happens (the cap was hit). ``distributions``: ``(steps + 1, n_sets, n_classes)``.

    >>> convergence_step(np.ones((30, 2, 3)) / 3, tol=0.01)
    19
    """
    d = np.asarray(distributions, dtype=np.float64)
    for t in range(2 * window - 1, len(d)):
        recent = d[t - window + 1 : t + 1].mean(axis=0)
        before = d[t - 2 * window + 1 : t - window + 1].mean(axis=0)
        if np.abs(recent - before).sum(axis=1).max() <= tol:
            return t
    return None


def fixed_point_groups(final_distribution: np.ndarray, distance: float) -> list[list[int]]:
    """Starting sets grouped by where they end: single-linkage groups of final distributions
    whose L1 distance is at most ``distance`` (a group is one fixed point; argmax would split
    broad, near-identical distributions and merge different ones with the same peak).

    >>> fixed_point_groups(np.array([[1.0, 0.0], [0.98, 0.02], [0.0, 1.0]]), 0.1)
    [[0, 1], [2]]
    """
    x = np.asarray(final_distribution, dtype=np.float64)
    n = len(x)
    close = np.abs(x[:, None, :] - x[None, :, :]).sum(axis=2) <= distance
    label = list(range(n))
    for i in range(n):
        for j in range(i + 1, n):
            if close[i, j] and label[i] != label[j]:
                old, new = label[j], label[i]
                label = [new if v == old else v for v in label]
    groups: dict[int, list[int]] = {}
    for k, v in enumerate(label):
        groups.setdefault(v, []).append(k)
    return list(groups.values())


def magnetisation_modes(states: list[np.ndarray]) -> dict[str, float]:
    """Fractions of final states near m = -1 (m < -0.8), 0 (|m| < 0.2) and +1 (m > 0.8), and
    how many of those three hold >= 10% of the states (study 002 sec. 4.6).

    >>> magnetisation_modes([np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]])])["n_modes"]
    3
    """
    m = np.concatenate([s.mean(axis=1) for s in states])
    frac = {
        "minus": float((m < -0.8).mean()),
        "zero": float((np.abs(m) < 0.2).mean()),
        "plus": float((m > 0.8).mean()),
    }
    return {**frac, "n_modes": int(sum(v >= 0.1 for v in frac.values()))}
