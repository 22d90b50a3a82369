"""Compare sampled ensembles with Kaufman's exact finite-lattice energy and specific heat."""

from __future__ import annotations

import numpy as np
from scipy.stats import norm
from scipy.stats import t as student_t

from nnrg.ising.exact import kaufman_energy_and_heat
from nnrg.ising.sampling import EnsembleDiagnostics
from nnrg.numerics.stats import Estimate


def bonferroni_threshold(n_tests: int, z_family: float = 4.0, dof: int | None = None) -> float:
    """|z| threshold per test so that the family-wise false-alarm rate equals P(|Z| > z_family).

    With ``dof`` the z-scores are Student-t distributed (errors estimated from dof + 1 chains),
    so the threshold is the matching t quantile; without it, the normal one.
    """
    alpha = 2.0 * norm.sf(z_family) / max(n_tests, 1)
    if dof is not None and dof >= 1:
        return float(student_t.isf(alpha / 2.0, dof))
    return float(norm.isf(alpha / 2.0))


def resolution_floor(energy: Estimate, size: int, n_samples: int) -> Estimate:
    """Energy estimate whose error is at least one energy quantum (4/N) spread over the samples.

    Deep in the ordered phase every sample can sit in the ground state (zero spread), while the
    exact mean differs by ~exp(-8 beta); a finite sample cannot resolve that, so the error is
    floored at (4 / N) / n_samples instead of claiming infinite significance.
    """
    floor = 4.0 / (size * size) / max(n_samples, 1)
    return Estimate(energy.mean, max(energy.error, floor), energy.n)


def checkable(d: EnsembleDiagnostics) -> bool:
    """True for ensembles that Kaufman's formula can check: finite beta > 0, >= 2 chains."""
    return 0.0 < d.beta < np.inf and d.energy.n >= 2


def exact_energy_check(size: int, diags: list[EnsembleDiagnostics]) -> dict:
    """z-scores of sampled <E>/N and C/N against the exact torus values, per finite beta > 0.

    Returns ``{"n_betas", "max_abs_z_energy", "max_abs_z_heat", "threshold", "passed",
    "per_beta": [...]}``; ``passed`` uses the energy z-scores and the Bonferroni threshold.
    """
    rows = []
    for d in filter(checkable, diags):
        e_exact, c_exact = kaufman_energy_and_heat(size, d.beta)
        energy = resolution_floor(d.energy, size, d.n_chains * d.samples_per_chain)
        rows.append(
            {
                "beta": d.beta,
                "energy": d.energy.mean,
                "energy_error": energy.error,
                "energy_exact": e_exact,
                "z_energy": energy.z_score(e_exact),
                "heat": d.specific_heat.mean,
                "heat_error": d.specific_heat.error,
                "heat_exact": c_exact,
                "z_heat": d.specific_heat.z_score(c_exact),
            }
        )
    dof = min((d.energy.n - 1 for d in diags if checkable(d)), default=None)
    threshold = bonferroni_threshold(len(rows), dof=dof)
    z_e = [abs(r["z_energy"]) for r in rows]
    z_c = [abs(r["z_heat"]) for r in rows if np.isfinite(r["z_heat"])]
    max_e = max(z_e, default=0.0)
    return {
        "n_betas": len(rows),
        "max_abs_z_energy": float(max_e),
        "max_abs_z_heat": float(max(z_c, default=0.0)),
        "threshold": threshold,
        "passed": bool(max_e <= threshold),
        "per_beta": rows,
    }
