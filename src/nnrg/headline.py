"""The headline metrics of each stage: the few scalars ``dvc metrics show`` and ``dvc exp show``
print, written to ``reports/metrics/<stage>.json`` next to the stage's full record
``reports/records/<stage>.json`` (every result, lists and nested tables included, which the
claims and the regression gate read).

Each entry names dotted keys of the record. A key absent from a record (a profile that does
not compute it) or a value that is not a finite number is left out of the headline file, so
DVC never meets a value it cannot parse; ``tests/test_headline.py`` checks that every key
exists in the committed default records.
"""

from __future__ import annotations

import math
from typing import Any

_EXACT = ("exact_check.max_abs_z_energy", "exact_check.passed", "tau_int_max")
_COUNTS = tuple(
    f"counts.{s}"
    for s in (
        "reproduced",
        "not_reproduced",
        "not_at_paper_settings",
        "disputed",
        "inconclusive",
        "pending",
    )
)

HEADLINE: dict[str, tuple[str, ...]] = {
    "ising_critical": _EXACT,
    "ising_wide": _EXACT,
    "ising_entropy": _EXACT,
    "ising_temperatures": _EXACT,
    "ising_chain": ("exact_check.bonferroni_p",),
    "dynamics": ("oscillator.max_energy_drift", "henon_heiles.max_energy_drift"),
    "hnn_dense": (
        "oscillator.log10_residual_loss.mean",
        "henon_heiles.log10_residual_loss.mean",
    ),
    "imp_layers": (
        "dense_loss",
        "finest.input_minus_output.value",
        "finest.input_minus_output.error",
    ),
    "imp_global": (
        "oscillator.imp.scaling.slope",
        "oscillator.imp.scaling.critical_density",
        "henon_heiles.imp.scaling.slope",
        "henon_heiles.imp.scaling.critical_density",
    ),
    "ticket_transfer": (
        "hh_to_nl_minus_nl_to_hh.mean",
        "hh_to_nl_minus_nl_to_hh.error",
        "transfer_beats_random_both",
    ),
    "nnqft_width": ("m2_max_abs_z", "m4_fit.exponent", "m4_fit.exponent_error", "u4_median"),
    "nnqft_sigma": (
        "fits.sb0_N10.u4.exact.exponent",
        "fits.sb0_N10.u4.exact.exponent_error",
        "fits.sb1_N10.u4.exact.exponent",
        "fits.sb1_N10.u4.exact.exponent_error",
    ),
    "beta_regressor": ("test_mse", "bias_near_beta_c"),
    "ae_models": ("models.model1.validation", "model2_over_model1", "ordering_holds"),
    "ae_wide": ("test_loss",),
    "ae_entropy": ("input_minus_ae_high_beta.value", "input_minus_ae_low_beta.value"),
    "beta_flow": ("main_line.beta", "main_line.beta_error", "main_line.slope", "rg.fixed_point"),
    "rbm_classifiers": ("chain.single_accuracy", "lattice.single_accuracy", "mnist.test_accuracy"),
    "rbm_ising": ("zigzag.excess", "zigzag.excess_error", "sensitivity.range"),
    "rbm_mnist": ("d48.n_fixed_points_mean", "d49.n_fixed_points_mean"),
    "report": (*_COUNTS, "validation.reproduced"),
}


def value_at(record: dict[str, Any], key: str) -> Any:
    """The value at dotted ``key`` of ``record``, or None where a part is missing.

    >>> value_at({"a": {"b": 2}}, "a.b"), value_at({"a": 1}, "a.c")
    (2, None)
    """
    node: Any = record
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def headline(stage: str, record: dict[str, Any]) -> dict[str, float | int]:
    """The headline scalars of ``stage`` from its ``record``, keyed by dotted key; bools as
    0 / 1, missing or non-finite values left out.

    >>> headline("ae_wide", {"test_loss": 0.5, "train_loss": 0.4})
    {'test_loss': 0.5}
    """
    out: dict[str, float | int] = {}
    for key in HEADLINE.get(stage, ()):
        value = value_at(record, key)
        if isinstance(value, bool):
            out[key] = int(value)
        elif isinstance(value, int | float) and math.isfinite(value):
            out[key] = value
    return out
