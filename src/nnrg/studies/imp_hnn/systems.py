"""Hamiltonian systems of study 000 and their high-accuracy reference trajectories.

Nonlinear oscillator: H = p^2/2 + x^2/2 + x^4/4, so x' = p, p' = -(x + x^3). (The thesis prints
x^4/2 in eq. 43 but integrates these equations of motion.)
Henon-Heiles: H = (px^2 + py^2)/2 + (x^2 + y^2)/2 + x^2 y - y^3/3, state (x, y, px, py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp


def _stack(parts: list, like):
    """Stack components on the last axis with numpy or torch, whichever ``like`` is."""
    if isinstance(like, np.ndarray):
        return np.stack(parts, axis=-1)
    import torch

    return torch.stack(parts, dim=-1)


def oscillator_field(z):
    """Hamilton's vector field of the nonlinear oscillator for ``(..., 2)`` states (x, p).

    Works on numpy arrays and torch tensors alike (the HNN loss uses the same equations).
    """
    x, p = z[..., 0], z[..., 1]
    return _stack([p, -(x + x**3)], z)


def oscillator_rhs(t: float, z: np.ndarray) -> np.ndarray:
    """Hamilton's equations of the nonlinear oscillator, z = (x, p) (solve_ivp signature)."""
    return oscillator_field(np.asarray(z))


def oscillator_energy(z: np.ndarray) -> np.ndarray:
    """H(x, p) for ``(..., 2)`` states."""
    x, p = z[..., 0], z[..., 1]
    return 0.5 * p**2 + 0.5 * x**2 + 0.25 * x**4


def henon_heiles_field(z):
    """Hamilton's vector field of Henon-Heiles for ``(..., 4)`` states (x, y, px, py)."""
    x, y, px, py = (z[..., k] for k in range(4))
    return _stack([px, py, -x - 2.0 * x * y, -y - x**2 + y**2], z)


def henon_heiles_rhs(t: float, z: np.ndarray) -> np.ndarray:
    """Hamilton's equations of the Henon-Heiles system (solve_ivp signature)."""
    return henon_heiles_field(np.asarray(z))


def henon_heiles_energy(z: np.ndarray) -> np.ndarray:
    """H(x, y, px, py) for ``(..., 4)`` states."""
    x, y, px, py = (z[..., k] for k in range(4))
    return 0.5 * (px**2 + py**2) + 0.5 * (x**2 + y**2) + x**2 * y - y**3 / 3.0


@dataclass(frozen=True)
class HamiltonianSystem:
    """A named system: equations of motion, energy, and the state labels."""

    name: str
    rhs: Callable[[float, np.ndarray], np.ndarray]
    energy: Callable[[np.ndarray], np.ndarray]
    labels: tuple[str, ...]
    field: Callable  # the vector field on (..., dim) numpy arrays or torch tensors


SYSTEMS: dict[str, HamiltonianSystem] = {
    "oscillator": HamiltonianSystem(
        "oscillator", oscillator_rhs, oscillator_energy, ("x", "p"), oscillator_field
    ),
    "henon_heiles": HamiltonianSystem(
        "henon_heiles",
        henon_heiles_rhs,
        henon_heiles_energy,
        ("x", "y", "px", "py"),
        henon_heiles_field,
    ),
}


def get_system(name: str) -> HamiltonianSystem:
    """Look a system up by name; an unknown name lists the valid ones."""
    try:
        return SYSTEMS[name]
    except KeyError:
        raise ValueError(f"unknown system {name!r}; valid: {sorted(SYSTEMS)}") from None


def reference_trajectory(
    system: HamiltonianSystem, z0: np.ndarray, t: np.ndarray, rtol: float = 1e-12
) -> np.ndarray:
    """States ``(len(t), dim)`` at times ``t`` from DOP853 with rtol = atol = ``rtol``."""
    sol = solve_ivp(
        system.rhs,
        (float(t[0]), float(t[-1])),
        np.asarray(z0, dtype=np.float64),
        method="DOP853",
        t_eval=t,
        rtol=rtol,
        atol=rtol,
    )
    if not sol.success:
        raise RuntimeError(f"{system.name}: reference integration failed: {sol.message}")
    return sol.y.T
