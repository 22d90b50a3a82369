"""Mask maps between the two HNNs: shapes, densities, round trip, and the random control."""

import numpy as np
import pytest

from nnrg.studies.imp_hnn.transfer import STRATEGIES, map_output_mask, random_like


def masks(shape, density, seed=0):
    return np.random.default_rng(seed).random(shape) < density


def test_duplicate_then_truncate_returns_the_original():
    m = masks((3, 50, 2), 0.6)
    up = map_output_mask(m, 4)
    assert up.shape == (3, 50, 4)
    assert up.mean() == pytest.approx(m.mean())  # duplication keeps the density
    np.testing.assert_array_equal(map_output_mask(up, 2, "truncate"), m)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_reduction_has_target_shape_and_expected_density(strategy):
    m = masks((4, 50, 4), 0.7, seed=1)
    down = map_output_mask(m, 2, strategy)
    assert down.shape == (4, 50, 2)
    x, y, px, py = (m[..., k] for k in range(4))
    expected = {
        "truncate": np.stack([x, px], -1),
        "union": np.stack([x | y, px | py], -1),
        "intersection": np.stack([x & y, px & py], -1),
    }[strategy]
    np.testing.assert_array_equal(down, expected)
    if strategy == "union":
        assert down.mean() >= m.mean()
    if strategy == "intersection":
        assert down.mean() <= m.mean()


def test_random_control_matches_per_replica_layer_counts_exactly():
    m = masks((5, 50, 50), 0.3, seed=2)
    m[0] = False
    ctrl = random_like(m, np.random.default_rng(0))
    np.testing.assert_array_equal(ctrl.reshape(5, -1).sum(1), m.reshape(5, -1).sum(1))
    assert not np.array_equal(ctrl, m)


def test_unknown_map_is_rejected():
    with pytest.raises(ValueError, match="no output-mask map"):
        map_output_mask(np.ones((50, 3), bool), 2)
    with pytest.raises(ValueError, match="strategy"):
        map_output_mask(np.ones((50, 4), bool), 2, "xor")
