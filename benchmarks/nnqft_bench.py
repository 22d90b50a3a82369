"""Benchmark the Gauss-net ensemble: wall time of the paper's full width grid (study 004).

Paper: 20 bags x 30,000 nets for each N in {2, 3, 4, 5, 10, 20, 50, 100, 500, 1000}, G^(2,4,6)
at six points ("one week on an institute cluster"). Run: ``python benchmarks/nnqft_bench.py``.

Three configurations run in the same process, width by width: *before* (the direct kernel,
one exp per neuron and point, with the moment products on the BLAS default threads), the
geometric kernel for equally spaced points (two exp per neuron) with the BLAS default, and
*after* (geometric kernel, moment products on one BLAS thread). Speed-ups are wall-time
ratios to *before*, measured side by side.
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np

from nnrg.numerics.wick import point_combinations
from nnrg.studies.nn_qft.gaussnet import bag_green_functions

POINTS = np.array([-0.01, -0.006, -0.002, 0.002, 0.006, 0.01])
WIDTHS = (2, 3, 4, 5, 10, 20, 50, 100, 500, 1000)


CONFIGS = {  # name: (geometric kernel, BLAS threads for the moment products)
    "before": (False, None),
    "geometric": (True, None),
    "after": (True, 1),
}


def timed(width: int, bags: int, nets: int, combos: dict, config: tuple) -> float:
    """Wall seconds of ``bags`` bags of ``nets`` nets at one width in one configuration."""
    geometric, blas = config
    w0 = time.perf_counter()
    for bag in np.random.SeedSequence(1).spawn(bags):
        bag_green_functions(POINTS, width, 1.0, 1.0, nets, combos, bag, geometric=geometric,
                            blas_threads=blas)  # fmt: skip
    return time.perf_counter() - w0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bags", type=int, default=20)
    parser.add_argument("--nets", type=int, default=30000)
    args = parser.parse_args()
    combos = {n: point_combinations(6, n) for n in (2, 4, 6)}
    for config in CONFIGS.values():  # compile every path
        timed(3, 1, 100, combos, config)
    print(f"numba threads: {numba.get_num_threads()}; {args.bags} bags x {args.nets} nets\n")
    print("| N | " + " | ".join(f"{k} wall s" for k in CONFIGS) + " | geometric | after |")
    print("|---" * (len(CONFIGS) + 3) + "|")
    totals = dict.fromkeys(CONFIGS, 0.0)
    for width in WIDTHS:
        walls = {k: timed(width, args.bags, args.nets, combos, c) for k, c in CONFIGS.items()}
        for k, v in walls.items():
            totals[k] += v
        ratios = " | ".join(f"{walls['before'] / walls[k]:.2f}x" for k in ("geometric", "after"))
        print(f"| {width} | " + " | ".join(f"{v:.2f}" for v in walls.values()) + f" | {ratios} |")
    ratios = " | ".join(f"**{totals['before'] / totals[k]:.2f}x**" for k in ("geometric", "after"))
    print("| **all** | " + " | ".join(f"**{v:.1f}**" for v in totals.values()) + f" | {ratios} |")


if __name__ == "__main__":
    main()
