"""Study 001 weight-structure measures on the hard-coded decimation weights (known answers)."""

import numpy as np
import pytest

from nnrg.ising.decimation import decimation_matrices
from nnrg.studies.autoencoder_rg.analysis.weights import (
    band_ratios,
    kept_sites,
    neighbourhood_mass,
    top_mass,
)


def test_hard_coded_decimation_is_maximally_sparse_and_local():
    w1, w2 = decimation_matrices(32)
    assert top_mass(w1) == 1.0 and top_mass(w2) == 1.0
    assert neighbourhood_mass(w1, kept_sites(w1), 32, 32) == 1.0
    assert neighbourhood_mass(w2, kept_sites(w2), 32, 16) == 1.0


def test_hard_coded_decimation_has_no_off_diagonal_correlation():
    w1, w2 = decimation_matrices(32)
    assert band_ratios(w1) == {"k1": 0.0, "k16": 0.0, "k32": 0.0}
    assert band_ratios(w2) == {"k1": 0.0, "k16": 0.0, "k32": 0.0}


def test_homogeneous_weights_spread_their_mass():
    w = np.ones((1024, 512))
    assert top_mass(w) == pytest.approx(5 / 1024)
    assert neighbourhood_mass(w, np.arange(512), 32, 32) == pytest.approx(5 / 1024)
    assert band_ratios(w)["k32"] == pytest.approx(1.0)


def test_a_unit_reading_a_neighbour_of_its_site_counts_as_local():
    w1, _ = decimation_matrices(32)
    kept = kept_sites(w1)
    shifted = np.zeros_like(w1)
    shifted[(kept + 1) % 1024, np.arange(512)] = 1.0  # the right-hand neighbour (same row mostly)
    assert neighbourhood_mass(shifted, kept, 32, 32) > 0.9
