"""Metric references shared by the claims registry and the regression gate.

A reference ``"stage:dotted.key"`` names the value at ``dotted.key`` in
``reports/metrics/<stage>.json``; a plain number is its own value.
"""

from __future__ import annotations

from typing import Any

MetricTree = dict[str, Any]


def lookup(metrics: dict[str, MetricTree], ref: str | float | int | None) -> float | None:
    """Resolve a reference against ``{stage: metrics}``; None where the value is absent.

    >>> lookup({"a": {"x": {"y": 2}}}, "a:x.y")
    2.0
    """
    if ref is None:
        return None
    if isinstance(ref, int | float) and not isinstance(ref, bool):
        return float(ref)
    stage, _, key = str(ref).partition(":")
    if not key:
        raise ValueError(f"metric reference {ref!r} must look like 'stage:dotted.key'")
    node: Any = metrics.get(stage)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if isinstance(node, bool):
        return float(node)
    if isinstance(node, int | float):
        return float(node)
    if node in ("inf", "-inf"):
        return float(node)
    return None
