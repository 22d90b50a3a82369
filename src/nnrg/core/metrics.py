"""Metric references shared by the claims registry and the regression gate.

A reference ``"stage:dotted.key"`` names the value at ``dotted.key`` in
``reports/records/<stage>.json`` (the stage's record); a plain number is its own value.
"""

from __future__ import annotations

from typing import Any

MetricTree = dict[str, Any]


def node_at(metrics: dict[str, MetricTree], ref: str, missing: Any = None) -> Any:
    """The raw value (number, string, list, dict or null) at ``"stage:dotted.key"``, or
    ``missing`` where the key is absent.

    >>> node_at({"a": {"x": {"y": [1, 2]}}}, "a:x.y")
    [1, 2]
    """
    stage, _, key = ref.partition(":")
    if not key:
        raise ValueError(f"metric reference {ref!r} must look like 'stage:dotted.key'")
    node: Any = metrics.get(stage)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return missing
        node = node[part]
    return node


def lookup(metrics: dict[str, MetricTree], ref: str | float | int | None) -> float | None:
    """Resolve a reference against ``{stage: metrics}``; None where the value is absent.

    >>> lookup({"a": {"x": {"y": 2}}}, "a:x.y")
    2.0
    """
    if ref is None:
        return None
    if isinstance(ref, int | float) and not isinstance(ref, bool):
        return float(ref)
    node = node_at(metrics, str(ref))
    if isinstance(node, bool):
        return float(node)
    if isinstance(node, int | float):
        return float(node)
    if node in ("inf", "-inf"):
        return float(node)
    return None
