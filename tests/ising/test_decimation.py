"""Decimation maps match the paper's linearised index rules (study 001, eqs. 7-8)."""

import numpy as np

from nnrg.ising.decimation import decimate_checkerboard, decimate_rows, majority_block


def test_first_decimation_keeps_indices_of_eq7():
    lattice = np.arange(1024).reshape(1, 32, 32)
    kept = decimate_checkerboard(lattice).ravel()
    expected = [i for i in range(1024) if (i // 32 + i) % 2 == 0]
    np.testing.assert_array_equal(kept, expected)


def test_second_decimation_keeps_indices_of_eq8():
    half = np.arange(512).reshape(1, 32, 16)
    kept = decimate_rows(half).ravel()
    np.testing.assert_array_equal(kept, [i for i in range(512) if (i // 16) % 2 == 0])


def test_two_decimations_give_the_even_even_sublattice():
    lattice = np.random.default_rng(0).choice([-1, 1], size=(5, 32, 32)).astype(np.int8)
    twice = decimate_rows(decimate_checkerboard(lattice))
    np.testing.assert_array_equal(twice, lattice[:, 0::2, 0::2])


def test_majority_rule_of_aligned_blocks_is_their_sign():
    lattice = np.kron(np.array([[1, -1], [-1, 1]]), np.ones((2, 2))).astype(np.int8)[None]
    np.testing.assert_array_equal(majority_block(lattice)[0], [[1, -1], [-1, 1]])
