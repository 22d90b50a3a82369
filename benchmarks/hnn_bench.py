"""Benchmark batched HNN training: replicate-epochs per second, batched vs one at a time, and
the compiled epoch (``torch.compile``'d loss + fused Adam, ``HnnTraining.compiled``) vs eager.

Also projects the cost of one paper-profile IMP run (230 iterations x 5e4 epochs, oscillator,
200 time points). Run: ``python benchmarks/hnn_bench.py``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from nnrg.studies.imp_hnn.hnn import BatchedHNN
from nnrg.studies.imp_hnn.systems import get_system
from nnrg.studies.imp_hnn.training import HnnProblem, HnnTraining, train_hnn

OSC = get_system("oscillator")
PROBLEM = HnnProblem(OSC.field, OSC.energy, torch.tensor([1.3, 1.0]), 4 * np.pi)


def rate(n_replicas: int, epochs: int, batched: bool, compiled: bool = False) -> float:
    """Replicate-epochs per second of wall time."""
    tr = HnnTraining.of(epochs=epochs, lr=1e-2, lr_final=1e-4, schedule="cosine", n_points=200,
                        seed=0, compiled=compiled)  # fmt: skip
    models = (
        [BatchedHNN(n_replicas, 2)] if batched else [BatchedHNN(1, 2) for _ in range(n_replicas)]
    )
    start = time.perf_counter()
    for model in models:
        train_hnn(model, PROBLEM, tr)
    return n_replicas * epochs / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=300)
    args = parser.parse_args()
    print(f"torch threads: {torch.get_num_threads()}\n")
    rate(1, 20, True)  # warm-up: first-call allocations and thread pools
    print("| replicas | batched rep-epochs/s | one-at-a-time rep-epochs/s | speed-up |")
    print("|---|---|---|---|")
    best = 0.0
    for n in (1, 4, 16, 64):
        b = rate(n, args.epochs, True)
        best = max(best, b)
        if n <= 16:
            s = rate(n, args.epochs, False)
            print(f"| {n} | {b:.0f} | {s:.0f} | {b / s:.1f}x |")
        else:
            print(f"| {n} | {b:.0f} | (not run) | |")
    print("\n| replicas | eager rep-epochs/s | compiled + fused Adam rep-epochs/s | speed-up "
          "| compile time |")  # fmt: skip
    print("|---|---|---|---|---|")
    for n in (4, 24, 64):
        start = time.perf_counter()
        rate(n, 5, True, compiled=True)  # compiles for this replica count
        compile_s = time.perf_counter() - start
        e, c = rate(n, args.epochs, True), rate(n, args.epochs, True, compiled=True)
        print(f"| {n} | {e:.0f} | {c:.0f} | {c / e:.2f}x | {compile_s:.0f} s |")
    paper = 230 * 5e4
    print(
        f"\nOne paper-profile IMP run (230 x 5e4 epochs) per replicate at the best batched "
        f"rate: {paper / best / 3600:.1f} replicate-hours on this machine."
    )


if __name__ == "__main__":
    main()
