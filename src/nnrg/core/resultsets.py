"""Result sets: the same stages under another params file, with their own outs and lock.

The default profile lives at the repository root (``dvc.yaml``, ``params.yaml``,
``dvc.lock``). Every other result set is one small file, ``profiles/<name>.yaml``, whose
``result_set: {stages: [...]}`` block names the stages it runs; the rest of the file is a params
overlay on the defaults. ``python -m nnrg resultset <name>`` writes ``results/<name>/dvc.yaml``
(those stages, copied from the root ``dvc.yaml``, with code deps pointing two levels up) and
``results/<name>/params.yaml``; ``dvc repro results/<name>/dvc.yaml`` runs it there, since a
stage reads params and writes outs under the directory it runs in. The root ``report`` stage
reads every result set's metrics (as ``<name>/<stage>``) and depends on each set's
``dvc.lock``, so a rerun of a set re-judges the claims, while the root pipeline never
reproduces a set's stages itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

RESULTS_DIR = "results"
KEY = "result_set"


def set_dir(root: Path, name: str) -> Path:
    """``<root>/results/<name>``."""
    return root / RESULTS_DIR / name


def split_overlay(overlay: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """(the ``result_set`` block or None, the params overlay without it)."""
    rest = {k: v for k, v in overlay.items() if k != KEY}
    return overlay.get(KEY), rest


def _relocate(dep: str) -> str:
    return f"../../{dep}" if dep.startswith("src/") else dep


def stage_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """One root ``dvc.yaml`` stage as it runs inside ``results/<name>/``: code deps two levels
    up, every other path (data, params, outs) relative to the set's own directory."""
    out = dict(spec)
    out["deps"] = [_relocate(str(d)) for d in spec.get("deps", [])]
    return out


def set_dvc_yaml(root_dvc: dict[str, Any], stages: list[str], name: str) -> dict[str, Any]:
    """The ``dvc.yaml`` of result set ``name`` running ``stages`` of the root pipeline."""
    unknown = [s for s in stages if s not in root_dvc["stages"]]
    if unknown:
        raise ValueError(f"profiles/{name}.yaml: result_set.stages names no stage {unknown[0]!r}")
    return {"stages": {s: stage_spec(root_dvc["stages"][s]) for s in stages}}


def discover(root: Path) -> list[str]:
    """Names of the result sets that have been written (``results/*/dvc.yaml``)."""
    base = root / RESULTS_DIR
    return sorted(p.parent.name for p in base.glob("*/dvc.yaml")) if base.is_dir() else []
