"""Pruning masks: exact counts, no revival, zero gradients, biases untouched."""

import pytest
import torch

from nnrg.studies.imp_hnn.hnn import LAYERS, BatchedHNN, residual_loss, solution
from nnrg.studies.imp_hnn.masks import density, prune_smallest, random_prune
from nnrg.studies.imp_hnn.systems import get_system


def test_pruning_removes_round_fraction_of_remaining_per_replica():
    w = [torch.randn(3, 10, 10)]
    m = [torch.ones(3, 10, 10, dtype=torch.bool)]
    m[0][1, :5] = False  # replica 1 has 50 remaining
    new = prune_smallest(w, m, 0.05)
    removed = m[0].reshape(3, -1).sum(1) - new[0].reshape(3, -1).sum(1)
    assert removed.tolist() == [5, 2, 5]  # round(0.05 * 100), round(0.05 * 50) = round(2.5)


def test_pruned_weights_are_the_smallest_surviving_ones():
    w = [torch.tensor([[0.5, -0.1, 0.3, 2.0, -0.05]])]
    m = [torch.tensor([[True, True, True, True, False]])]
    (new,) = prune_smallest(w, m, 0.5)
    assert new.tolist() == [[True, False, False, True, False]]


def test_repeated_pruning_never_regains_weights():
    gen = torch.Generator().manual_seed(0)
    w = [torch.randn(2, 20, 5, generator=gen), torch.randn(2, 5, 3, generator=gen)]
    masks = [torch.ones_like(x, dtype=torch.bool) for x in w]
    for step in range(15):
        w = [torch.randn(x.shape, generator=gen) for x in w]  # weights change between steps
        new = prune_smallest(w, masks, 0.1) if step % 2 else random_prune(masks, 0.1, gen)
        for old, nxt in zip(masks, new, strict=True):
            assert not (nxt & ~old).any()
        masks = new
    assert torch.all(density(masks) < 0.3)


def test_global_pruning_ranks_layers_jointly():
    w = [torch.full((1, 4), 0.1), torch.full((1, 4), 1.0)]
    m = [torch.ones(1, 4, dtype=torch.bool)] * 2
    new = prune_smallest(w, m, 0.5)
    assert new[0].sum() == 0 and new[1].sum() == 4


def test_pruned_weights_get_zero_gradient_and_biases_are_never_masked():
    model = BatchedHNN(2, 2, hidden=8, generator=torch.Generator().manual_seed(1))
    model.masks["hidden"] = prune_smallest([model.weights["hidden"]], [model.masks["hidden"]], 0.5)[
        0
    ]
    t = torch.linspace(0, 1, 20)
    z, dz = solution(model, t, torch.tensor([1.0, 0.0]))
    residual_loss(get_system("oscillator").field, t, z, dz).sum().backward()
    grad = model.weights["hidden"].grad
    assert torch.all(grad[~model.masks["hidden"]] == 0)
    assert grad[model.masks["hidden"]].abs().sum() > 0
    assert set(model.masks) == set(LAYERS)
    assert all(b.grad is not None and b.grad.abs().sum() > 0 for b in model.biases.values())


def test_fraction_out_of_range_is_rejected():
    with pytest.raises(ValueError, match="fraction"):
        prune_smallest([torch.ones(1, 2)], [torch.ones(1, 2, dtype=torch.bool)], 1.0)
