"""Flow read-outs: crossings of fitted curves and the energy thermometer."""

import numpy as np
import pytest

from nnrg.ising.exact import (
    decimation_fixed_point,
    decimation_recursion,
    decimation_slope,
    kaufman_energy_and_heat,
)
from nnrg.studies.autoencoder_rg.analysis.flow import (
    EnergyThermometer,
    data_crossings,
    fit_crossing,
    flow_crossings,
)


def test_linear_flow_crossing_and_attractiveness():
    beta = np.linspace(0.1, 0.6, 20)
    c = fit_crossing(beta, 0.2 + 0.5 * beta, 1, (0.3, 0.7))
    assert c.beta == pytest.approx(0.4) and c.attractive


def test_no_crossing_gives_none():
    beta = np.linspace(0.1, 0.6, 20)
    assert fit_crossing(beta, beta + 0.1, 1, (0.3, 0.7)) is None
    assert data_crossings(beta, beta + 0.1) == []


def test_data_crossing_interpolates():
    beta = np.array([0.3, 0.4, 0.5])
    (c,) = data_crossings(beta, np.array([0.35, 0.4 + 1e-9, 0.45]))
    assert 0.39 < c.beta < 0.41


def test_recursion_fixed_point_solves_its_equation():
    b = decimation_fixed_point()
    assert abs(decimation_recursion(b) - b) < 1e-10
    assert decimation_slope(b) > 1


def test_thermometer_inverts_exact_energy():
    thermo = EnergyThermometer(32)
    for beta in (0.1, 0.35, 0.4407, 0.55):
        assert thermo(np.array([kaufman_energy_and_heat(32, beta)[0]]))[0] == pytest.approx(
            beta, abs=2e-3
        )


def test_unwindowed_crossing_is_found_outside_any_window():
    beta = np.linspace(0.1, 0.6, 30)
    line = 0.8 + 0.0 * beta  # meets beta' = beta at 0.8, outside [0.3, 0.7]
    assert fit_crossing(beta, line, 1, (0.3, 0.7)) is None
    c = fit_crossing(beta, line, 1, None)
    assert c is not None and abs(c.beta - 0.8) < 1e-9 and c.attractive


def test_flow_crossings_of_a_known_line_inside_and_outside_the_window():
    betas = np.linspace(0.1, 0.6, 26)
    flows = {"attractive": 0.4 + 0.5 * (betas - 0.4), "outside": 0.75 + 0.5 * (betas - 0.75)}
    c = flow_crossings(betas, flows, [1, 2], 1, (0.1, 0.6), (0.3, 0.7), "attractive")
    assert c.main is not None and c.main.beta == pytest.approx(0.4) and c.main.attractive
    assert c.fits["attractive"]["deg2"]["beta"] == pytest.approx(0.4)
    assert c.fits["outside"]["deg1"] == {"beta": None}  # the line crosses at 0.75
    assert c.unwindowed["outside"]["beta"] == pytest.approx(0.75)
    assert c.measured["outside"] == []  # no data point pair straddles 0.75
