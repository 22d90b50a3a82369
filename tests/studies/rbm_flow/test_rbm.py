"""RBMs: CD estimators against exact enumeration; a 1D RBM reproduces its temperature's energy."""

import itertools

import numpy as np
import pytest
import torch

from nnrg.ising.exact import chain_energies, chain_mean_energy
from nnrg.studies.rbm_flow.chain import sample_chain
from nnrg.studies.rbm_flow.rbm import RBM, RbmTraining, rbm_flow, train_rbm


def spin_states(n: int) -> torch.Tensor:
    return torch.tensor(list(itertools.product([-1.0, 1.0], repeat=n)), dtype=torch.float64)


def joint(rbm: RBM) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """All (v, h) states and their exact joint probabilities."""
    vs, hs = spin_states(rbm.w.shape[0]), spin_states(rbm.w.shape[1])
    log_w = (vs @ rbm.w @ hs.T) + (vs @ rbm.b_v)[:, None] + (hs @ rbm.b_h)[None, :]
    return vs, hs, torch.softmax(log_w.flatten(), 0).reshape(log_w.shape)


def exact_gradient(rbm: RBM, data: torch.Tensor) -> torch.Tensor:
    """d mean log-likelihood / dW by enumeration: <v h>_data - <v h>_model."""
    vs, hs, p = joint(rbm)
    model = torch.einsum("vh,vi,ha->ia", p, vs, hs)
    return data.T @ rbm.hidden_mean(data) / len(data) - model


def exact_cd1(rbm: RBM, data: torch.Tensor) -> torch.Tensor:
    """The exact expectation of the sampled CD-1 weight gradient (one v -> h -> v' step)."""
    vs, hs, _ = joint(rbm)
    p_h = torch.prod((1 + hs[None] * rbm.hidden_mean(data)[:, None]) / 2, dim=2)  # (n, H)
    p_v = torch.prod((1 + vs[None] * rbm.visible_mean(hs)[:, None]) / 2, dim=2)  # (H, V)
    p_v1 = p_h @ p_v  # (n, V)
    negative = torch.einsum("nv,vi,va->ia", p_v1, vs, rbm.hidden_mean(vs)) / len(data)
    return data.T @ rbm.hidden_mean(data) / len(data) - negative


@pytest.fixture
def two_unit_rbm():
    rbm = RBM(2, 2, generator=torch.Generator().manual_seed(0), scale=0.3)
    rbm.b_v = torch.tensor([0.1, -0.2], dtype=torch.float64)
    data = torch.tensor([[1.0, 1.0]] * 6 + [[-1.0, -1.0]] * 3 + [[1.0, -1.0]], dtype=torch.float64)
    return rbm, data


def test_cd1_has_the_sign_of_the_exact_gradient(two_unit_rbm):
    rbm, data = two_unit_rbm
    exact, cd1 = exact_gradient(rbm, data), exact_cd1(rbm, data)
    assert torch.all(torch.sign(exact) == torch.sign(cd1))
    assert torch.all(cd1.abs() < exact.abs() + 1e-12)  # CD-1 is a shrunken estimate here


def test_sampled_cd1_estimator_is_unbiased_for_its_exact_expectation(two_unit_rbm):
    rbm, data = two_unit_rbm
    gen = torch.Generator().manual_seed(1)
    big = data.repeat(20000, 1)
    dw, _, _ = rbm.cd_gradient(big, 1, "sampled", gen)
    # each entry is a mean of 200,000 terms bounded by 2: standard error < 0.005
    torch.testing.assert_close(dw, exact_cd1(rbm, data), atol=0.02, rtol=0)


def test_long_cd_approaches_the_exact_gradient(two_unit_rbm):
    rbm, data = two_unit_rbm
    gen = torch.Generator().manual_seed(2)
    dw, _, _ = rbm.cd_gradient(data.repeat(20000, 1), 20, "sampled", gen)
    torch.testing.assert_close(dw, exact_gradient(rbm, data), atol=0.02, rtol=0)


def test_rbm_trained_at_one_temperature_reproduces_its_exact_energy():
    """8 visible / 4 hidden spins, trained on exact T = 1 chains; the energy of long Gibbs
    chains of the trained RBM matches the exact <H>/N within 0.05 (plus 4 standard errors)."""
    beta = 1.0
    rng = np.random.default_rng(0)
    data = torch.tensor(sample_chain(8, beta, 2000, rng), dtype=torch.float64)
    test = torch.tensor(sample_chain(8, beta, 500, rng), dtype=torch.float64)
    rbm = RBM(8, 4, generator=torch.Generator().manual_seed(0))
    train_rbm(
        rbm,
        data,
        test,
        RbmTraining.of(epochs=40, lr=0.05, batch_size=50, k=3, cd_mode="sampled", seed=0),
    )
    states = torch.stack(rbm_flow(rbm, test, 100, "sampled", seed=1)[50::5]).numpy()
    per_snapshot = chain_energies(states.reshape(-1, 8)).reshape(len(states), -1).mean(1) / 8
    energy = per_snapshot.mean()
    err = per_snapshot.std(ddof=1) / np.sqrt(len(per_snapshot))
    exact = chain_mean_energy(8, beta) / 8
    assert abs(energy - exact) < 0.05 + 4 * err, (energy, exact, err)


def test_flow_modes_and_units_are_validated():
    rbm = RBM(4, 2)
    with pytest.raises(ValueError, match="mode"):
        rbm.step(torch.ones(1, 4, dtype=torch.float64), "gibbs", None)
    with pytest.raises(ValueError, match="units"):
        RBM(4, 2, units="gaussian")


def test_state_round_trip_and_mean_field_flow_is_deterministic():
    rbm = RBM(6, 3, units="binary", generator=torch.Generator().manual_seed(3), scale=1.0)
    back = RBM.from_state(rbm.state(), "binary")
    v0 = torch.rand(5, 6, dtype=torch.float64)
    a = rbm_flow(rbm, v0, 4, "mean_field", seed=0)[-1]
    b = rbm_flow(back, v0, 4, "mean_field", seed=9)[-1]
    torch.testing.assert_close(a, b)
