"""Thermometers: exact curves are inverted; collection read-outs of a known distribution."""

import numpy as np
import pytest

from nnrg.ising.exact import chain_mean_energy, kaufman_energy_and_heat
from nnrg.studies.rbm_flow.analysis.thermometry import (
    CurveThermometer,
    chain_energy_per_spin,
    exact_energy_thermometer,
    lattice_energy_per_spin,
    read,
)
from nnrg.studies.rbm_flow.chain import sample_chain


def chain_thermometer():
    temps = np.r_[np.linspace(0.02, 8.0, 400)]
    energy = [chain_mean_energy(8, 1 / t) / 8 for t in temps]
    return CurveThermometer(np.r_[0.0, temps], np.r_[-1.0, energy])


@pytest.mark.parametrize("t", [0.75, 1.5, 3.0])
def test_exact_chain_samples_read_their_own_temperature(t):
    samples = sample_chain(8, 1 / t, 20000, np.random.default_rng(1)).astype(float)
    t_read = chain_thermometer()(chain_energy_per_spin(samples).mean())
    assert t_read == pytest.approx(t, rel=0.08)


def test_ground_state_reads_zero_and_falling_curves_are_rejected():
    assert chain_thermometer()(-1.0) == 0.0
    with pytest.raises(ValueError, match="increase with T"):
        CurveThermometer(np.array([1.0, 2.0]), np.array([0.0, -1.0]))


def test_lattice_energy_of_ordered_and_checkerboard_states():
    ordered = np.ones((1, 16))
    checker = np.indices((4, 4)).sum(0) % 2 * 2 - 1
    assert lattice_energy_per_spin(ordered, 4)[0] == -2.0
    assert lattice_energy_per_spin(checker.reshape(1, 16).astype(float), 4)[0] == 2.0


def test_collection_readout_expected_and_argmax():
    r = read(np.array([0.1, 0.6, 0.3]), np.array([1.0, 2.0, 3.0]))
    assert r.expected == pytest.approx(2.2) and r.argmax == 2.0


@pytest.mark.parametrize("system,size", [("chain", 8), ("lattice", 10)])
def test_exact_thermometers_read_exact_energies_back(system, size):
    therm = exact_energy_thermometer(system, size)
    for t in (0.8, 2.27, 4.0):
        e = chain_mean_energy(size, 1 / t) / size if system == "chain" else (
            kaufman_energy_and_heat(size, 1 / t)[0])  # fmt: skip
        assert float(therm(e)) == pytest.approx(t, rel=2e-3)
    with pytest.raises(ValueError, match="system"):
        exact_energy_thermometer("ladder", 4)
