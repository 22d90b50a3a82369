"""Shared by the 2D Ising data stages: sample a beta grid, check it against Kaufman, report."""

from __future__ import annotations

import numpy as np

from nnrg.core.declare import Plot
from nnrg.core.io import write_csv, write_figure
from nnrg.core.stage import Stage
from nnrg.ising import plots as plots_ising
from nnrg.ising.exact_checks import checkable, exact_energy_check
from nnrg.ising.lattice import BETA_C
from nnrg.ising.sampling import EnsembleDiagnostics, sample_grid


def sample_checked(
    stage: Stage,
    size: int,
    betas: np.ndarray,
    counts: np.ndarray,
    n_chains: int,
    seed: np.random.SeedSequence,
    desc: str,
) -> tuple[np.ndarray, np.ndarray, list[EnsembleDiagnostics]]:
    """``sample_grid`` with a progress bar labelled ``desc``."""
    bar = stage.progress(total=len(betas), desc=desc)
    out = sample_grid(
        size,
        betas,
        counts,
        n_chains,
        seed,
        stage.params.sampler,
        progress=lambda _k: bar.update(1),
    )
    bar.close()
    return out


def report_ensembles(stage: Stage, size: int, diags: list[EnsembleDiagnostics], name: str) -> dict:
    """Exact check, diagnostics figure and tau CSV for ``dvc plots``; returns the metrics dict."""
    check = exact_energy_check(size, diags)
    rows = check["per_beta"]
    checked = [d for d in diags if checkable(d)]
    fig = plots_ising.sampler_diagnostics(
        [d.beta for d in checked],
        [d.tau_int for d in checked],
        [d.algorithm for d in checked],
        [r["energy"] for r in rows],
        [r["energy_error"] for r in rows],
        [r["energy_exact"] for r in rows],
        BETA_C,
    )
    stage.add_artifact(
        write_figure(stage.path(f"reports/figures/{name}_sampler.png"), fig), "figures"
    )
    table = write_csv(
        stage.path(f"reports/plots/{name}_tau.csv"),
        ["beta", "tau_int", "algorithm", "thin", "burn_in", "energy", "energy_error"],
        [
            (d.beta, d.tau_int, d.algorithm, d.thin, d.burn_in, d.energy.mean, d.energy.error)
            for d in diags
        ],
        {"beta": ".6g", "tau_int": ".6g", "energy": ".8g", "energy_error": ".4g"},
    )
    stage.add_artifact(table, "plots")
    finite = [d for d in diags if d.algorithm in {"metropolis", "wolff"}]
    return {
        "exact_check": {k: v for k, v in check.items() if k != "per_beta"},
        "tau_int_max": max((d.tau_int for d in finite), default=1.0),
        "tau_unresolved_betas": sum(not d.tau_resolved for d in finite),
        "n_wolff_betas": sum(d.algorithm == "wolff" for d in finite),
        "n_metropolis_betas": sum(d.algorithm == "metropolis" for d in finite),
    }


def diagnostics_table(diags: list[EnsembleDiagnostics]) -> list[dict]:
    """Per-beta diagnostics for a dataset's metadata JSON."""
    return [d.as_dict() for d in diags]


def tau_plot(csv: str) -> Plot:
    """The ``dvc plots`` entry every 2D Ising data stage adds its tau_int curve ``csv`` to."""
    return Plot(
        "nnrg_points",
        "Ising data: integrated autocorrelation time of the energy per beta",
        "beta",
        {csv: "tau_int"},
        "beta",
        "tau_int (sweeps)",
    )
