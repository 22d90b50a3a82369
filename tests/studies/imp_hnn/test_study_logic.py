"""Study 000 logic that used to live in stage modules: sigma read-outs, transfer comparisons,
and the layer and transfer read-outs. (The other studies' parts are under tests/studies/.)"""

from __future__ import annotations

import numpy as np
import pytest

from nnrg.studies.imp_hnn.analysis.imp_scaling import anchored_ticket_density, transfer_comparison
from nnrg.studies.imp_hnn.analysis.sigma import sigma_metrics, sign_verdict, thesis_sign_pattern

LAYERS = ("input", "hidden", "output")


def test_sigma_metrics_recover_exponents_and_the_sign_pattern():
    c, n = 1 / (1 - 0.1), np.arange(30)[:, None, None]
    raw = np.broadcast_to(c ** (np.array([2.0, -0.5, 1.0]) * n), (30, 4, 3))
    out = sigma_metrics(raw, 0.1, LAYERS)
    # shares are normalised, so each exponent is known up to a common shift; the differences
    # between layers are exact and the pattern (+, -, +) survives whenever the shift is small
    fit = {k: out["sigma_fit"][k]["mean"] for k in LAYERS}
    assert fit["input"] - fit["hidden"] == pytest.approx(2.5, abs=1e-6)
    assert fit["output"] - fit["hidden"] == pytest.approx(1.5, abs=1e-6)
    assert out["iterations_used"] == 30
    # the telescoping bound holds for the ratio estimator
    for k in LAYERS:
        assert out["sigma_ratio"][k]["mean"] <= out["sigma_ratio_upper_bound"][k] + 1e-12


def test_sign_pattern_and_verdict():
    def sig(a, b, c):
        return {k: {"mean": v} for k, v in zip(LAYERS, (a, b, c), strict=True)}

    assert thesis_sign_pattern(sig(1, -1, 1)) and not thesis_sign_pattern(sig(1, 1, 1))
    system = {
        "imp": {"thesis_sign_pattern_fit": True, "sigma_fit": sig(1, -1, 1)},
        "random": {"thesis_sign_pattern_fit": False, "sigma_fit": sig(1, 1, 1)},
        "no_retraining": {"thesis_sign_pattern_fit": True, "sigma_fit": sig(1, -1, 1)},
    }
    v = sign_verdict(system, LAYERS)
    assert v["imp_has_pattern"] and v["controls_with_pattern"] == 1
    assert not v["pattern_produced_by_training"]  # the untrained control has it too
    assert v["imp_signs_matched_without_training"] == 3


def test_transfer_comparison_ratios_are_log10_of_known_factors():
    density = np.array([0.9, 0.5, 0.2])
    direct = np.full((3, 4), 1e-4)
    loss, random = 10 * direct, 100 * direct
    out = transfer_comparison(density, loss, direct, 1e-4, 2.0, 0.65, random)
    assert out["mean_log10_ratio_to_direct"] == pytest.approx(1.0)
    assert out["mean_log10_ratio_to_random"] == pytest.approx(-1.0)
    assert out["log10_ratio_to_direct"]["mean"] == pytest.approx(1.0)
    assert out["fraction_below_beating_direct"] == 0.0
    assert out["lowest_ticket_density"] == 1.0  # 10x the dense loss at once: no ticket
    assert anchored_ticket_density(density, direct, 1e-4, 2.0) == 0.2


def test_transfer_readouts_of_known_curves():
    from nnrg.studies.imp_hnn.analysis.transfer_readouts import figure_readouts

    density = np.array([1.0, 0.8, 0.6, 0.4])
    direct = np.full((4, 3), 1e-4)
    loss = direct * np.array([[2.0], [1.5], [0.5], [20.0]])  # crosses between 0.8 and 0.6
    out = figure_readouts(density, loss, direct, dense=1e-4)
    assert len(out["crossings"]) == 2
    assert out["crossing_near_0p65"] == pytest.approx(0.8 - 0.2 * np.log10(1.5) / np.log10(3))
    assert out["min_ratio_to_dense_below_0p7"] == pytest.approx(0.5)
    assert out["ratio_to_direct_below_0p65"]["max"] == pytest.approx(20.0)
    assert out["ratio_to_direct_above_0p65"]["n"] == 2


def test_layer_readouts_ratio_and_line_rms():
    from nnrg.studies.imp_hnn.analysis.layer_readouts import line_rms, log10_ratio_at

    density = np.repeat(np.array([[1.0], [0.7], [0.5], [0.3], [0.2]]), 2, axis=1)
    loss = 1e-3 * density**-2.0  # an exact power law: rms 0
    assert line_rms(density, loss, 0.0, 1.01) == pytest.approx(0.0, abs=1e-12)
    out = log10_ratio_at(density, loss, 0.7)
    assert out["mean"] == pytest.approx(-2 * np.log10(0.7)) and out["density"] == 0.7
