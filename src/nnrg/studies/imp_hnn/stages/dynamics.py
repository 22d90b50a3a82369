"""Stage dynamics: study 000's time grids and reference trajectories (DOP853, tight tolerance)."""

from __future__ import annotations

import numpy as np

from nnrg.core.declare import StageSpec
from nnrg.core.io import write_dataset, write_figure
from nnrg.core.stage import Stage
from nnrg.studies.imp_hnn import paths
from nnrg.studies.imp_hnn import plots as plots_hnn
from nnrg.studies.imp_hnn.params import DynamicsParams
from nnrg.studies.imp_hnn.systems import SYSTEMS, get_system, reference_trajectory

STAGE = StageSpec(
    "dynamics",
    DynamicsParams,
    outs=(
        paths.DYNAMICS,
        "reports/figures/dynamics_oscillator.png",
        "reports/figures/dynamics_henon_heiles.png",
    ),
    headline=(
        "oscillator.max_energy_drift",
        "henon_heiles.max_energy_drift",
    ),
)


def eq43_energy(z: np.ndarray) -> np.ndarray:
    """The oscillator's Hamiltonian as eq. 43 prints it, p^2/2 + x^2/2 + x^4/2. Eq. 44's
    motion (and so eq. 45's loss) conserves p^2/2 + x^2/2 + x^4/4 instead, the systems'
    ``oscillator_energy``: its drift along our eq.-44 trajectory shows which one the thesis
    integrates."""
    x, p = z[..., 0], z[..., 1]
    return 0.5 * p**2 + 0.5 * x**2 + 0.5 * x**4


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    results, metrics = {}, {}
    for name in SYSTEMS:
        cfg = getattr(p, name)
        system = get_system(name)
        t = np.linspace(0.0, cfg.t_max_pi * np.pi, cfg.n_points)
        z = reference_trajectory(system, np.array(cfg.z0), t, rtol=p.rtol)
        energy = system.energy(z)
        results[name] = {"t": t, "z": z, "energy": energy}
        metrics[name] = {
            "energy0": float(energy[0]),
            "max_energy_drift": float(np.max(np.abs(energy - energy[0]))),
            "n_points": cfg.n_points,
            "t_max": float(t[-1]),
        }
        fig = plots_hnn.trajectories(t, z, system.labels, f"{name}: reference trajectory")
        stage.add_artifact(
            write_figure(stage.path(f"reports/figures/dynamics_{name}.png"), fig), "figures"
        )

    z = results["oscillator"]["z"]
    metrics["oscillator"]["max_energy_drift_eq43"] = float(
        np.max(np.abs(eq43_energy(z) - eq43_energy(z[0])))
    )
    meta = {
        name: {"z0": getattr(p, name).z0, "labels": list(get_system(name).labels), "rtol": p.rtol}
        for name in SYSTEMS
    }
    write_dataset(stage.path(paths.DYNAMICS), results, meta)
    stage.add_artifact(stage.path(f"{paths.DYNAMICS}/meta.json"), "data")
    stage.finish(metrics)
