"""Pruning masks and strategies: exact counts, no revival, zero gradients, biases untouched,
named strategies that list the valid ones."""

import pytest
import torch

from nnrg.studies.imp_hnn.hnn import LAYERS, BatchedHNN, residual_loss, solution
from nnrg.studies.imp_hnn.imp import PRUNING_SCORES, PruneGroup, pruning_score
from nnrg.studies.imp_hnn.masks import keep_largest, scheduled_keep
from nnrg.studies.imp_hnn.systems import get_system


def kept(masks: list[torch.Tensor]) -> list[int]:
    n_rep = masks[0].shape[0]
    return torch.cat([m.reshape(n_rep, -1) for m in masks], dim=1).sum(dim=1).tolist()


def test_keep_largest_keeps_exactly_n_per_replica():
    w = [torch.randn(3, 10, 10)]
    m = [torch.ones(3, 10, 10, dtype=torch.bool)]
    m[0][1, :5] = False  # replica 1 has 50 remaining
    new = keep_largest(w, m, torch.tensor([95, 48, 95]))
    assert kept(new) == [95, 48, 95]


def test_pruned_weights_are_the_smallest_surviving_ones():
    w = [torch.tensor([[0.5, -0.1, 0.3, 2.0, -0.05]])]
    m = [torch.tensor([[True, True, True, True, False]])]
    (new,) = keep_largest(w, m, torch.tensor(2))
    assert new.tolist() == [[True, False, False, True, False]]


def test_scheduled_keep_follows_the_geometric_schedule_even_for_small_layers():
    assert [scheduled_keep(100, 0.2, n) for n in range(4)] == [100, 80, 64, 51]
    # a 50-weight layer at 1 %: round(0.01 * 50) = 0 would never start; the schedule does
    assert scheduled_keep(50, 0.01, 1) == 50 and scheduled_keep(50, 0.01, 5) == 48


@pytest.mark.parametrize("method", list(PRUNING_SCORES))
def test_repeated_pruning_never_regains_weights(method):
    gen = torch.Generator().manual_seed(0)
    w = [torch.randn(2, 20, 5, generator=gen), torch.randn(2, 5, 3, generator=gen)]
    initial = [x.clone() for x in w]
    masks = [torch.ones_like(x, dtype=torch.bool) for x in w]
    score = pruning_score(method)
    for step in range(15):
        w = [torch.randn(x.shape, generator=gen) for x in w]  # weights change between steps
        target = scheduled_keep(115, 0.1, step + 1)
        new = keep_largest(score(w, initial, gen), masks, torch.tensor(target))
        for old, nxt in zip(masks, new, strict=True):
            assert not (nxt & ~old).any()
        assert kept(new) == [target, target]
        masks = new
    assert all(k / 115 < 0.3 for k in kept(masks))


def test_keep_largest_refuses_to_revive_a_weight():
    with pytest.raises(ValueError, match="never revives"):
        keep_largest([torch.ones(1, 2)], [torch.tensor([[True, False]])], torch.tensor(2))


def test_global_pruning_ranks_layers_jointly():
    w = [torch.full((1, 4), 0.1), torch.full((1, 4), 1.0)]
    m = [torch.ones(1, 4, dtype=torch.bool)] * 2
    new = keep_largest(w, m, torch.tensor(4))
    assert new[0].sum() == 0 and new[1].sum() == 4


def test_layer_normalised_scores_remove_the_initialisation_scale():
    """A layer initialised 10x larger is not kept first merely for its scale."""
    gen = torch.Generator().manual_seed(2)
    small = torch.randn(1, 30, 30, generator=gen)
    big = 10 * torch.randn(1, 30, 30, generator=gen)
    raw = pruning_score("magnitude")([small, big], [small, big], gen)
    normed = pruning_score("layer_normalised")([small, big], [small, big], gen)
    masks = [torch.ones(1, 30, 30, dtype=torch.bool)] * 2
    by_raw = keep_largest(raw, masks, torch.tensor(900))
    by_normed = keep_largest(normed, masks, torch.tensor(900))
    assert by_raw[1].sum() > 700  # magnitude keeps mostly the big layer (450 if balanced)
    assert abs(int(by_normed[0].sum()) - int(by_normed[1].sum())) < 150


def test_pruned_weights_get_zero_gradient_and_biases_are_never_masked():
    model = BatchedHNN(2, 2, hidden=8, generator=torch.Generator().manual_seed(1))
    hidden = model.masks["hidden"]
    model.masks["hidden"] = keep_largest(
        [model.weights["hidden"]], [hidden], torch.tensor(hidden[0].numel() // 2)
    )[0]
    t = torch.linspace(0, 1, 20)
    z, dz = solution(model, t, torch.tensor([1.0, 0.0]))
    residual_loss(get_system("oscillator").field, t, z, dz).sum().backward()
    grad = model.weights["hidden"].grad
    assert torch.all(grad[~model.masks["hidden"]] == 0)
    assert grad[model.masks["hidden"]].abs().sum() > 0
    assert set(model.masks) == set(LAYERS)
    assert all(b.grad is not None and b.grad.abs().sum() > 0 for b in model.biases.values())


def test_unknown_strategy_and_fraction_are_rejected_naming_the_valid_ones():
    with pytest.raises(ValueError, match="magnitude.*random.*layer_normalised"):
        pruning_score("nope")
    with pytest.raises(ValueError, match="method must be one of"):
        PruneGroup(0, 1, LAYERS, method="nope")
    with pytest.raises(ValueError, match="fraction"):
        PruneGroup(0, 1, LAYERS, fraction=1.0)
