"""Batched HNN solvers: batching is exact, training lowers the residual and tracks the truth."""

import numpy as np
import torch

from nnrg.models.hnn import LAYERS, BatchedHNN, solution
from nnrg.physics.dynamics import get_system, reference_trajectory
from nnrg.pruning.imp import HnnTraining, evaluate_hnn, imp, train_hnn

FIELD = get_system("oscillator").field
Z0 = torch.tensor([1.3, 1.0])


def test_time_derivative_matches_finite_differences():
    model = BatchedHNN(2, 2, generator=torch.Generator().manual_seed(0)).double()
    t = torch.linspace(0.1, 3.0, 7, dtype=torch.float64)
    _, dz = solution(model, t, Z0.double())
    h = 1e-6
    zp, _ = solution(model, t + h, Z0.double())
    zm, _ = solution(model, t - h, Z0.double())
    torch.testing.assert_close(dz, (zp - zm) / (2 * h), rtol=1e-6, atol=1e-7)


def test_batched_and_one_at_a_time_training_agree():
    tr = HnnTraining(epochs=30, lr=1e-2, lr_final=1e-4, schedule="cosine", n_points=50,
                     jitter=True, seed=3)
    batched = BatchedHNN(3, 2, hidden=16, generator=torch.Generator().manual_seed(0))
    singles = []
    for r in range(3):
        single = BatchedHNN(1, 2, hidden=16)
        with torch.no_grad():
            for n in LAYERS:
                single.weights[n].copy_(batched.weights[n][r:r + 1])
                single.biases[n].copy_(batched.biases[n][r:r + 1])
        singles.append(single)
    train_hnn(batched, FIELD, Z0, np.pi, tr)
    for r, single in enumerate(singles):
        train_hnn(single, FIELD, Z0, np.pi, tr)
        for n in LAYERS:
            torch.testing.assert_close(batched.weights[n][r], single.weights[n][0],
                                       rtol=1e-4, atol=1e-5)


def test_training_lowers_residual_and_tracks_reference():
    model = BatchedHNN(1, 2, generator=torch.Generator().manual_seed(0))
    t = np.linspace(0, np.pi, 100)
    tt = torch.tensor(t, dtype=torch.float32)
    before = evaluate_hnn(model, FIELD, Z0, tt)[0]
    tr = HnnTraining(epochs=1500, lr=2e-2, lr_final=1e-5, schedule="cosine", n_points=100,
                     jitter=True, seed=0)
    after = train_hnn(model, FIELD, Z0, np.pi, tr)[0]
    assert after < 1e-3 and after < before / 100
    ref = reference_trajectory(get_system("oscillator"), Z0.numpy().astype(float), t)
    with torch.no_grad():
        z, _ = solution(model, tt, Z0)
    assert np.abs(z[0].numpy() - ref).max() < 0.05  # stated tolerance on t in [0, pi]


def test_imp_records_every_iteration_and_prunes_only_chosen_layers():
    model = BatchedHNN(2, 2, hidden=10, generator=torch.Generator().manual_seed(0))
    tr = HnnTraining(epochs=5, lr=1e-2, lr_final=1e-3, schedule="constant", n_points=20,
                     jitter=False, seed=0)
    result = imp(model, FIELD, Z0, 1.0, tr, ("hidden",), 0.1, 4)
    assert result.loss.shape == (5, 2) and result.layer_magnitude.shape == (5, 2, 3)
    kept = [np.unpackbits(result.masks["hidden"][k], axis=1)[:, :100].sum(1) for k in range(5)]
    assert [int(k[0]) for k in kept] == [100, 90, 81, 73, 66]
    assert np.unpackbits(result.masks["input"], axis=2)[..., :10].all()
    assert np.all(np.diff(result.density[:, 0]) < 0)
