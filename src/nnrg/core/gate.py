"""Metric-regression gate: compare workspace metrics with a baseline under a policy.

Policy (``reports/metrics_policy.yaml``): a list of ``{metric: "stage:key", direction:
lower|higher, abs_tol, rel_tol}``. A metric regresses when it moves in the bad direction by
more than ``abs_tol + rel_tol * |baseline|``; a gated metric missing from the workspace is a
failure, one missing from the baseline is reported as new.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnrg.core.metrics import MetricTree, lookup

DIRECTIONS = ("lower", "higher")


class GateError(ValueError):
    """The gate has no baseline to compare against (a revision or directory that is not
    there, or holds none of the gated stages' metrics)."""


@dataclass(frozen=True)
class GateRow:
    """One gated metric: values, allowed slack, and the outcome."""

    metric: str
    direction: str
    baseline: float | None
    current: float | None
    allowed: float
    status: str  # ok | regressed | missing | new


def check(
    policy: list[dict], current: dict[str, MetricTree], baseline: dict[str, MetricTree]
) -> list[GateRow]:
    """Evaluate every policy entry; see the module docstring for the rules."""
    rows = []
    for entry in policy:
        ref, direction = entry["metric"], entry.get("direction", "lower")
        if direction not in DIRECTIONS:
            raise ValueError(f"{ref}: direction must be one of {DIRECTIONS}, got {direction!r}")
        cur, base = lookup(current, ref), lookup(baseline, ref)
        if cur is None:
            rows.append(GateRow(ref, direction, base, None, 0.0, "missing"))
            continue
        if base is None:
            rows.append(GateRow(ref, direction, None, cur, 0.0, "new"))
            continue
        allowed = float(entry.get("abs_tol", 0.0)) + float(entry.get("rel_tol", 0.0)) * abs(base)
        worse = cur - base if direction == "lower" else base - cur
        rows.append(
            GateRow(ref, direction, base, cur, allowed, "regressed" if worse > allowed else "ok")
        )
    return rows


def failed(rows: list[GateRow]) -> bool:
    """True if any gated metric regressed or is missing."""
    return any(r.status in {"regressed", "missing"} for r in rows)


def render(rows: list[GateRow]) -> str:
    """Plain-text table of the gate's rows."""

    def f(x: float | None) -> str:
        return "—" if x is None else f"{x:.6g}"

    header = f"{'metric':58} {'dir':6} {'baseline':>12} {'current':>12} {'allowed':>10}  status"
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r.metric:58} {r.direction:6} {f(r.baseline):>12} {f(r.current):>12} "
            f"{r.allowed:>10.3g}  {r.status}"
        )
    return "\n".join(lines)
