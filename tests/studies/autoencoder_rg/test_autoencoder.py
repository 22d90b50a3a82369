"""Study 001 networks: hard-coded decimation, transfer stacking, training lowers the loss."""

import numpy as np
import torch

from nnrg.ising.decimation import decimate_checkerboard, decimate_rows, decimation_matrices
from nnrg.studies.autoencoder_rg.autoencoder import LinearChain, stack
from nnrg.training.loop import evaluate, load_state_arrays, state_arrays, train


def test_hard_coded_matrices_equal_slicing_decimation():
    spins = np.random.default_rng(0).choice([-1.0, 1.0], size=(7, 32, 32))
    w1, w2 = decimation_matrices(32)
    once = spins.reshape(7, -1) @ w1
    np.testing.assert_array_equal(once, decimate_checkerboard(spins).reshape(7, -1))
    np.testing.assert_array_equal(
        once @ w2, decimate_rows(decimate_checkerboard(spins)).reshape(7, -1)
    )


def test_hard_coded_chain_has_zero_hinge_loss_on_its_task():
    spins = np.random.default_rng(1).choice([-1.0, 1.0], size=(20, 32, 32))
    w1, _ = decimation_matrices(32)
    net = LinearChain(w1.shape)
    net.set_layer(0, w1, trainable=False)
    x = torch.as_tensor(spins.reshape(20, -1), dtype=torch.float32)
    y = torch.as_tensor(decimate_checkerboard(spins).reshape(20, -1), dtype=torch.float32)
    assert evaluate(net, x, y, "hinge") == 0.0
    assert not any(p.requires_grad for p in net.parameters())


def test_stacking_composes_the_maps():
    a, b = LinearChain((6, 4)), LinearChain((4, 3))
    x = torch.randn(5, 6)
    torch.testing.assert_close(stack([a, b])(x), b(a(x)))


def test_training_lowers_the_loss():
    torch.manual_seed(0)
    spins = np.random.default_rng(2).choice([-1.0, 1.0], size=(300, 8, 8))
    x = torch.as_tensor(spins.reshape(300, -1), dtype=torch.float32)
    y = torch.as_tensor(decimate_checkerboard(spins).reshape(300, -1), dtype=torch.float32)
    net = LinearChain((64, 32))
    before = evaluate(net, x, y, "hinge")
    history = train(
        net,
        x[:240],
        y[:240],
        x[240:],
        y[240:],
        loss="hinge",
        epochs=5,
        batch_size=16,
        lr=1e-2,
        l1=1e-6,
        seed=0,
    )
    assert history.validation[-1] < 0.5 * before
    assert history.train[-1] < history.train[0]


def test_state_arrays_round_trip():
    net = LinearChain((5, 3, 2))
    copy = load_state_arrays(LinearChain((5, 3, 2)), state_arrays(net))
    x = torch.randn(4, 5)
    torch.testing.assert_close(copy(x), net(x))
