"""Best-matched evidence first: a claim read in every result set that measures it.

A row's references name stages (``imp_global:...``), not result sets. The evidence holds the
default profile's records as ``<stage>`` and each result set's as ``<set>/<stage>``. A claim
is evaluated once per place that has its metric's stage (the default profile and every set);
the verdict kept is the one with the most matched material conditions, ties going to the
larger budget (a result set over the default profile, which is the <= 30-min budget by
construction; between sets, the later name). The others are shown beside it, never judged.
A reference that already names a set (``paper_budget/imp_global:...``) is read there only.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from nnrg.core import resultsets
from nnrg.core.claims.engine import Beside, Verdict, evaluate
from nnrg.core.io import load_metrics_dir
from nnrg.core.metrics import MetricTree
from nnrg.core.paths import RECORDS

REPORT_OUTPUTS = ("claims", "report")  # the report's own records are not evidence
DEFAULT = "default profile"
REF_KEYS = ("metric", "error", "n", "retrained", "null")
TEST_REF_KEYS = ("target", "target_error", "bound", "low", "high")


def evidence(root: Path, with_sets: bool = True) -> dict[str, MetricTree]:
    """Every stage's record: the default profile's as ``<stage>``, and (``with_sets``) each
    result set's as ``<set>/<stage>``."""
    metrics = load_metrics_dir(root / RECORDS, exclude=REPORT_OUTPUTS)
    for name in resultsets.discover(root) if with_sets else ():
        found = load_metrics_dir(resultsets.set_dir(root, name) / RECORDS)
        metrics.update({f"{name}/{s}": m for s, m in found.items()})
    return metrics


def result_sets(metrics: dict[str, MetricTree]) -> list[str]:
    """The result sets present in ``metrics`` (sorted)."""
    return sorted({key.split("/", 1)[0] for key in metrics if "/" in key})


def _rebase_ref(ref: Any, name: str, metrics: dict[str, MetricTree]) -> Any:
    if not isinstance(ref, str) or ":" not in ref:
        return ref
    stage, _, key = ref.partition(":")
    if "/" in stage or f"{name}/{stage}" not in metrics:
        return ref
    return f"{name}/{stage}:{key}"


def _rebase_conditions(spec: dict | None, name: str, metrics: dict[str, MetricTree]) -> Any:
    if not spec:
        return spec
    return {_rebase_ref(k, name, metrics): v for k, v in spec.items()}


def rebase(claim: dict, name: str, metrics: dict[str, MetricTree]) -> dict:
    """``claim`` with every stage reference it judges by read in result set ``name`` (where
    that set has the stage); ``beside`` and free-condition ladders name their own places."""
    out = dict(claim)
    for key in REF_KEYS:
        if key in out:
            out[key] = _rebase_ref(out[key], name, metrics)
    out["test"] = {k: _rebase_ref(v, name, metrics) if k in TEST_REF_KEYS else v
                   for k, v in claim["test"].items()}  # fmt: skip
    out["conditions"] = _rebase_conditions(claim.get("conditions"), name, metrics)
    if claim.get("choices"):
        out["choices"] = [
            {
                k: _rebase_ref(v, name, metrics) if k in ("metric", "error") else v
                for k, v in ch.items()
            }
            for ch in claim["choices"]
        ]
    if claim.get("dispute"):
        d = dict(claim["dispute"])
        for key in ("metric", "error"):
            if key in d:
                d[key] = _rebase_ref(d[key], name, metrics)
        if "conditions" in d:
            d["conditions"] = _rebase_conditions(d["conditions"], name, metrics)
        out["dispute"] = d
    if claim.get("resolved"):
        out["resolved"] = {
            **claim["resolved"],
            "metric": _rebase_ref(claim["resolved"]["metric"], name, metrics),
        }
    return out


def places(claim: dict, metrics: dict[str, MetricTree]) -> list[tuple[str | None, dict]]:
    """(result set or None for the default profile, the claim as read there), for every place
    that has the claim's metric stage."""
    stage = claim["metric"].split(":", 1)[0]
    if "/" in stage:
        return [(None, claim)]
    found: list[tuple[str | None, dict]] = [(None, claim)] if stage in metrics else []
    found += [(name, rebase(claim, name, metrics)) for name in result_sets(metrics)
              if f"{name}/{stage}" in metrics]  # fmt: skip
    return found or [(None, claim)]


def _matched(v: Verdict) -> int:
    return sum(not c.differs for c in v.conditions)


def evaluate_best(claim: dict, metrics: dict[str, MetricTree]) -> Verdict:
    """The verdict at the best-matched place (see the module docstring), the others beside."""
    judged = [(name, evaluate(c, metrics)) for name, c in places(claim, metrics)]
    measured = [(n, v) for n, v in judged if v.value is not None] or judged
    # most matched conditions; ties: a result set over the default profile, later names last
    rank = {n: i for i, (n, _) in enumerate(measured)}
    name, best = max(measured, key=lambda nv: (_matched(nv[1]), rank[nv[0]]))
    others = [
        Beside(
            f"{n or DEFAULT} ({_matched(v)} of {len(v.conditions)} conditions matched)",
            v.value,
            v.error,
        )
        for n, v in judged
        if n != name
    ]
    return replace(best, result_set=name, beside=[*best.beside, *others])
