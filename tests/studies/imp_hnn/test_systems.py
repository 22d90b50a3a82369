"""Hamiltonian systems: equations of motion are Hamilton's, reference trajectories conserve H."""

import numpy as np
import pytest

from nnrg.studies.imp_hnn.systems import SYSTEMS, get_system, reference_trajectory


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_rhs_is_symplectic_gradient_of_energy(name):
    system = get_system(name)
    dim = len(system.labels)
    z = np.random.default_rng(1).normal(scale=0.3, size=dim)
    grad = np.array(
        [(system.energy(z + h) - system.energy(z - h)) / 2e-6 for h in np.eye(dim) * 1e-6]
    )
    half = dim // 2
    expected = np.concatenate([grad[half:], -grad[:half]])
    np.testing.assert_allclose(system.rhs(0.0, z), expected, atol=1e-6)


def test_reference_trajectory_conserves_energy():
    system = get_system("henon_heiles")
    t = np.linspace(0, 6 * np.pi, 500)
    z = reference_trajectory(system, np.array([0.3, -0.3, 0.3, 0.15]), t)
    energy = system.energy(z)
    assert np.abs(energy - energy[0]).max() < 1e-10


def test_unknown_system_lists_valid_names():
    with pytest.raises(ValueError, match="henon_heiles"):
        get_system("pendulum")
