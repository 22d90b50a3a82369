"""Benchmark the Gauss-net ensemble: wall time of the paper's full width grid (study 004).

Paper: 20 bags x 30,000 nets for each N in {2, 3, 4, 5, 10, 20, 50, 100, 500, 1000}, G^(2,4,6)
at six points ("one week on an institute cluster"). Run: ``python benchmarks/nnqft_bench.py``.
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np

from nnrg.models.gaussnet import bag_green_functions
from nnrg.numerics.wick import point_combinations

POINTS = np.array([-0.01, -0.006, -0.002, 0.002, 0.006, 0.01])
WIDTHS = (2, 3, 4, 5, 10, 20, 50, 100, 500, 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bags", type=int, default=20)
    parser.add_argument("--nets", type=int, default=30000)
    args = parser.parse_args()
    combos = {n: point_combinations(6, n) for n in (2, 4, 6)}
    bag_green_functions(POINTS, 3, 1.0, 1.0, 100, combos, np.random.SeedSequence(0))  # compile
    print(f"numba threads: {numba.get_num_threads()}; {args.bags} bags x {args.nets} nets\n")
    print("| N | wall s | CPU s | neuron evaluations / ns (wall) |")
    print("|---|---|---|---|")
    total_w = total_c = 0.0
    for width in WIDTHS:
        w0, c0 = time.perf_counter(), time.process_time()
        for bag in np.random.SeedSequence(1).spawn(args.bags):
            bag_green_functions(POINTS, width, 1.0, 1.0, args.nets, combos, bag)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        total_w += wall
        total_c += cpu
        rate = args.bags * args.nets * width * len(POINTS) / wall / 1e9
        print(f"| {width} | {wall:.2f} | {cpu:.2f} | {rate:.3f} |")
    print(f"| **all** | **{total_w:.1f}** | {total_c:.1f} | |")


if __name__ == "__main__":
    main()
