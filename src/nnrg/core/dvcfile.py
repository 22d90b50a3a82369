"""``dvc.yaml`` from the stages' declarations: every stage block (cmd, code and data deps,
params, outs, metrics) and the top-level ``plots``, so nothing in it is written by hand.

Code deps are each stage's import closure (:mod:`nnrg.core.deps`); the rest comes from its
:class:`~nnrg.core.declare.StageSpec`. ``python -m nnrg dvc-yaml`` writes the file and
``--check`` (and the test suite) compares it with what the declarations give.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nnrg.core import deps, resultsets
from nnrg.core.declare import StageSpec, cached
from nnrg.core.io import dump_yaml

HEADER = (
    "# Generated from the stages' declarations (STAGE in each stage module) by\n"
    "# `python -m nnrg dvc-yaml`; do not edit. One stage per job, run as\n"
    "# `python -m nnrg <stage>`, reading its own params sections. Figures, tables, curves,\n"
    "# records and metrics are committed (cache: false); data and models live in the DVC cache.\n"
)


def _out(path: str) -> str | dict[str, dict[str, bool]]:
    return path if cached(path) else {path: {"cache": False}}


def stage_block(spec: StageSpec, specs: dict[str, StageSpec], root: Path) -> dict[str, Any]:
    """One stage's ``dvc.yaml`` block."""
    data_deps = list(spec.deps)
    if spec.reads_all_records:
        # a set joins the report's deps once it has run (a set defined but not yet built has
        # no lock, and a missing dep would stop `dvc repro`)
        locks = [f"{resultsets.RESULTS_DIR}/{n}/dvc.lock" for n in resultsets.discover(root)
                 if (resultsets.set_dir(root, n) / "dvc.lock").exists()]  # fmt: skip
        others = [s.record for name, s in specs.items() if name != spec.name]
        data_deps += locks + others
    return {
        "cmd": f"python -m nnrg {spec.name}",
        "deps": deps.stage_code_deps(spec.name, root) + data_deps,
        "params": [spec.name, *spec.tracks],
        "outs": [_out(p) for p in (*spec.outs, spec.record)],
        "metrics": [{spec.metrics: {"cache": False}}],
    }


def plots(specs: dict[str, StageSpec]) -> list[dict[str, Any]]:
    """The top-level plots: each id once, in declaration order; a plot several stages declare
    draws all their files (its other fields must agree)."""
    merged: dict[str, dict[str, Any]] = {}
    for spec in specs.values():
        for pid, plot in spec.plots.items():
            entry = plot.as_dvc()
            if pid not in merged:
                merged[pid] = entry
                continue
            first = {k: v for k, v in merged[pid].items() if k != "y"}
            if first != {k: v for k, v in entry.items() if k != "y"}:
                raise ValueError(f"plot {pid!r}: stage {spec.name} declares it differently")
            merged[pid]["y"].update(entry["y"])
    return [{pid: entry} for pid, entry in merged.items()]


def render(specs: dict[str, StageSpec], root: Path) -> str:
    """The whole ``dvc.yaml`` text."""
    tree = {
        "stages": {name: stage_block(spec, specs, root) for name, spec in specs.items()},
        "plots": plots(specs),
    }
    return HEADER + dump_yaml(tree)


def written_by(specs: dict[str, StageSpec]) -> dict[str, str]:
    """Each declared out (and record) -> the stage that writes it; an out declared by two
    stages is a ValueError."""
    owner: dict[str, str] = {}
    for name, spec in specs.items():
        for path in (*spec.outs, spec.record, spec.metrics):
            if owner.setdefault(path, name) != name:
                raise ValueError(f"{path} is an out of both {owner[path]} and {name}")
    return owner
