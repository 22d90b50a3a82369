"""Batched HNN solvers: batching is exact, training lowers the residual and tracks the truth."""

import numpy as np
import pytest
import torch

from nnrg.studies.imp_hnn.hnn import (
    LAYERS,
    BatchedHNN,
    from_state_arrays,
    solution,
    state_arrays,
    tiled,
    weight_shapes,
)
from nnrg.studies.imp_hnn.imp import PruneGroup, imp, unpack_masks
from nnrg.studies.imp_hnn.systems import get_system, reference_trajectory
from nnrg.studies.imp_hnn.training import HnnProblem, HnnTraining, evaluate_hnn, train_hnn

OSC = get_system("oscillator")
FIELD = OSC.field
Z0 = torch.tensor([1.3, 1.0])


def problem(t_max: float) -> HnnProblem:
    return HnnProblem(OSC.field, OSC.energy, Z0, t_max)


def test_time_derivative_matches_finite_differences():
    model = BatchedHNN(2, 2, generator=torch.Generator().manual_seed(0)).double()
    t = torch.linspace(0.1, 3.0, 7, dtype=torch.float64)
    _, dz = solution(model, t, Z0.double())
    h = 1e-6
    zp, _ = solution(model, t + h, Z0.double())
    zm, _ = solution(model, t - h, Z0.double())
    torch.testing.assert_close(dz, (zp - zm) / (2 * h), rtol=1e-6, atol=1e-7)


def test_batched_and_one_at_a_time_training_agree():
    tr = HnnTraining.of(epochs=30, lr=1e-2, lr_final=1e-4, schedule="cosine", n_points=50, seed=3)
    batched = BatchedHNN(3, 2, hidden=16, generator=torch.Generator().manual_seed(0))
    singles = []
    for r in range(3):
        single = BatchedHNN(1, 2, hidden=16)
        with torch.no_grad():
            for n in LAYERS:
                single.weights[n].copy_(batched.weights[n][r : r + 1])
                single.biases[n].copy_(batched.biases[n][r : r + 1])
        singles.append(single)
    train_hnn(batched, problem(np.pi), tr)
    for r, single in enumerate(singles):
        train_hnn(single, problem(np.pi), tr)
        for n in LAYERS:
            torch.testing.assert_close(
                batched.weights[n][r], single.weights[n][0], rtol=1e-4, atol=1e-5
            )


def test_training_lowers_residual_and_tracks_reference():
    model = BatchedHNN(1, 2, generator=torch.Generator().manual_seed(0))
    t = np.linspace(0, np.pi, 100)
    tt = torch.tensor(t, dtype=torch.float32)
    before = evaluate_hnn(model, problem(np.pi), tt)[0]
    tr = HnnTraining.of(
        epochs=1500, lr=2e-2, lr_final=1e-5, schedule="cosine", n_points=100, seed=0
    )
    after = train_hnn(model, problem(np.pi), tr)[0]
    assert after < 1e-3 and after < before / 100
    ref = reference_trajectory(get_system("oscillator"), Z0.numpy().astype(float), t)
    with torch.no_grad():
        z, _ = solution(model, tt, Z0)
    assert np.abs(z[0].numpy() - ref).max() < 0.05  # stated tolerance on t in [0, pi]


def test_imp_records_every_iteration_and_prunes_only_chosen_layers():
    model = BatchedHNN(2, 2, hidden=10, generator=torch.Generator().manual_seed(0))
    tr = HnnTraining.of(
        epochs=5,
        lr=1e-2,
        lr_final=1e-3,
        schedule="constant",
        n_points=20,
        seed=0,
        time_noise="none",
    )
    result = imp(model, problem(1.0), tr, [PruneGroup(0, 2, ("hidden",), fraction=0.1)], 4)
    assert result.loss.shape == (5, 2) and result.layer_magnitude.shape == (5, 2, 3)
    kept = [np.unpackbits(result.masks["hidden"][k], axis=1)[:, :100].sum(1) for k in range(5)]
    # the geometric schedule round(100 * 0.9^n)
    assert [int(k[0]) for k in kept] == [100, 90, 81, 73, 66]
    assert np.unpackbits(result.masks["input"], axis=2)[..., :10].all()
    assert np.all(np.diff(result.density[:, 0]) < 0)
    np.testing.assert_allclose(result.layer_density[:, 0, 1], np.array(kept)[:, 0] / 100)


def test_small_layer_follows_the_schedule_where_round_of_remaining_would_stall():
    model = BatchedHNN(1, 2, hidden=50, generator=torch.Generator().manual_seed(0))
    tr = HnnTraining.of(
        epochs=1, lr=1e-3, lr_final=1e-3, schedule="constant", n_points=5, seed=0, time_noise="none"
    )
    result = imp(
        model, problem(1.0), tr, [PruneGroup(0, 1, ("input",), fraction=0.01)], 230, retrain=False
    )
    assert result.layer_density[-1, 0, 0] == pytest.approx(0.1)  # round(50 * 0.99^230) = 5
    assert np.all(np.diff(result.layer_density[:, 0, 0]) <= 0)


def test_groups_prune_their_own_layers_with_their_own_method():
    base = BatchedHNN(2, 2, hidden=10, generator=torch.Generator().manual_seed(0))
    model = tiled(base, 3)
    tr = HnnTraining.of(
        epochs=2, lr=1e-3, lr_final=1e-3, schedule="constant", n_points=5, seed=0, time_noise="none"
    )
    groups = [
        PruneGroup(0, 2, ("output",), fraction=0.2, n_prunings=1),
        PruneGroup(2, 4, LAYERS, "random", 0.2),
        PruneGroup(4, 6, LAYERS, "layer_normalised", 0.2),
    ]
    result = imp(model, problem(1.0), tr, groups, 3)
    masks = unpack_masks(result.masks, weight_shapes(model))
    assert masks["input"][:, :2].all() and masks["hidden"][:, :2].all()
    assert not masks["output"][-1, :2].all()
    np.testing.assert_array_equal(masks["output"][1, :2], masks["output"][-1, :2])  # stopped
    total = 10 + 100 + 20
    np.testing.assert_allclose(result.density[-1, 2:], round(total * 0.8**3) / total)


def test_layer_normalised_pruning_equalises_layers_of_different_scale():
    model = BatchedHNN(1, 2, hidden=20, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():  # hidden and output at equal size but 100x different scale
        model.weights["output"].mul_(100.0)
    tr = HnnTraining.of(
        epochs=1, lr=1e-3, lr_final=1e-3, schedule="constant", n_points=5, seed=0, time_noise="none"
    )
    groups = [PruneGroup(0, 1, ("hidden", "output"), "layer_normalised", 0.1)]
    by_scale = imp(model, problem(1.0), tr, groups, 10, retrain=False)
    hidden, output = by_scale.layer_density[-1, 0, 1], by_scale.layer_density[-1, 0, 2]
    assert abs(hidden - output) < 0.15  # magnitude pruning would strip the hidden layer first


def test_imp_rejects_groups_that_miss_replicas():
    model = BatchedHNN(3, 2, hidden=4)
    tr = HnnTraining.of(
        epochs=1, lr=1e-3, lr_final=1e-3, schedule="constant", n_points=5, seed=0, time_noise="none"
    )
    with pytest.raises(ValueError, match="cover every replica"):
        imp(model, problem(1.0), tr, [PruneGroup(0, 2, LAYERS)], 1)
    with pytest.raises(ValueError, match="method"):
        PruneGroup(0, 1, LAYERS, "largest")
    with pytest.raises(ValueError, match="fraction"):
        PruneGroup(0, 1, LAYERS, fraction=1.0)


def test_state_arrays_round_trip():
    model = BatchedHNN(2, 4, hidden=6, generator=torch.Generator().manual_seed(2))
    model.masks["hidden"][0, 0, 0] = False
    back = from_state_arrays(state_arrays(model))
    for n in LAYERS:
        torch.testing.assert_close(back.weights[n], model.weights[n])
        assert torch.equal(back.masks[n], model.masks[n])


@pytest.mark.slow
def test_compiled_epoch_agrees_with_the_eager_one():
    """torch.compile'd loss + fused Adam: the same training to float32 rounding (losses to
    1e-4 relative after 200 epochs; the kernels fuse differently, so not byte for byte)."""
    s = get_system("oscillator")
    prob = HnnProblem(s.field, s.energy, torch.tensor([1.3, 1.0]), np.pi)
    losses = {}
    for compiled in (False, True):
        tr = HnnTraining.of(epochs=200, lr=1e-2, lr_final=1e-4, schedule="cosine", n_points=30,
                         seed=1, compiled=compiled)  # fmt: skip
        model = BatchedHNN(3, 2, hidden=16, generator=torch.Generator().manual_seed(2))
        losses[compiled] = train_hnn(model, prob, tr)
    np.testing.assert_allclose(losses[True], losses[False], rtol=1e-4)
