"""Stage ising_entropy: study 001's beta grid for the local-entropy study (paper: 20 x 1000)."""

from __future__ import annotations

import numpy as np

from nnrg.stages.base import Stage
from nnrg.stages.io import replace_dir, write_json, write_npz
from nnrg.stages.ising_common import diagnostics_table, report_ensembles, sample_checked

OUT = "data/ising_entropy"


def main() -> None:
    stage = Stage("ising_entropy", uses=("sampler",))
    p = stage.section
    betas = np.linspace(p.beta_min, p.beta_max, p.n_betas)
    counts = np.full(p.n_betas, p.samples_per_beta)
    spins, beta, diags = sample_checked(
        stage, p.L, betas, counts, p.n_chains, np.random.SeedSequence(p.seed), f"{p.n_betas} betas"
    )

    def build(tmp):
        write_npz(tmp / "lattices.npz", spins=spins, beta=beta)
        write_json(
            tmp / "meta.json",
            {"L": p.L, "betas": betas, "n": len(spins), "sampler": diagnostics_table(diags)},
        )

    replace_dir(stage.path(OUT), build)
    stage.add_artifact(stage.path(f"{OUT}/meta.json"), "data")
    metrics = report_ensembles(stage, p.L, diags, "ising_entropy")
    metrics["n"] = len(spins)
    stage.finish(metrics)
