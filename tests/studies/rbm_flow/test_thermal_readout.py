"""Study 002's nearest-thermal-curve read-out: true T for thermal samples and known curves."""

import numpy as np
import pytest
import torch

from nnrg.studies.rbm_flow.analysis.thermal_readout import (
    calibration,
    distances,
    nearest_temperature,
    read_collection,
    thermal_curves,
)
from nnrg.studies.rbm_flow.analysis.thermometry import state_probabilities
from nnrg.studies.rbm_flow.chain import sample_chain


def synthetic_curves(n_t=10, n_c=10):
    """Well separated curves: thermal set k puts its mass around class k."""
    c = np.arange(n_c)
    return (
        np.stack([np.exp(-0.5 * ((c - k) / 1.2) ** 2) for k in range(n_t)])
        / np.stack([np.exp(-0.5 * ((c - k) / 1.2) ** 2).sum() for k in range(n_t)])[:, None]
    )


def test_a_collection_built_from_a_known_curve_reads_as_its_temperature():
    curves = synthetic_curves()
    temps = np.linspace(0.5, 5.0, 10)
    rng = np.random.default_rng(0)
    for k in range(10):
        probs = rng.dirichlet(200 * curves[k], size=400)  # per-state outputs around curve k
        out = read_collection(probs, curves, temps, n_boot=100)
        assert out["t"] == temps[k] and out["distances_agree"]
        assert out["interval"][0] <= temps[k] <= out["interval"][1]


def test_each_distance_is_zero_on_its_own_curve_and_kl_is_asymmetric():
    curves = synthetic_curves()
    for kind in ("l1", "l2", "kl"):
        d = distances(curves[3], curves, kind)
        assert d[3] == pytest.approx(0.0, abs=1e-12) and np.argmin(d) == 3
    with pytest.raises(ValueError, match="distance must be"):
        distances(curves[0], curves, "cosine")


class ChainEnergyClassifier(torch.nn.Module):
    """A fixed 'classifier' of 8-spin chains: logits from the number of broken bonds, so its
    averaged output depends on T through the energy alone (no training needed)."""

    def __init__(self, n_classes):
        super().__init__()
        self.centres = torch.linspace(0, 8, n_classes)

    def forward(self, x):
        x = x.float()
        broken = ((1 - x * torch.roll(x, -1, dims=1)) / 2).sum(dim=1, keepdim=True)
        return -((broken - self.centres) ** 2)


def test_exact_thermal_samples_of_the_chain_read_as_their_own_temperature():
    temps = np.array([0.5, 1.0, 2.0, 4.0])
    model = ChainEnergyClassifier(9)
    rng = np.random.default_rng(1)
    curve_sets = [sample_chain(8, 1 / t, 4000, rng) for t in temps]
    curves = thermal_curves(model, curve_sets)
    for t in temps:
        probs = state_probabilities(model, sample_chain(8, 1 / t, 4000, rng))
        assert read_collection(probs, curves, temps, n_boot=50)["t"] == t


def test_calibration_reports_the_deviation_of_a_read_out():
    temps = np.array([1.0, 2.0, 3.0])
    out = calibration(lambda s: float(s.mean()) + 0.5, [np.full(3, t) for t in temps], temps)
    assert out["max_abs_deviation"] == pytest.approx(0.5)
    assert out["rms_deviation"] == pytest.approx(0.5)
    assert nearest_temperature(synthetic_curves()[2], synthetic_curves(), np.arange(10.0))[0] == 2


def test_direction_changes_count_turns_of_a_curve():
    from nnrg.studies.rbm_flow.analysis.thermal_readout import direction_changes

    assert direction_changes(np.array([0.1, 0.2, 0.2, 0.4])) == 0  # monotone, with a flat step
    assert direction_changes(np.array([0.1, 0.3, 0.5, 0.2, 0.1])) == 1  # one peak
    assert direction_changes(np.array([0.3, 0.2, 0.25, 0.15, 0.18])) == 3  # a zig-zag
