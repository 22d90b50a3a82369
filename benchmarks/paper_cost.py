"""What the paper profile (``profiles/paper.yaml``) of study 000 costs, stage by stage.

Each HNN stage's work is counted in replicate-epochs (one replica trained for one epoch, at the
stage's time points and system) from the profile's params, and priced with training rates
measured here in one run, for the way the stage actually batches its replicas:

- serial: one batched model in this process (torch's threads: the default path on 2 cores);
- Ray: the same batch split over ``--workers`` single-threaded local Ray workers (what
  ``pipeline.parallel: ray`` does, ``nnrg.core.fanout``);
- GPU: not measured here (``benchmarks/gpu_check.py`` measures it on a lent GPU machine).

A batch larger than ``--cap`` replicas is measured at the cap (the rate per replica is flat
there). Run: ``python benchmarks/paper_cost.py`` (about 5 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import ray
import torch
import yaml

from nnrg.core import fanout, registry
from nnrg.core.cli import render_profile
from nnrg.core.params import from_dict
from nnrg.studies.imp_hnn.hnn import BatchedHNN, state_arrays
from nnrg.studies.imp_hnn.systems import get_system
from nnrg.studies.imp_hnn.training import HnnProblem, HnnTraining, train_hnn, train_part

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("hnn_dense", "imp_layers", "imp_global", "ticket_transfer")  # the HNN stages
DIM = {"oscillator": 2, "henon_heiles": 4}


@dataclass(frozen=True)
class Work:
    """One batched training job of a stage: its system, batch size, points and total load."""

    stage: str
    system: str
    batch: int
    n_points: int
    replicate_epochs: float


def workloads(p: Any) -> list[Work]:
    """Every HNN stage's batched jobs under params ``p`` (the HNN stages' sections, as the
    stages build them)."""
    out = []
    for name in DIM:
        cfg = getattr(p.hnn_dense.training, name)
        out.append(Work("hnn_dense", name, p.hnn_dense.n_replicas, cfg.n_points,
                        p.hnn_dense.n_replicas * cfg.epochs))  # fmt: skip
    lp, cfg = p.imp_layers, p.imp_layers.training
    steps = sum(int(n) + 1 for n in lp.iterations)
    out.append(Work("imp_layers", lp.system, 3 * len(lp.fractions) * lp.n_replicas, cfg.n_points,
                    3 * lp.n_replicas * steps * cfg.epochs))  # fmt: skip
    gp = p.imp_global
    methods = 3 if gp.controls else 1
    for name in DIM:
        cfg = getattr(gp.training, name)
        out.append(Work("imp_global", name, methods * gp.n_replicas, cfg.n_points,
                        methods * gp.n_replicas * (gp.iterations + 1) * cfg.epochs))  # fmt: skip
    tp = p.ticket_transfer
    n_d = len(np.unique(np.r_[np.arange(0, gp.iterations + 1, tp.every), gp.iterations]))
    for source, target in (("oscillator", "henon_heiles"), ("henon_heiles", "oscillator")):
        variants = (1 if DIM[target] > DIM[source] else 3) + (1 if tp.controls else 0)
        cfg = getattr(gp.training, target)
        batch = variants * n_d * gp.n_replicas
        out.append(Work("ticket_transfer", target, batch, cfg.n_points, batch * cfg.epochs))
    return out


def problem(system: str) -> HnnProblem:
    s = get_system(system)
    z0 = torch.tensor([1.3, 1.0] if system == "oscillator" else [0.3, -0.3, 0.3, 0.15])
    return HnnProblem(s.field, s.energy, z0, 4 * np.pi if system == "oscillator" else 6 * np.pi)


def recipe(n_points: int, epochs: int) -> HnnTraining:
    return HnnTraining.of(epochs=epochs, lr=8e-3, lr_final=8e-3, schedule="constant",
                          n_points=n_points, seed=0)  # fmt: skip


def rates(work: Work, epochs: int, workers: int, cap: int) -> tuple[float, float]:
    """(serial, Ray) replicate-epochs per second for one job, batch capped at ``cap``."""
    batch = min(work.batch, cap)
    prob, tr = problem(work.system), recipe(work.n_points, epochs)
    model = BatchedHNN(batch, DIM[work.system], 50, generator=torch.Generator().manual_seed(0))
    train_hnn(BatchedHNN(batch, DIM[work.system], 50), prob, recipe(work.n_points, 5))  # warm-up
    start = time.perf_counter()
    train_hnn(model, prob, tr)
    serial = batch * epochs / (time.perf_counter() - start)
    arrays = state_arrays(model)
    blocks = np.array_split(np.arange(batch), min(workers, batch))
    units = [({k: v[b] for k, v in arrays.items()}, prob, tr) for b in blocks]
    warm = [({k: v[b] for k, v in arrays.items()}, prob, recipe(work.n_points, 5)) for b in blocks]
    fanout.run_units(train_part, warm, "ray", workers)
    start = time.perf_counter()
    fanout.run_units(train_part, units, "ray", workers)
    return serial, batch * epochs / (time.perf_counter() - start)


def duration(seconds: float) -> str:
    """Seconds as minutes, hours or days."""
    h = seconds / 3600
    return (
        f"{seconds / 60:.0f} min" if h < 1 else f"{h:,.1f} h" if h < 48 else f"{h / 24:,.1f} days"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cap", type=int, default=512)
    args = parser.parse_args()
    specs = registry.specs()
    sections = {name: cls for stage in STAGES for name, cls in specs[stage].sections.items()}
    params = from_dict(yaml.safe_load(render_profile("paper", ROOT)), sections)
    fanout.quiet_ray_environment()
    ray.init(num_cpus=args.workers, include_dashboard=False, log_to_driver=False)
    print(f"torch threads (serial): {torch.get_num_threads()}; Ray workers: {args.workers}\n")
    print(
        "| stage | job | replicate-epochs | serial rate (rep-epochs/s) | 2 cores, serial "
        f"| Ray rate ({args.workers} workers) | {args.workers} cores, Ray | one GPU |"
    )
    print("|---|---|---|---|---|---|---|---|")
    totals = {"serial": 0.0, "ray": 0.0}
    for work in workloads(params):
        serial, on_ray = rates(work, args.epochs, args.workers, args.cap)
        totals["serial"] += work.replicate_epochs / serial
        totals["ray"] += work.replicate_epochs / on_ray
        job = f"{work.system}, {work.batch} replicas x {work.n_points} points"
        print(
            f"| `{work.stage}` | {job} | {work.replicate_epochs:.3g} | {serial:,.0f} | "
            f"{duration(work.replicate_epochs / serial)} | {on_ray:,.0f} | "
            f"{duration(work.replicate_epochs / on_ray)} | not measured |",
            flush=True,
        )
    print(f"| all | | | | {duration(totals['serial'])} | | {duration(totals['ray'])} | |")
    ray.shutdown()


if __name__ == "__main__":
    main()
