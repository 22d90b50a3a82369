"""Small shared helpers: training runs from params recipes, the CSV writer, replica slicing,
mixtures."""

from __future__ import annotations

import numpy as np
import pytest

from nnrg.core.io import csv_text
from nnrg.ising.datasets import mixtures, noisy
from nnrg.numerics.wick import point_combinations
from nnrg.studies.autoencoder_rg.autoencoder import ae_sizes
from nnrg.studies.imp_hnn.imp import ImpResult
from nnrg.studies.imp_hnn.params import HnnTrainingParams
from nnrg.studies.imp_hnn.training import HnnTraining
from nnrg.studies.nn_qft.gaussnet import bag_green_functions, bags_green_functions


def test_a_training_run_carries_the_params_recipe_unchanged():
    """One config type per recipe: the run holds the params section itself (no field copied)."""
    cfg = HnnTrainingParams(epochs=7, lr=0.5)
    tr = HnnTraining(cfg, seed=3)
    assert tr.recipe is cfg and tr.seed == 3 and not tr.compiled
    assert HnnTraining.of(seed=3, epochs=7, lr=0.5) == tr
    with pytest.raises(TypeError, match="nope"):
        HnnTraining.of(seed=1, nope=2)


def test_csv_text_formats_by_column_and_rejects_ragged_rows():
    text = csv_text(["a", "b"], [(1.23456789, "x"), (2, "y")], {"a": ".3g"})
    assert text == "a,b\n1.23,x\n2,y\n"
    with pytest.raises(ValueError, match="2 columns"):
        csv_text(["a", "b"], [(1,)])


def test_imp_result_replicas_slices_every_array():
    n_iter, r = 5, 6
    res = ImpResult(
        np.arange(n_iter * r).reshape(n_iter, r) * 1.0,
        np.ones((n_iter, r)),
        np.zeros((n_iter, r, 3)),
        np.zeros((n_iter, r, 3)),
        {"input": np.zeros((n_iter, r, 2), np.uint8)},
    )
    part = res.replicas(2, 4, n_iter=2)
    assert part.density.shape == (3, 2) and part.masks["input"].shape == (3, 2, 2)
    assert part.density[0].tolist() == [2.0, 3.0]


def test_ae_sizes_halve_twice():
    assert ae_sizes(64) == (64, 32, 16, 32, 64)
    with pytest.raises(ValueError, match="divisible by 4"):
        ae_sizes(30)


def test_mixtures_and_noise_stay_in_the_convex_hull():
    rng = np.random.default_rng(0)
    a, b = np.zeros((5, 3)), np.ones((5, 3))
    mix = mixtures(a, b, 4, rng)
    assert mix.shape == (36, 3)
    np.testing.assert_allclose(np.unique(mix.round(6)), np.round(np.arange(1, 10) / 10, 6))
    out = noisy(np.full((10, 3), 0.5), [0.0, 1.0], rng, values=(0, 1))
    assert out.shape == (10, 3) and set(np.unique(out)) <= {0.0, 0.5, 1.0}
    out = noisy(np.full((10, 3), 0.5), [0.0, 1.0], rng)  # eq. 4.4.2: eta in {-1, 1}
    assert set(np.unique(out)) <= {-1.0, 0.5, 1.0}


def test_bags_equal_bag_by_bag_sampling():
    points = np.array([-0.01, -0.006, -0.002, 0.002, 0.006, 0.01])
    combos = {n: point_combinations(6, n) for n in (2, 4)}
    seed = np.random.SeedSequence(5)
    calls = []
    out = bags_green_functions(points, 3, 1.0, 1.0, 2, 200, [seed], combos, lambda: calls.append(1))
    children = np.random.SeedSequence(5).spawn(2)
    one = [bag_green_functions(points, 3, 1.0, 1.0, 200, combos, c) for c in children]
    np.testing.assert_array_equal(out[4], np.stack([b[4] for b in one]))
    assert len(calls) == 2
