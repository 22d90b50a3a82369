"""Local entropy: exact values and agreement with scikit-image's rank entropy."""

import numpy as np
import pytest
from skimage.filters.rank import entropy as rank_entropy

from nnrg.studies.autoencoder_rg.analysis.entropy import local_entropy, random_lattice_entropy


def test_all_up_lattice_has_zero_entropy():
    assert local_entropy(np.ones((2, 16, 16), dtype=np.int8)).tolist() == [0.0, 0.0]


def test_random_lattice_matches_exact_expectation():
    spins = np.random.default_rng(0).choice(np.array([-1, 1], dtype=np.int8), size=(50, 64, 64))
    assert local_entropy(spins).mean() == pytest.approx(random_lattice_entropy(), abs=0.005)
    # brute force over all 512 window patterns
    counts = np.array([bin(w).count("1") for w in range(512)]) / 9
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.nan_to_num(-(counts * np.log2(counts) + (1 - counts) * np.log2(1 - counts)))
    assert random_lattice_entropy() == pytest.approx(h.mean(), rel=1e-12)


def test_interior_matches_scikit_image_rank_entropy():
    spins = np.random.default_rng(1).choice(np.array([-1, 1], dtype=np.int8), size=(12, 12))
    ours_map_mean = local_entropy(spins[None])[0]
    padded = np.pad((spins > 0).astype(np.uint8), 1, mode="wrap")
    theirs = rank_entropy(padded, np.ones((3, 3), dtype=bool))[1:-1, 1:-1]
    assert ours_map_mean == pytest.approx(theirs.mean(), abs=1e-12)
