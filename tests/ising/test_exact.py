"""Exact results checked against brute-force enumeration and closed forms."""

import numpy as np
import pytest

from nnrg.ising.exact import (
    all_states,
    boltzmann_weights,
    chain_energies,
    chain_mean_energy,
    decimation_recursion,
    enumerated_energy_and_heat,
    kaufman_energy_and_heat,
    kaufman_log_z,
    lattice_energies,
    specific_heat_peak,
)
from nnrg.ising.lattice import BETA_C


@pytest.mark.parametrize("size", [3, 4])
@pytest.mark.parametrize("beta", [0.1, 0.3, BETA_C, 0.4352, 0.6, 1.0])
def test_kaufman_matches_brute_force_enumeration(size, beta):
    exact = kaufman_energy_and_heat(size, beta)
    brute = enumerated_energy_and_heat(size, beta)
    np.testing.assert_allclose(exact, brute, rtol=1e-8, atol=1e-9)


def test_kaufman_log_z_matches_enumerated_partition_function():
    e = lattice_energies(all_states(16), 4).astype(float)
    for beta in (0.2, BETA_C, 0.7):
        log_z = np.log(np.exp(-beta * (e - e.min())).sum()) - beta * e.min()
        assert kaufman_log_z(4, beta) == pytest.approx(log_z, rel=1e-12)


def test_kaufman_large_lattice_approaches_onsager_energy_at_beta_c():
    # Onsager: u(beta_c) = -sqrt(2) in the thermodynamic limit; finite-size shift ~ 1/L
    e, _ = kaufman_energy_and_heat(256, BETA_C)
    assert e == pytest.approx(-np.sqrt(2.0), abs=5e-3)


@pytest.mark.parametrize("beta", [0.05, 0.5, 2.0])
def test_chain_transfer_matrix_matches_enumeration(beta):
    states = all_states(8)
    e = chain_energies(states)
    assert boltzmann_weights(e, beta) @ e == pytest.approx(chain_mean_energy(8, beta), rel=1e-12)


def test_zero_temperature_weights_select_ground_states():
    p = boltzmann_weights(chain_energies(all_states(6)), np.inf)
    assert p.sum() == pytest.approx(1.0)
    assert np.count_nonzero(p) == 2


def test_specific_heat_peak_moves_towards_beta_c_with_size():
    peaks = [specific_heat_peak(size) for size in (8, 16, 32)]
    assert peaks[0] < peaks[1] < peaks[2] < BETA_C


def test_decimation_recursion_has_fixed_point_near_0507():
    from scipy.optimize import brentq

    fixed = brentq(lambda b: decimation_recursion(b) - b, 0.3, 1.0)
    assert fixed == pytest.approx(0.5070, abs=5e-4)
