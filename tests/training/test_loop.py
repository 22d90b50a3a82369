"""The training loop (nnrg.training.loop): early stopping, losses in Keras's units, and the
optimizers the params name."""

import numpy as np
import pytest
import torch

from nnrg.studies.autoencoder_rg.autoencoder import BetaRegressor, LinearChain
from nnrg.training.loop import evaluate, keras_loss, l1_penalty, train


def test_early_stopping_keeps_the_best_validation_epoch():
    torch.manual_seed(1)
    rng = np.random.default_rng(1)
    x = torch.as_tensor(rng.standard_normal((40, 30)), dtype=torch.float32)
    y = torch.as_tensor(rng.standard_normal(40), dtype=torch.float32)  # pure noise: it overfits
    net = BetaRegressor(30, 64)
    h = train(net, x[:20], y[:20], x[20:], y[20:], loss="mse", epochs=300, batch_size=5,
              lr=1e-2, l1=0.0, seed=0, patience=5)  # fmt: skip
    assert h.best_epoch is not None and len(h.train) < 300
    assert h.validation[h.best_epoch] == min(h.validation)
    assert evaluate(net, x[20:], y[20:], "mse") == pytest.approx(h.validation[h.best_epoch])


def test_keras_units_add_the_penalty_of_every_weight_matrix_frozen_or_not():
    chain = LinearChain([6, 4, 6])
    chain.set_layer(0, np.ones((6, 4)), trainable=False)
    total = float(l1_penalty(chain, trainable_only=False))
    assert total == pytest.approx(24.0 + float(chain.linear(1).weight.abs().sum()))
    assert keras_loss(chain, 0.5, 1e-3) == pytest.approx(0.5 + 1e-3 * total)
    assert keras_loss(chain, 0.5, 0.0) == 0.5


def test_plain_gradient_descent_is_sgd_without_momentum_and_names_agree_with_params():
    from nnrg.training.loop import OPTIMIZERS
    from nnrg.training.params import OPTIMIZERS as NAMES

    assert set(OPTIMIZERS) == set(NAMES)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    x = torch.as_tensor(rng.standard_normal((32, 3)), dtype=torch.float32)
    y = x @ torch.tensor([1.0, -2.0, 0.5])
    net = torch.nn.Linear(3, 1, bias=False)
    w0 = net.weight.detach().clone()
    # one full-batch step of plain gradient descent: w <- w - lr * grad
    train(net, x, y[:, None], x[:0], y[:0, None], loss="mse", epochs=1, batch_size=32,
          lr=0.1, l1=0.0, seed=0, optimizer="sgd")  # fmt: skip
    grad = 2 * ((x @ w0.T - y[:, None]) * x).mean(dim=0)
    assert torch.allclose(net.weight.detach()[0], w0[0] - 0.1 * grad, atol=1e-6)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        train(net, x, y[:, None], x[:0], y[:0, None], loss="mse", epochs=1, batch_size=32,
              lr=0.1, l1=0.0, seed=0, optimizer="rmsprop")  # fmt: skip
