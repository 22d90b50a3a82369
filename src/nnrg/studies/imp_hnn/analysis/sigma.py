"""Layer exponents sigma of the IMP "RG" reading (study 000, eqs. 35-37).

M_i(n) = sum |m theta| over layer i / sum over all layers, lambda_i = M_i(n+1) / M_i(n),
sigma_i = log_c(lambda_i) with c = 1 / (1 - x) for pruning fraction x. Three estimators, per
replica and then averaged over replicas:
  literal  log_c(mean over steps of lambda_i): sec. 5.2 averages lambda ("the standard error of
           the mean of lambda_i") and takes log_c of it (the main line);
  ratio    mean over steps of log_c(lambda_i) (telescopes to log_c(M(N)/M(0)) / N);
  fit      one least-squares slope of log M_i(n) against n, over log c.
They differ when M_i(n) is noisy: by Jensen's inequality the literal estimator exceeds the
ratio one by about s^2 / (2 ln c) for a per-step spread s of ln lambda_i, so at small c (1 %
steps: ln c = 0.01005) a small noise inflates it by a lot (:func:`jensen_test`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnrg.numerics.stats import Estimate, mean_of_replicas


def magnitude_shares(layer_magnitudes: np.ndarray) -> np.ndarray:
    """M_i(n) from summed |m theta| per layer, ``(..., n_iter, n_layers)`` -> same shape."""
    m = np.asarray(layer_magnitudes, dtype=np.float64)
    return m / m.sum(axis=-1, keepdims=True)


def step_sigmas(shares: np.ndarray, fraction: float) -> np.ndarray:
    """The per-step exponent log_c(M(n+1)/M(n)) (eq. 36 at one step n), ``(R, n_iter, L)`` ->
    ``(R, n_iter - 1, L)``: the quantity the ratio estimator averages over steps."""
    return np.diff(np.log(shares), axis=-2) / np.log(1.0 / (1.0 - fraction))


def sigma_from_ratios(shares: np.ndarray, fraction: float) -> np.ndarray:
    """Mean over steps of log_c(M(n+1)/M(n)) per replica and layer, ``(R, n_iter, L)`` -> (R, L)."""
    return step_sigmas(shares, fraction).mean(axis=-2)


def step_sigma_rows(shares: np.ndarray, fraction: float, layers: tuple[str, ...]) -> list:
    """``(layer, step, mean, s.e.)`` of the per-step exponent over replicas, for each layer and
    step n (from iteration n to n + 1): sigma against the IMP iteration."""
    steps = step_sigmas(shares, fraction)
    rows = []
    for k, layer in enumerate(layers):
        for n in range(steps.shape[1]):
            e = mean_of_replicas(steps[:, n, k])
            rows.append((layer, n, e.mean, e.error))
    return rows


def sigma_from_fit(shares: np.ndarray, fraction: float) -> np.ndarray:
    """Slope of log M_i(n) vs n divided by log c, per replica and layer, -> (R, L)."""
    log_m = np.log(shares)
    n = np.arange(log_m.shape[-2], dtype=np.float64)
    nc = n - n.mean()
    slope = np.einsum("n,...nl->...l", nc, log_m - log_m.mean(axis=-2, keepdims=True))
    return slope / (nc @ nc) / np.log(1.0 / (1.0 - fraction))


def sigma_literal(shares: np.ndarray, fraction: float) -> np.ndarray:
    """log_c of the mean over steps of lambda_i = M_i(n+1)/M_i(n) per replica and layer (sec.
    5.2's reading), ``(R, n_iter, L)`` -> ``(R, L)``."""
    lam = shares[..., 1:, :] / shares[..., :-1, :]
    return np.log(lam.mean(axis=-2)) / np.log(1.0 / (1.0 - fraction))


ESTIMATORS = {"literal": sigma_literal, "ratio": sigma_from_ratios, "fit": sigma_from_fit}


def layer_sigmas(shares: np.ndarray, fraction: float) -> dict[str, list[Estimate]]:
    """Every estimator, each averaged over replicas with standard errors, one per layer."""
    out = {}
    for name, fn in ESTIMATORS.items():
        values = fn(shares, fraction)
        out[name] = [mean_of_replicas(values[:, k]) for k in range(values.shape[-1])]
    return out


def thesis_sign_pattern(sigma: dict[str, dict]) -> bool:
    """sigma_1 > 0, sigma_2 < 0, sigma_3 > 0 (relevant, irrelevant, relevant)."""
    return sigma["input"]["mean"] > 0 > sigma["hidden"]["mean"] and sigma["output"]["mean"] > 0


def alive_shares(magnitudes: np.ndarray) -> np.ndarray:
    """Shares M_i(n) ``(R, n_used, L)`` from summed |m theta| ``(n_iter, R, L)``, up to the
    first iteration where some replica's layer has lost every weight (share 0)."""
    shares = np.transpose(magnitude_shares(magnitudes), (1, 0, 2))
    dead = np.flatnonzero(~(shares > 0).all(axis=(0, 2)))
    return shares[:, : dead[0] if len(dead) else shares.shape[1]]


def sigma_metrics(magnitudes: np.ndarray, fraction: float, layers: tuple[str, ...]) -> dict:
    """Every sigma estimator per layer (named ``layers``) from summed |m theta|
    ``(n_iter, R, len(layers))``, the telescoping bound of the ratio estimator and the sign
    pattern.

    Iterations after a layer has lost every weight (share 0) are left out of the estimate.
    """
    shares = alive_shares(magnitudes)
    n_used = shares.shape[1]
    est = layer_sigmas(shares[:, :n_used], fraction)
    out: dict[str, Any] = {
        f"sigma_{name}": {layer: e.as_dict() for layer, e in zip(layers, values, strict=True)}
        for name, values in est.items()
    }
    out["iterations_used"] = int(n_used)
    # The ratio estimator telescopes: mean_n log(M(n+1)/M(n)) = log(M(N)/M(0)) / N, and
    # M(N) <= 1, so each replica's sigma_ratio <= -log M(0) / (N log c) with its own M(0)
    # whatever the training does; the replica mean is bounded by the mean of those bounds.
    if n_used > 1:
        per_replica = ratio_upper_bounds(shares, fraction)
        out["sigma_ratio_upper_bound"] = dict(zip(layers, per_replica.mean(axis=0).tolist(),
                                                  strict=True))  # fmt: skip
        out["sigma_ratio_upper_bound_tightest_replica"] = dict(
            zip(layers, per_replica.min(axis=0).tolist(), strict=True)
        )
        out["jensen"] = jensen_test(shares, fraction, layers)
    for name in ESTIMATORS:
        out[f"thesis_sign_pattern_{name}"] = thesis_sign_pattern(out[f"sigma_{name}"])
    return out


def ratio_upper_bounds(shares: np.ndarray, fraction: float) -> np.ndarray:
    """Each replica's bound on its ratio estimate, -log M_i(0) / (N log c), ``(R, L)``."""
    n_steps = shares.shape[-2] - 1
    return -np.log(shares[..., 0, :]) / (n_steps * np.log(1.0 / (1.0 - fraction)))


def jensen_test(shares: np.ndarray, fraction: float, layers: tuple[str, ...]) -> dict:
    """How much averaging lambda before the log inflates sigma: per replica and layer, the
    per-step spread s (standard deviation over steps of ln lambda_i), the measured inflation
    log_c(mean lambda) - mean log_c(lambda) and its second-order prediction s^2 / (2 ln c)
    (exact for log-normal lambda), each as mean +- s.e. over replicas, and the measured minus
    the predicted inflation; also the relative standard error of the mean lambda over steps
    (sec. 5.2's "well-defined" criterion: below 5 %)."""
    log_c = np.log(1.0 / (1.0 - fraction))
    steps = np.diff(np.log(shares), axis=-2)  # ln lambda, (R, n - 1, L)
    n_steps = steps.shape[-2]
    spread = steps.std(axis=-2, ddof=1) if n_steps > 1 else np.full(steps.shape[::2], np.nan)
    measured = sigma_literal(shares, fraction) - sigma_from_ratios(shares, fraction)
    predicted = spread**2 / (2 * log_c)
    lam = np.exp(steps)
    # Redman et al.'s criterion for a well-defined lambda (sec. 5.2): the standard error of the
    # mean of lambda_i over steps, relative to that mean, below 5 %
    rel_se = lam.std(axis=-2, ddof=1) / np.sqrt(n_steps) / lam.mean(axis=-2)
    out: dict[str, Any] = {"log_c": float(log_c), "n_steps": int(n_steps)}
    out["lambda_relative_se"] = {layer: mean_of_replicas(rel_se[:, k]).as_dict()
                                 for k, layer in enumerate(layers)}  # fmt: skip
    for name, values in (("spread", spread), ("measured_inflation", measured),
                         ("predicted_inflation", predicted),
                         ("measured_minus_predicted", measured - predicted)):  # fmt: skip
        out[name] = {layer: mean_of_replicas(values[:, k]).as_dict()
                     for k, layer in enumerate(layers)}  # fmt: skip
    return out


def sign_verdict(system_metrics: dict, layers: tuple[str, ...]) -> dict:
    """Is the thesis's sign pattern produced by training, i.e. present under IMP and absent
    under every control? Judged with the fit estimator (robust to noisy steps)."""
    imp_pattern = system_metrics["imp"]["thesis_sign_pattern_fit"]
    controls = {
        m: system_metrics[m]["thesis_sign_pattern_fit"]
        for m in ("random", "layer_normalised", "no_retraining")
        if m in system_metrics
    }
    signs = {
        m: [np.sign(system_metrics[m]["sigma_fit"][layer]["mean"]) for layer in layers]
        for m in ("imp", "no_retraining")
        if m in system_metrics
    }
    from_init = (
        sum(a == b for a, b in zip(signs["imp"], signs["no_retraining"], strict=True))
        if len(signs) == 2
        else -1
    )
    return {
        "imp_has_pattern": imp_pattern,
        "controls_with_pattern": sum(controls.values()),
        "pattern_produced_by_training": bool(
            imp_pattern and controls and not any(controls.values())
        ),
        "imp_signs_matched_without_training": int(from_init),
    }


def identity_residual(shares: np.ndarray, sigma: ArrayLike, fraction: float) -> np.ndarray:
    """Eq. 35's consistency: shares sum to one, so sum_i M_i(n) lambda_i = 1 at every step for
    the true lambda_i(n) = M_i(n+1) / M_i(n). A constant triple lambda_i = c^sigma_i is only
    consistent with the shares where sum_i M_i(n) c^sigma_i - 1 (returned, ``(..., n_iter)``)
    is ~0; ``shares`` ``(..., n_iter, n_layers)``, ``sigma`` ``(n_layers,)``."""
    c = 1.0 / (1.0 - fraction)
    return (np.asarray(shares) * c ** np.asarray(sigma, dtype=np.float64)).sum(axis=-1) - 1.0


def windowed_sigmas(shares: np.ndarray, fraction: float, layers: tuple[str, ...]) -> dict:
    """The ratio estimator over the first and second half of the steps, and the per-step
    spread (standard deviation over steps of log_c(M(n+1)/M(n)), averaged over replicas):
    how much the thesis's unstated averaging window matters. ``shares`` ``(R, n_iter, L)``."""
    n = shares.shape[1]
    logs = step_sigmas(shares, fraction)  # (R, n - 1, L)
    half = max(1, (n - 1) // 2)
    out: dict[str, Any] = {}
    for name, part in (("first_half", logs[:, :half]), ("second_half", logs[:, half:])):
        if part.shape[1] == 0:
            continue
        est = [mean_of_replicas(part[:, :, k].mean(axis=1)) for k in range(len(layers))]
        out[name] = {layer: e.as_dict() for layer, e in zip(layers, est, strict=True)}
    spread = logs.std(axis=1, ddof=1).mean(axis=0) if logs.shape[1] > 1 else np.zeros(len(layers))
    out["per_step_spread"] = dict(zip(layers, spread.tolist(), strict=True))
    return out
