"""Benchmark the 2D Ising samplers: spin updates per ns, and CPU cost per independent sample.

Run: ``python benchmarks/ising_bench.py`` (or ``make bench``). Reports wall-clock and CPU-time
rates (the machine may be shared, so CPU time is the fairer figure), as a Markdown table.
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np

from nnrg.ising.lattice import (
    BETA_C,
    magnetisation_per_spin,
    metropolis_acceptance,
    metropolis_sweeps,
    random_lattices,
)
from nnrg.ising.multispin import multispin_sweeps, pack, probability_digits
from nnrg.ising.sampling import Chains
from nnrg.numerics.autocorr import integrated_time
from nnrg.numerics.rng import spawn_states


def timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def update_rate(
    kind: str, size: int, batch: int, sweeps: int, beta: float = BETA_C, rounds: int | None = None
) -> tuple[float, float]:
    """(spin updates per ns wall, per ns CPU) of checkerboard Metropolis at ``beta``
    (``rounds``: the multispin kernel's branch-free digits; None: its default)."""
    spins = random_lattices(batch, size, np.random.default_rng(0))
    accept = metropolis_acceptance(beta)
    if kind == "multispin":
        words = pack(spins)
        states = spawn_states(np.random.SeedSequence(0), len(words))
        d1, d0 = probability_digits(accept[3]), probability_digits(accept[4])

        extra = () if rounds is None else (rounds,)

        def run(n):
            return multispin_sweeps(words, d1, d0, n, states, *extra)
    else:
        states = spawn_states(np.random.SeedSequence(0), batch)

        def run(n):
            return metropolis_sweeps(spins, accept, n, states)

    run(2)  # compile / warm up
    _, wall, cpu = timed(lambda: run(sweeps))
    updates = batch * sweeps * size * size
    return updates / wall / 1e9, updates / cpu / 1e9


def independent_sample_cost(algorithm: str, size: int, chains: int, steps: int) -> dict:
    """CPU and wall time per effectively independent |m| sample at beta_c (measuring included)."""
    spins = random_lattices(chains, size, np.random.default_rng(1))
    kind, local = ("wolff", "scalar") if algorithm == "wolff" else ("metropolis", algorithm)
    batch = Chains(spins, BETA_C, kind, local, np.random.SeedSequence(1))
    batch.step(steps // 2)  # burn in (and compile)
    trace = np.empty((steps, chains))

    def run():
        for t in range(steps):
            batch.step(1)
            trace[t] = np.abs(magnetisation_per_spin(batch.spins()))

    _, wall, cpu = timed(run)
    tau = integrated_time(trace.T)
    per_step_cpu = cpu / (steps * chains)
    per_step_wall = wall / (steps * chains)
    return {"tau": tau, "cpu_ms": 1e3 * tau * per_step_cpu, "wall_ms": 1e3 * tau * per_step_wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer sweeps (smoke run)")
    args = parser.parse_args()
    scale = 0.1 if args.quick else 1.0
    max_threads = numba.get_num_threads()
    print(f"numba threads available: {max_threads}")
    print(
        "\n| Metropolis kernel | threads | L | batch | updates/ns (wall) "
        "| updates/ns per CPU-second |"
    )
    print("|---|---|---|---|---|---|")
    for threads in sorted({1, max_threads}):
        numba.set_num_threads(threads)
        for kind in ("scalar", "multispin"):
            for size in (32, 10):
                for batch in (64, 256):
                    sweeps = max(2, int(scale * 1e8 / (batch * size * size)))
                    wall, cpu = update_rate(kind, size, batch, sweeps)
                    print(f"| {kind} | {threads} | {size} | {batch} | {wall:.3f} | {cpu:.3f} |")
    numba.set_num_threads(1)
    print("\n| multispin, 1 thread, 256 chains | beta | rounds | updates/ns per CPU-second "
          "| vs early exit (rounds = 0) |")  # fmt: skip
    print("|---|---|---|---|---|")
    for size in (10, 32):
        for beta in (0.3, BETA_C, 0.6):
            sweeps = max(2, int(scale * 1e8 / (256 * size * size)))
            base = update_rate("multispin", size, 256, sweeps, beta, 0)[1]
            for rounds in (0, 4, 6, 8, 10, 12):
                cpu = base if rounds == 0 else update_rate("multispin", size, 256, sweeps,
                                                          beta, rounds)[1]  # fmt: skip
                print(f"| L = {size} | {beta:.4g} | {rounds} | {cpu:.3f} | {cpu / base:.2f}x |")
    numba.set_num_threads(max_threads)
    print(
        "\n| L=32, beta_c, 64 chains | tau_int(|m|) [steps] | CPU ms / independent sample "
        "| wall ms / independent sample |"
    )
    print("|---|---|---|---|")
    for algorithm in ("scalar", "multispin", "wolff"):
        r = independent_sample_cost(algorithm, 32, 64, max(200, int(scale * 4000)))
        print(f"| {algorithm} | {r['tau']:.1f} | {r['cpu_ms']:.4f} | {r['wall_ms']:.4f} |")


if __name__ == "__main__":
    main()
