"""The one prepared check for a lent GPU machine (DEVELOPERS.md: one short script, run once).

Runs the CUDA tests (``tests/core/test_device.py``), then measures, in this one run, HNN training
rates (replicate-epochs per second) on the CPU and on the GPU, eager and compiled, at replica
counts from the default profile's to the paper profile's, and one RBM's CD-1 training; writes
everything to ``$OUT/gpu_check.json`` (or ``./gpu_check.json``) and prints it.

Run: ``python benchmarks/gpu_check.py`` (about 3 minutes on one H200 after installing).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from nnrg.studies.imp_hnn.hnn import BatchedHNN
from nnrg.studies.imp_hnn.systems import get_system
from nnrg.studies.imp_hnn.training import HnnProblem, HnnTraining, train_hnn
from nnrg.studies.rbm_flow.rbm import RBM, RbmTraining, train_rbm


def hnn_rate(device: str, n_replicas: int, epochs: int, compiled: bool) -> float:
    """Replicate-epochs per second (after a warm-up run that also compiles)."""
    s = get_system("henon_heiles")
    prob = HnnProblem(
        s.field, s.energy, torch.tensor([0.3, -0.3, 0.3, 0.15], device=device), 6 * np.pi
    )
    tr = HnnTraining.of(epochs=epochs, lr=8e-3, lr_final=1e-4, schedule="cosine", n_points=200,
                        seed=0, compiled=compiled)  # fmt: skip
    warm = replace(tr, recipe=replace(tr.recipe, epochs=20))
    train_hnn(BatchedHNN(n_replicas, 4, 50).to(device), prob, warm)
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    train_hnn(BatchedHNN(n_replicas, 4, 50).to(device), prob, tr)
    if device == "cuda":
        torch.cuda.synchronize()
    return n_replicas * epochs / (time.perf_counter() - start)


def rbm_seconds(device: str) -> float:
    """Seconds for 5 epochs of CD-1 on 25,000 10 x 10 lattices (25 hidden units)."""
    rng = np.random.default_rng(0)
    data = torch.as_tensor(rng.choice([-1.0, 1.0], size=(25000, 100)))
    tr = RbmTraining.of(epochs=5, lr=0.01, batch_size=100, k=1, cd_mode="sampled", seed=0)
    rbm = RBM(100, 25, generator=torch.Generator().manual_seed(0), device=device)
    start = time.perf_counter()
    train_rbm(rbm, data, data[:1000], tr)
    return time.perf_counter() - start


def main() -> None:
    out_dir = Path(os.environ.get("OUT", "."))
    report: dict = {"torch": torch.__version__, "cuda": torch.cuda.is_available()}
    if torch.cuda.is_available():
        report["gpu"] = torch.cuda.get_device_name(0)
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "tests/core/test_device.py"],
                           capture_output=True, text=True)  # fmt: skip
    report["cuda_tests"] = {"rc": tests.returncode, "tail": tests.stdout[-1500:]}
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    rates = {}
    for device in devices:
        for r in (64, 512) if device == "cpu" else (64, 512, 4096):
            for compiled in (False, True):
                key = f"{device}_R{r}_{'compiled' if compiled else 'eager'}"
                rates[key] = hnn_rate(device, r, 200, compiled)
                print(key, f"{rates[key]:.0f} replicate-epochs/s", flush=True)
    report["hnn_replicate_epochs_per_s"] = rates
    report["rbm_cd1_5_epochs_s"] = {d: rbm_seconds(d) for d in devices}
    text = json.dumps(report, indent=2)
    (out_dir / "gpu_check.json").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
