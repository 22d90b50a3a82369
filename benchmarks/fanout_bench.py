"""Serial batch vs Ray workers on one stage's work: whole-model IMP and its two retrained
controls (``imp_global``'s three groups at the default profile's replicas, rate and grid,
fewer epochs), in one run.

Rows: one batched model in this process (torch's default threads); the same groups as
``nnrg.core.fanout`` units on 1 and on ``--workers`` single-threaded local Ray workers (Ray's
start-up excluded: it is paid once per stage). Every row must give the serial row's bytes.
Run: ``python benchmarks/fanout_bench.py`` (about 2 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import numpy as np
import ray
import torch

from nnrg.core import fanout
from nnrg.studies.imp_hnn.hnn import LAYERS, BatchedHNN, tiled
from nnrg.studies.imp_hnn.imp import PruneGroup, imp, imp_binned
from nnrg.studies.imp_hnn.systems import get_system
from nnrg.studies.imp_hnn.training import HnnProblem, HnnTraining


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--iterations", type=int, default=22)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    s = get_system("oscillator")
    prob = HnnProblem(s.field, s.energy, torch.tensor([1.3, 1.0]), 4 * np.pi)
    tr = HnnTraining.of(epochs=args.epochs, lr=2e-2, lr_final=1e-5, schedule="cosine",
                        n_points=50, seed=6200)  # fmt: skip
    r = 4
    base = BatchedHNN(r, 2, 50, generator=torch.Generator().manual_seed(6200))
    groups = [PruneGroup(k * r, (k + 1) * r, LAYERS, m, 0.1)
              for k, m in enumerate(("magnitude", "random", "layer_normalised"))]  # fmt: skip
    start = time.perf_counter()
    ref = imp(tiled(base, 3), prob, tr, groups, args.iterations)
    rows = [
        ("serial: one batch of 12 replicas", torch.get_num_threads(), time.perf_counter() - start)
    ]
    fanout.quiet_ray_environment()
    ray.init(num_cpus=args.workers, include_dashboard=False, log_to_driver=False)
    for workers in sorted({1, args.workers}):

        def run(fn, units, w=workers):
            return fanout.run_units(fn, units, "ray", w)

        warm = replace(tr, recipe=replace(tr.recipe, epochs=5))
        imp_binned(tiled(base, 3), prob, warm, groups, 1, workers, run)  # worker start-up
        start = time.perf_counter()
        out = imp_binned(tiled(base, 3), prob, tr, groups, args.iterations, workers, run)
        rows.append(
            (f"Ray: {workers} bin(s) on {workers} worker(s)", 1, time.perf_counter() - start)
        )
        same = all(np.array_equal(getattr(out, f), getattr(ref, f))
                   for f in ("density", "loss", "layer_magnitude")) and all(
            np.array_equal(out.masks[n], ref.masks[n]) for n in LAYERS)  # fmt: skip
        assert same, f"{workers} worker(s): not the serial bytes"
    ray.shutdown()
    print(f"{args.iterations + 1} IMP iterations x {args.epochs} epochs, 3 groups x {r} replicas; "
          "every row gave the serial row's bytes\n")  # fmt: skip
    print("| path | torch threads per process | wall time | vs serial | vs 1 worker |")
    print("|---|---|---|---|---|")
    one = rows[1][2]
    for name, threads, wall in rows:
        print(
            f"| {name} | {threads} | {wall:.1f} s | {rows[0][2] / wall:.2f}x | {one / wall:.2f}x |"
        )


if __name__ == "__main__":
    main()
