"""Reading the temperature of a *collection* of configurations (study 002).

Classifier read-out: average the softmax over the collection, then take the expected T and
the argmax. Physical read-out: map an observable (energy per spin) onto a monotone reference
curve O(T) (exact for the chain, Monte Carlo for the 10 x 10 lattice) by interpolation; it
needs no training and cannot be fooled by a classifier's bias off its training distribution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from nnrg.core.devices import module_device
from nnrg.ising.exact import chain_mean_energy, kaufman_energy_and_heat


def state_probabilities(model: torch.nn.Module, x: np.ndarray | torch.Tensor) -> np.ndarray:
    """The classifier's softmax for every configuration of ``x`` ``(n, d)`` -> ``(n, C)``."""
    with torch.no_grad():
        logits = model(torch.as_tensor(x, dtype=torch.float32, device=module_device(model)))
        return torch.softmax(logits, dim=1).double().cpu().numpy()


def collection_distribution(model: torch.nn.Module, x: np.ndarray | torch.Tensor) -> np.ndarray:
    """The softmax averaged over the collection ``x`` ``(n, d)`` -> ``(n_classes,)``: the mean,
    in double precision, of :func:`state_probabilities` (one definition for every read-out)."""
    return state_probabilities(model, x).mean(axis=0)


@dataclass(frozen=True)
class Readout:
    """Expected value and argmax of a distribution over class values (temperatures)."""

    expected: float
    argmax: float


def read(distribution: np.ndarray, values: np.ndarray) -> Readout:
    """Expected value and most probable value of ``distribution`` over ``values``."""
    p = np.asarray(distribution, dtype=np.float64)
    return Readout(float(p @ values / p.sum()), float(values[int(np.argmax(p))]))


class CurveThermometer:
    """T read off a reference curve O(T) that increases with T; out-of-range values clip."""

    def __init__(self, temperatures: np.ndarray, observable: np.ndarray) -> None:
        order = np.argsort(temperatures)
        temps = np.asarray(temperatures, dtype=np.float64)[order]
        values = np.asarray(observable, dtype=np.float64)[order]
        if np.any(np.diff(values) < -1e-9 * (1 + np.abs(values[:-1]))):
            raise ValueError("the reference curve must increase with T to be inverted")
        # a flat stretch (the ground state at low T) reads as its lowest temperature
        values, first = np.unique(values, return_index=True)
        self.values, self.temperatures = values, temps[first]

    def __call__(self, value: float | np.ndarray) -> float | np.ndarray:
        """Temperature(s) whose reference value is ``value``."""
        return np.interp(value, self.values, self.temperatures)


def chain_energy_per_spin(v: np.ndarray) -> np.ndarray:
    """-<v_i v_{i+1}> of periodic chains ``(n, N)`` (also for mean-field states in [-1, 1]);
    for a chain this *is* minus the nearest-neighbour correlation."""
    return -(v * np.roll(v, -1, axis=1)).mean(axis=1)


def lattice_energy_per_spin(v: np.ndarray, size: int) -> np.ndarray:
    """-(1/N) sum over nearest-neighbour bonds of periodic ``size x size`` lattices
    (flattened ``(n, size**2)``, spins or mean-field values)."""
    s = v.reshape(len(v), size, size)
    bonds = s * np.roll(s, 1, axis=1) + s * np.roll(s, 1, axis=2)
    return -bonds.reshape(len(v), -1).mean(axis=1)


# readings saturate at T = 50: energies that close to 0 do not resolve T any further
REFERENCE_T = np.r_[np.linspace(0.02, 8.0, 400), np.geomspace(8.5, 50.0, 30)]


def exact_energy_thermometer(system: str, size: int) -> CurveThermometer:
    """Exact <H>/N vs T on ``REFERENCE_T`` (and the ground state at T = 0): transfer matrix for
    the periodic chain of ``size`` spins, Kaufman for the ``size`` x ``size`` torus."""
    if system == "chain":
        energy = [chain_mean_energy(size, 1.0 / t) / size for t in REFERENCE_T]
        ground = -1.0
    elif system == "lattice":
        energy = [kaufman_energy_and_heat(size, 1.0 / t)[0] for t in REFERENCE_T]
        ground = -2.0
    else:
        raise ValueError(f"system must be 'chain' or 'lattice', got {system!r}")
    return CurveThermometer(np.r_[0.0, REFERENCE_T], np.r_[ground, energy])
